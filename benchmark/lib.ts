/** Small helpers of the benchmark: robust statistics, image checks, the polling model, tables. */
import { createHash } from 'crypto';

import { decodeImage, MAGIC } from '../test/support/images';

// ---------- statistics ----------

export interface Summary {
	n: number;
	median: number;
	p25: number;
	p75: number;
	min: number;
	max: number;
}

export function quantile(values: number[], q: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const pos = (sorted.length - 1) * q;
	const lo = Math.floor(pos);
	const hi = Math.ceil(pos);
	return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const median = (values: number[]) => quantile(values, 0.5);

export function summarize(values: number[]): Summary {
	return {
		n: values.length,
		median: median(values),
		p25: quantile(values, 0.25),
		p75: quantile(values, 0.75),
		min: values.length ? Math.min(...values) : NaN,
		max: values.length ? Math.max(...values) : NaN,
	};
}

/** Ratio of two medians; NaN when the denominator is 0. */
export function ratio(a: number, b: number): number {
	return b === 0 ? NaN : a / b;
}

/** Median of per-round ratios (rounds are paired because the variants run back to back). */
export function pairedRatio(a: number[], b: number[]): number {
	const n = Math.min(a.length, b.length);
	const ratios: number[] = [];
	for (let i = 0; i < n; i++) if (b[i] > 0) ratios.push(a[i] / b[i]);
	return median(ratios);
}

/** The variants of round r, rotated so no variant always runs first (warm caches, GC). */
export function rotate<T>(items: T[], r: number): T[] {
	const k = r % items.length;
	return [...items.slice(k), ...items.slice(0, k)];
}

// ---------- images ----------

/**
 * Throws unless the bytes are a real image of the asked format and size: magic bytes first,
 * then libvips (sharp) reads the header. Returns the sha256, so callers can compare outputs.
 */
export async function checkImage(bytes: Buffer, format: 'webp' | 'jpg' | 'png', width: number, height: number, label: string) {
	if (!Buffer.isBuffer(bytes) || bytes.length < 64) throw new Error(`${label}: image missing or too small (${bytes?.length ?? 0} bytes)`);
	if (!MAGIC[format](bytes)) {
		throw new Error(`${label}: not a ${format} file (first bytes ${bytes.subarray(0, 12).toString('hex')})`);
	}
	const meta = await decodeImage(bytes);
	const expected = format === 'jpg' ? 'jpeg' : format;
	if (meta.format !== expected || meta.width !== width || meta.height !== height) {
		throw new Error(`${label}: decoded as ${meta.format} ${meta.width}×${meta.height}, expected ${expected} ${width}×${height}`);
	}
	return createHash('sha256').update(bytes).digest('hex');
}

// ---------- polling model (zero latency, nominal seconds) ----------

export type DelayFn = (elapsedMs: number, pollIntervalMs: number, maxPollIntervalMs: number) => number;

export interface ModelRun {
	statusChecks: number;
	/** Seconds from the job's completion to the check that sees it. */
	detectionS: number;
	/** Time of each status check, seconds after submission. */
	checkTimes: number[];
}

/** The node's wait loop with instant requests: when it checks, and how late it notices. */
export function modelPolling(delay: DelayFn, pollS: number, maxPollS: number, jobS: number): ModelRun {
	let t = 0;
	const checkTimes: number[] = [];
	for (;;) {
		t += delay(t * 1000, pollS * 1000, maxPollS * 1000) / 1000;
		checkTimes.push(t);
		if (t >= jobS - 1e-9) return { statusChecks: checkTimes.length, detectionS: Math.max(0, t - jobS), checkTimes };
	}
}

/**
 * Mean detection delay over job lengths spread evenly from `fromS` to `toS`: a real job's length
 * is not known to the second, and once the waits reach their cap the delay for one exact length
 * depends on where the checks happen to fall.
 */
export function meanDetection(delay: DelayFn, pollS: number, maxPollS: number, fromS: number, toS: number, stepS = 0.05): number {
	let sum = 0;
	let n = 0;
	for (let d = fromS; d <= toS + 1e-9; d += stepS) {
		sum += modelPolling(delay, pollS, maxPollS, d).detectionS;
		n++;
	}
	return sum / n;
}

/** The most API requests (submit at 0, status checks, result right after the last check) in any 60 s. */
export function peakPerMinute(run: ModelRun): number {
	const times = [0, ...run.checkTimes, run.checkTimes[run.checkTimes.length - 1]];
	let peak = 0;
	for (let i = 0; i < times.length; i++) {
		let count = 0;
		for (let j = i; j < times.length && times[j] < times[i] + 60 - 1e-9; j++) count++;
		peak = Math.max(peak, count);
	}
	return peak;
}

// ---------- output ----------

export function fmt(value: number, digits = 1): string {
	if (!Number.isFinite(value)) return 'n/a';
	return value.toFixed(digits);
}

/** "12.3 [11.9–13.0]": median and interquartile range. */
export function fmtSummary(s: Summary, digits = 1): string {
	if (s.n === 0) return 'n/a';
	if (s.p25 === s.p75) return `${fmt(s.median, digits)}`;
	return `${fmt(s.median, digits)} [${fmt(s.p25, digits)}–${fmt(s.p75, digits)}]`;
}

export function table(headers: string[], rows: string[][]): string {
	const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: string[]) =>
		'  ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  │ ');
	const rule = '  ' + widths.map((w) => '─'.repeat(w)).join('──┼─');
	return [line(headers), rule, ...rows.map(line)].join('\n');
}
