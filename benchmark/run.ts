/**
 * Benchmark of the Aura Flow node against the local Segmind emulator.
 *
 *   npx ts-node --transpile-only benchmark/run.ts            default, about a minute
 *   npx ts-node --transpile-only benchmark/run.ts --quick    smoke run, a few seconds (CI)
 *   npx ts-node --transpile-only benchmark/run.ts --rounds N every section runs N rounds
 *   ... --scale 0.02                                          time scale of the "79 s" job (≥ 0.01)
 *   ... --out path.json                                       where to write the JSON results
 *
 * Needs `npm run build` first (the node is loaded from dist/ by n8n's own loader).
 *
 * The machine is shared and noisy, so nothing here is an absolute-time claim on its own: the
 * compared variants run round-robin in the same process (order rotated every round), and the
 * report gives medians, interquartile ranges, ratios of medians and median per-round ratios.
 * Request counts come from the emulator's own log and are the truer measure where they apply.
 * Every image produced is checked (magic bytes, decoded size, identical bytes for identical
 * parameters); any failed run makes the process exit 1.
 *
 * 1. Polling a "79 s" job (2 s queued + 79 s processing, time-scaled): adaptive vs SDK-like fixed.
 * 2. Node overhead: the real node (n8n WorkflowExecute) vs a plain axios client making the same
 *    calls (benchmark/baseline-client.ts), single job and a batch of 5.
 * 3. Sync (v1) vs queue (v2) through the node on the same short job.
 */
import { PRESET_N8N_USER_FOLDER } from './preserve-env';
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import os from 'os';
import path from 'path';
import { performance } from 'perf_hooks';

import { nextPollDelay as nodeNextPollDelay } from '../nodes/AuraFlow/transport/jobs';
import { DEFAULT_API_KEY, startEmulator } from '../test/emulator/server';
import type { Emulator, RequestRecord } from '../test/emulator/server';
import { binaryBytes, runWorkflow } from '../test/support/run-workflow';
import { createBaselineClient, nextPollDelay as baselineNextPollDelay } from './baseline-client';
import type { BaselineClient } from './baseline-client';
import {
	checkImage,
	fmt,
	fmtSummary,
	meanDetection,
	modelPolling,
	pairedRatio,
	peakPerMinute,
	ratio,
	rotate,
	summarize,
	table,
} from './lib';
import type { DelayFn, Summary } from './lib';

// ---------------------------------------------------------------- arguments

interface Args {
	quick: boolean;
	rounds?: number;
	scale: number;
	out: string;
}

class UsageError extends Error {}

const USAGE = 'usage: ts-node --transpile-only benchmark/run.ts [--quick] [--rounds N] [--scale S (>= 0.01)] [--out file.json]';

function parseArgs(argv: string[]): Args {
	const args: Args = { quick: false, scale: 0.01, out: path.join(__dirname, 'results', 'latest.json') };
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
		const value = () => {
			const v = inline ?? argv[++i];
			if (v === undefined) throw new UsageError(`${flag} needs a value`);
			return v;
		};
		if (flag === '--quick') args.quick = true;
		else if (flag === '--rounds') {
			const n = Number(value());
			if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError('--rounds must be a whole number from 1 to 1000');
			args.rounds = n;
		} else if (flag === '--scale') {
			const s = Number(value());
			// The node accepts poll intervals down to 0.01 s, and the fixed variant polls every 1 × scale.
			if (!Number.isFinite(s) || s < 0.01 || s > 1) throw new UsageError('--scale must be from 0.01 to 1');
			args.scale = s;
		} else if (flag === '--out') args.out = path.resolve(value());
		else if (flag === '--help' || flag === '-h') {
			console.log(USAGE);
			process.exit(0);
		} else throw new UsageError(`unknown argument ${arg}`);
	}
	return args;
}

// ---------------------------------------------------------------- fixtures

const NODE = 'Aura Flow';
const PROMPT = 'a lighthouse on a cliff at dusk, volumetric light';
const SHORT_IMAGE = { width: 512, height: 512, output_format: 'webp', seed: 424242 } as const;
/** The short job: 0 ms queued, 50 ms processing, no scaling. */
const SHORT_JOB = { queuedMs: 0, processingMs: 50 };
/**
 * Fixed 60 ms polling for short jobs: the job is done 50 ms after submission and the first check
 * comes ≥ 60 ms after the submit answer, so every job takes exactly one status check in both
 * clients, and request counts cannot differ by timing luck.
 */
const SHORT_POLL_S = 0.06;
/** The "79 s" job of Segmind's page: 2 s queued + 79 s processing. */
const LONG_JOB = { queuedMs: 2000, processingMs: 79000 };
const LONG_JOB_S = (LONG_JOB.queuedMs + LONG_JOB.processingMs) / 1000;
/** Job lengths (nominal s) over which the model averages the detection delay. */
const MEAN_RANGE_S = [LONG_JOB_S - 10, LONG_JOB_S + 10] as const;
const CREDITS = { [DEFAULT_API_KEY]: { credits: 1e9 } };
const PLANS = { free: 5, pro: 50 };

const failures: string[] = [];
function fail(label: string, error: unknown) {
	const message = `${label}: ${(error as Error)?.message ?? String(error)}`;
	failures.push(message);
	console.error(`  ✗ ${message}`);
}

interface Counts {
	submit: number;
	status: number;
	result: number;
	cdn: number;
	v1: number;
	other: number;
	/** Requests to the API origin (what Segmind's rate limit counts). */
	api: number;
	total: number;
}

function countRoutes(records: RequestRecord[], label: string): Counts {
	const c: Counts = { submit: 0, status: 0, result: 0, cdn: 0, v1: 0, other: 0, api: 0, total: records.length };
	for (const r of records) {
		c[r.route]++;
		if (r.origin === 'api') c.api++;
	}
	const bad = records.filter((r) => r.status !== 200);
	if (bad.length) throw new Error(`${label}: emulator answered ${bad.map((r) => `${r.route} ${r.status || 'reset'}`).join(', ')}`);
	return c;
}

interface NodeRun {
	ms: number;
	items: ReturnType<Awaited<ReturnType<typeof runWorkflow>>['output']>;
	records: RequestRecord[];
}

async function runNode(emu: Emulator, imageOptions: object, options: object, itemCount = 1): Promise<NodeRun> {
	const mark = emu.stats.requests.length;
	const started = performance.now();
	const result = await runWorkflow({
		nodes: [{ name: NODE, parameters: { operation: 'generate', prompt: PROMPT, imageOptions, options } }],
		input: Array.from({ length: itemCount }, () => ({ json: {} })),
		credentials: { apiKey: DEFAULT_API_KEY, baseUrl: emu.baseUrl },
	});
	const ms = performance.now() - started;
	const error = result.error(NODE);
	if (error) throw new Error(`node failed: ${error.message}${error.description ? ` (${error.description})` : ''}`);
	const items = result.output(NODE);
	if (items.length !== itemCount) throw new Error(`node returned ${items.length} items, expected ${itemCount}`);
	return { ms, items, records: emu.stats.requests.slice(mark) };
}

async function runBaseline(emu: Emulator, jobs: number, call: () => Promise<{ bytes: Buffer }>) {
	const mark = emu.stats.requests.length;
	const started = performance.now();
	const images: Buffer[] = [];
	for (let i = 0; i < jobs; i++) images.push((await call()).bytes);
	return { ms: performance.now() - started, images, records: emu.stats.requests.slice(mark) };
}

// ---------------------------------------------------------------- interleaving

interface Sample {
	round: number;
	ms: number;
	images: number;
	perImageMs: number;
	counts: Counts;
	[extra: string]: unknown;
}

interface Variant {
	name: string;
	label: string;
}

/** Warm-up runs (checked, not kept), then `rounds` rounds with the variant order rotated each round. */
async function interleave<V extends Variant>(
	section: string,
	variants: V[],
	rounds: number,
	warmup: number,
	run: (variant: V, round: number) => Promise<Sample>,
): Promise<Record<string, Sample[]>> {
	const samples: Record<string, Sample[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
	for (let w = 0; w < warmup; w++) {
		for (const v of variants) {
			try {
				await run(v, -1);
			} catch (error) {
				fail(`${section} / ${v.label} (warm-up)`, error);
			}
		}
	}
	for (let r = 0; r < rounds; r++) {
		for (const v of rotate(variants, r)) {
			try {
				samples[v.name].push(await run(v, r));
			} catch (error) {
				fail(`${section} / ${v.label} round ${r + 1}`, error);
			}
		}
	}
	return samples;
}

/** Per-round ratio a/b over the rounds both variants completed. */
function paired(a: Sample[], b: Sample[], key: (s: Sample) => number): number {
	const byRound = new Map(b.map((s) => [s.round, key(s)]));
	const x: number[] = [];
	const y: number[] = [];
	for (const s of a) {
		const other = byRound.get(s.round);
		if (other !== undefined) {
			x.push(key(s));
			y.push(other);
		}
	}
	return pairedRatio(x, y);
}

const stat = (samples: Sample[], key: (s: Sample) => number): Summary => summarize(samples.map(key));

// ---------------------------------------------------------------- checks shared by sections

let referenceHash: string | undefined;

/** Every short-job image has the same parameters, so must be the very same bytes. */
async function checkShortImage(bytes: Buffer, label: string) {
	const hash = await checkImage(bytes, 'webp', SHORT_IMAGE.width, SHORT_IMAGE.height, label);
	referenceHash ??= hash;
	if (hash !== referenceHash) throw new Error(`${label}: image bytes differ from the reference image of the same parameters`);
}

function checkScheduleParity() {
	const adapter: DelayFn = (e, p, m) => nodeNextPollDelay(e, { pollIntervalMs: p, maxPollIntervalMs: m });
	for (const [p, m] of [
		[1000, 10_000],
		[1000, 1000],
		[60, 60],
		[10, 100],
		[5000, 2000],
	]) {
		for (let e = 0; e <= 200_000; e += 137) {
			const a = adapter(e, p, m);
			const b = baselineNextPollDelay(e, p, m);
			if (a !== b) throw new Error(`baseline schedule differs from the node's at elapsed ${e} ms (${p}/${m}): ${b} vs ${a}`);
		}
	}
	return adapter;
}

// ---------------------------------------------------------------- section 1: polling

async function pollingSection(rounds: number, scale: number, delay: DelayFn) {
	const emu = await startEmulator({ ...LONG_JOB, timeScale: scale, apiKeys: CREDITS });
	const variants = [
		{ name: 'adaptive', label: 'adaptive 1 s → 10 s (node default)', poll: 1, maxPoll: 10 },
		{ name: 'fixed', label: 'fixed 1 s (Segmind SDK-like)', poll: 1, maxPoll: 1 },
	];
	try {
		const samples = await interleave('polling', variants, rounds, 0, async (v, round) => {
			const label = `polling / ${v.label}`;
			const run = await runNode(emu, SHORT_IMAGE, {
				pollInterval: v.poll * scale,
				maxPollInterval: v.maxPoll * scale,
				waitTimeout: 600,
			});
			const item = run.items[0];
			await checkShortImage(binaryBytes(item), label);
			const counts = countRoutes(run.records, label);
			if (counts.submit !== 1 || counts.result !== 1 || counts.cdn !== 1) {
				throw new Error(`${label}: expected 1 submit, 1 result, 1 download; saw ${JSON.stringify(counts)}`);
			}
			const statusChecks = Number(item.json.statusChecks);
			if (statusChecks !== counts.status) {
				throw new Error(`${label}: node reports ${statusChecks} status checks, the emulator saw ${counts.status}`);
			}
			const job = emu.jobs.get(String(item.json.requestId));
			if (!job) throw new Error(`${label}: job ${String(item.json.requestId)} unknown to the emulator`);
			const doneAt = job.submittedAt + job.queuedMs + job.processingMs;
			const statusTimes = run.records.filter((r) => r.route === 'status').map((r) => r.at);
			// The emulator stamps a request on arrival and judges the status a moment later, hence the clamp.
			const detectionS = Math.max(0, statusTimes[statusTimes.length - 1] - doneAt) / 1000 / scale;
			// Sanity: only the last check may come clearly after completion (10 ms real of slack for stamping).
			const late = statusTimes.slice(0, -1).filter((t) => t >= doneAt + 10).length;
			if (late > 0) throw new Error(`${label}: ${late} status check(s) after completion did not end the wait`);
			return {
				round,
				ms: run.ms,
				images: 1,
				perImageMs: run.ms,
				counts,
				statusChecks,
				detectionS,
				waitedNominalS: Number(item.json.waitedSeconds) / scale,
			};
		});

		const modelOf = (v: (typeof variants)[number]) => {
			const m = modelPolling(delay, v.poll, v.maxPoll, LONG_JOB_S);
			return {
				statusChecks: m.statusChecks,
				apiRequests: m.statusChecks + 2,
				detectionS: m.detectionS,
				meanDetectionS: meanDetection(delay, v.poll, v.maxPoll, MEAN_RANGE_S[0], MEAN_RANGE_S[1]),
				peakPerMinute: peakPerMinute(m),
			};
		};
		const perVariant = Object.fromEntries(
			variants.map((v) => {
				const s = samples[v.name];
				return [
					v.name,
					{
						label: v.label,
						pollInterval: v.poll,
						maxPollInterval: v.maxPoll,
						statusRequests: stat(s, (x) => x.counts.status),
						apiRequests: stat(s, (x) => x.counts.api),
						detectionS: stat(s, (x) => x.detectionS as number),
						realMs: stat(s, (x) => x.ms),
						model: modelOf(v),
						samples: s.map((x) => ({ round: x.round, statusRequests: x.counts.status, apiRequests: x.counts.api, detectionS: x.detectionS, waitedNominalS: x.waitedNominalS, realMs: x.ms })),
					},
				];
			}),
		);
		const a = perVariant.adaptive;
		const f = perVariant.fixed;

		// Smallest fixed interval that keeps one lone job within 5 requests in every 60 s.
		let freeFixedInterval: number | undefined;
		for (let x = 1; x <= 60 && freeFixedInterval === undefined; x++) {
			if (peakPerMinute(modelPolling(delay, x, x, LONG_JOB_S)) <= PLANS.free) freeFixedInterval = x;
		}
		const plans = Object.fromEntries(
			Object.entries(PLANS).map(([plan, limit]) => [
				plan,
				{
					requestsPerMinute: limit,
					jobsPerMinuteAdaptive: limit / a.apiRequests.median,
					jobsPerMinuteFixed: limit / f.apiRequests.median,
					peakPerMinuteOneJobAdaptive: a.model.peakPerMinute,
					peakPerMinuteOneJobFixed: f.model.peakPerMinute,
				},
			]),
		);
		return {
			scale,
			jobNominalS: LONG_JOB_S,
			jobRealMs: LONG_JOB_S * 1000 * scale,
			rounds,
			variants: perVariant,
			ratioFixedOverAdaptive: {
				statusRequests: ratio(f.statusRequests.median, a.statusRequests.median),
				apiRequests: ratio(f.apiRequests.median, a.apiRequests.median),
				modelStatusRequests: ratio(f.model.statusChecks, a.model.statusChecks),
			},
			plans,
			freePlanFixedIntervalS: freeFixedInterval,
			freePlanFixedMeanDetectionS:
				freeFixedInterval === undefined ? undefined : meanDetection(delay, freeFixedInterval, freeFixedInterval, MEAN_RANGE_S[0], MEAN_RANGE_S[1]),
			meanDetectionRangeS: MEAN_RANGE_S,
			notes: [
				'Detection delay = last status request (the one that saw COMPLETED) minus the job\'s completion on the emulator timeline, divided by the scale. Unscaled request latency (a few ms real) counts as scale⁻¹ times more in nominal seconds, so the measured delays and the fixed variant\'s request count include that latency; the model columns are the same loop with instant requests at 1×.',
				'waitedSeconds is rounded to 0.1 s real by the node (10 nominal s at scale 0.01), so it is kept in the samples only as a cross-check.',
				'jobsPerMinute = plan limit / API requests per job (submit + status + result; CDN downloads are another host). peakPerMinuteOneJob = most API requests of one lone job inside any 60 s (model at 1×).',
			],
		};
	} finally {
		await emu.close();
	}
}

// ---------------------------------------------------------------- sections 2 and 3: short jobs

async function shortJobSections(plan: Plan) {
	const emu = await startEmulator({ ...SHORT_JOB, timeScale: 1, apiKeys: CREDITS });
	const queueOptions = { pollInterval: SHORT_POLL_S, maxPollInterval: SHORT_POLL_S };
	try {
		// The baseline sends exactly the body the node sent (the node reports it as json.parameters).
		const first = await runNode(emu, SHORT_IMAGE, queueOptions);
		await checkShortImage(binaryBytes(first.items[0]), 'warm-up node run');
		const body = structuredClone(first.items[0].json.parameters) as Record<string, unknown>;
		if (!body || body.seed !== SHORT_IMAGE.seed || body.width !== SHORT_IMAGE.width || body.prompt !== PROMPT) {
			throw new Error(`the node's reported request body is not the expected one: ${JSON.stringify(body)}`);
		}
		const client: BaselineClient = createBaselineClient({
			baseUrl: emu.baseUrl,
			apiKey: DEFAULT_API_KEY,
			pollIntervalMs: SHORT_POLL_S * 1000,
			maxPollIntervalMs: SHORT_POLL_S * 1000,
		});

		const nodeSample = async (round: number, label: string, options: object, items: number): Promise<Sample> => {
			const run = await runNode(emu, SHORT_IMAGE, options, items);
			for (const [k, item] of run.items.entries()) await checkShortImage(binaryBytes(item), `${label} image ${k + 1}`);
			return { round, ms: run.ms, images: items, perImageMs: run.ms / items, counts: countRoutes(run.records, label) };
		};
		const baselineSample = async (round: number, label: string, jobs: number): Promise<Sample> => {
			const run = await runBaseline(emu, jobs, () => client.generate(body));
			for (const [k, bytes] of run.images.entries()) await checkShortImage(bytes, `${label} image ${k + 1}`);
			return { round, ms: run.ms, images: jobs, perImageMs: run.ms / jobs, counts: countRoutes(run.records, label) };
		};

		// 2a. one job per execution
		const single = await interleave(
			'overhead',
			[
				{ name: 'node', label: 'node (n8n WorkflowExecute)' },
				{ name: 'baseline', label: 'baseline (plain axios)' },
			],
			plan.single,
			plan.warmup,
			(v, round) => (v.name === 'node' ? nodeSample(round, 'overhead / node', queueOptions, 1) : baselineSample(round, 'overhead / baseline', 1)),
		);
		// 2b. five jobs: five items in one execution vs five sequential baseline jobs
		const batch = await interleave(
			'batch',
			[
				{ name: 'node', label: 'node, 5 items in one execution' },
				{ name: 'baseline', label: 'baseline, 5 sequential jobs' },
			],
			plan.batch,
			plan.quickWarmup,
			(v, round) => (v.name === 'node' ? nodeSample(round, 'batch / node', queueOptions, 5) : baselineSample(round, 'batch / baseline', 5)),
		);
		// 3. sync (v1) vs queue (v2), both through the node
		const modes = await interleave(
			'sync-vs-queue',
			[
				{ name: 'sync', label: 'node, sync (v1)' },
				{ name: 'queue', label: 'node, queue (v2)' },
			],
			plan.sync,
			plan.warmup,
			(v, round) =>
				v.name === 'sync'
					? nodeSample(round, 'sync-vs-queue / sync', { mode: 'sync' }, 1)
					: nodeSample(round, 'sync-vs-queue / queue', queueOptions, 1),
		);
		if (emu.stats.cdnRequestsWithApiKey !== 0) {
			fail('short jobs', new Error(`${emu.stats.cdnRequestsWithApiKey} CDN request(s) carried the API key`));
		}
		return { body, single, batch, modes };
	} finally {
		await emu.close();
	}
}

function describeVariants(samples: Record<string, Sample[]>, labels: Record<string, string>) {
	return Object.fromEntries(
		Object.entries(samples).map(([name, s]) => {
			const per = (key: keyof Counts) => stat(s, (x) => x.counts[key] / x.images);
			return [
				name,
				{
					label: labels[name],
					runs: s.length,
					msPerRun: stat(s, (x) => x.ms),
					msPerImage: stat(s, (x) => x.perImageMs),
					requestsPerImage: {
						api: per('api'),
						submit: per('submit'),
						status: per('status'),
						result: per('result'),
						download: per('cdn'),
						v1: per('v1'),
						total: per('total'),
					},
					samples: s.map((x) => ({ round: x.round, ms: x.ms, perImageMs: x.perImageMs, counts: x.counts })),
				},
			];
		}),
	);
}

// ---------------------------------------------------------------- main

interface Plan {
	polling: number;
	single: number;
	batch: number;
	sync: number;
	warmup: number;
	quickWarmup: number;
}

function planFor(args: Args): Plan {
	const plan: Plan = args.quick
		? { polling: 1, single: 3, batch: 1, sync: 3, warmup: 1, quickWarmup: 0 }
		: { polling: 15, single: 50, batch: 15, sync: 50, warmup: 3, quickWarmup: 1 };
	if (args.rounds !== undefined) {
		plan.polling = plan.single = plan.batch = plan.sync = args.rounds;
	}
	return plan;
}

const reqs = (c: Summary) => fmt(c.median, Number.isInteger(c.median) ? 0 : 1);

async function main() {
	const args = parseArgs(process.argv.slice(2));
	const plan = planFor(args);
	const startedAt = new Date();
	const t0 = performance.now();
	const loadBefore = os.loadavg()[0];
	const mode = args.quick ? 'quick' : args.rounds !== undefined ? `rounds=${args.rounds}` : 'default';
	console.log(`Aura Flow node benchmark (${mode}): ${os.cpus().length} CPUs, load ${fmt(loadBefore, 2)}, Node ${process.version}`);
	console.log('Variants run round-robin in one process, order rotated each round. Times: median [p25–p75]; ratios: of medians, and the median of per-round ratios.');
	console.log('Every image is checked: magic bytes, decoded by libvips at the asked size, same bytes for the same parameters.\n');

	const delay = checkScheduleParity();
	const short = await shortJobSections(plan);
	const polling = await pollingSection(plan.polling, args.scale, delay);

	// ---- 1. polling
	const pa = polling.variants.adaptive;
	const pf = polling.variants.fixed;
	console.log(
		`1. Polling a "79 s" job (2 s queued + 79 s processing = ${LONG_JOB_S} s nominal; time scale ${args.scale} → ${fmt(polling.jobRealMs, 0)} ms real), ${plan.polling} round(s), through the node`,
	);
	console.log(
		table(
			['polling', 'status/job', 'API req/job', 'delay s (nominal)', 'model: status/job', 'model: delay s', `model: mean delay, ${MEAN_RANGE_S[0]}–${MEAN_RANGE_S[1]} s jobs`, 'model: peak/60 s'],
			[pa, pf].map((v) => [
				v.label,
				fmtSummary(v.statusRequests, 0),
				fmtSummary(v.apiRequests, 0),
				fmtSummary(v.detectionS, 1),
				String(v.model.statusChecks),
				fmt(v.model.detectionS, 1),
				fmt(v.model.meanDetectionS, 1),
				String(v.model.peakPerMinute),
			]),
		),
	);
	console.log(
		`  Measured columns include each check's real request time, which the time scale inflates ×${fmt(1 / args.scale, 0)} in nominal terms (3 ms real ≈ ${fmt(0.003 / args.scale, 1)} s); the model columns are the node's own schedule at 1× with instant requests.`,
	);
	console.log(
		`  Once waits reach the ${pa.maxPollInterval} s cap, the delay for one exact job length depends on where the checks fall (0 to ${pa.maxPollInterval} s), hence the wide spread; the mean over ${MEAN_RANGE_S[0]}–${MEAN_RANGE_S[1]} s jobs is the fairer figure.`,
	);
	const pr = polling.ratioFixedOverAdaptive;
	console.log(
		`  fixed/adaptive: ${fmt(pr.statusRequests, 2)}× the status requests (model: ${fmt(pr.modelStatusRequests, 2)}×), ${fmt(pr.apiRequests, 2)}× the API requests per job; node's statusChecks = emulator count in every run.`,
	);
	const free = polling.plans.free;
	const pro = polling.plans.pro;
	console.log(
		`  Free plan (5 req/min): the requests of one job allow ${fmt(free.jobsPerMinuteAdaptive, 2)} jobs/min adaptive (one every ${fmt(1 / free.jobsPerMinuteAdaptive, 1)} min) vs ${fmt(free.jobsPerMinuteFixed, 2)} fixed (one every ${fmt(1 / free.jobsPerMinuteFixed, 1)} min);`,
	);
	console.log(
		`    a lone job already sends ${free.peakPerMinuteOneJobAdaptive} (adaptive) / ${free.peakPerMinuteOneJobFixed} (fixed) requests in its busiest minute, so both meet 429s on Free; fixed polling every ${polling.freePlanFixedIntervalS ?? '>60'} s is the fastest that fits (model mean delay ${fmt(polling.freePlanFixedMeanDetectionS ?? NaN, 1)} s).`,
	);
	console.log(`  Pro plan (50 req/min): ${fmt(pro.jobsPerMinuteAdaptive, 2)} jobs/min adaptive vs ${fmt(pro.jobsPerMinuteFixed, 2)} fixed.\n`);

	// ---- 2. overhead
	const single = describeVariants(short.single, { node: 'node (n8n WorkflowExecute)', baseline: 'baseline (plain axios)' });
	const batch = describeVariants(short.batch, { node: 'node, 5 items / 1 execution', baseline: 'baseline, 5 sequential jobs' });
	const modes = describeVariants(short.modes, { sync: 'node, sync (v1)', queue: 'node, queue (v2)' });
	const perImage = (s: Sample) => s.perImageMs;
	const overhead = {
		single: {
			variants: single,
			ratioOfMedians: ratio(single.node.msPerImage.median, single.baseline.msPerImage.median),
			pairedRatio: paired(short.single.node, short.single.baseline, perImage),
			differenceMsPerImage: single.node.msPerImage.median - single.baseline.msPerImage.median,
			beyondWaitRatio: ratio(single.node.msPerImage.median - SHORT_POLL_S * 1000, single.baseline.msPerImage.median - SHORT_POLL_S * 1000),
		},
		batch: {
			variants: batch,
			ratioOfMedians: ratio(batch.node.msPerImage.median, batch.baseline.msPerImage.median),
			pairedRatio: paired(short.batch.node, short.batch.baseline, perImage),
			differenceMsPerImage: batch.node.msPerImage.median - batch.baseline.msPerImage.median,
			beyondWaitRatio: ratio(batch.node.msPerImage.median - SHORT_POLL_S * 1000, batch.baseline.msPerImage.median - SHORT_POLL_S * 1000),
		},
	};
	const sameRequests = (a: (typeof single)['node'], b: (typeof single)['node']) =>
		(['submit', 'status', 'result', 'download', 'v1'] as const).every((k) => a.requestsPerImage[k].median === b.requestsPerImage[k].median && a.requestsPerImage[k].p25 === a.requestsPerImage[k].p75 && b.requestsPerImage[k].p25 === b.requestsPerImage[k].p75);
	const requestMix = (v: (typeof single)['node']) => {
		const r = v.requestsPerImage;
		return r.v1.median > 0
			? `${reqs(r.v1)} v1`
			: `${reqs(r.submit)}+${reqs(r.status)}+${reqs(r.result)}+${reqs(r.download)}`;
	};
	console.log(
		`2. Node overhead vs a plain axios client making the same calls (short job: ${SHORT_JOB.queuedMs} ms queued + ${SHORT_JOB.processingMs} ms processing, 512×512 webp, seed ${SHORT_IMAGE.seed}; both poll every ${SHORT_POLL_S * 1000} ms)`,
	);
	console.log(
		table(
			['client', 'runs', 'ms per image', 'requests per image (submit+status+result+download)'],
			[
				...[single.node, single.baseline, batch.node, batch.baseline].map((v) => [v.label, String(v.runs), fmtSummary(v.msPerImage, 1), requestMix(v)]),
			],
		),
	);
	const singleSame = sameRequests(single.node, single.baseline);
	const batchSame = sameRequests(batch.node, batch.baseline);
	console.log(
		`  single job: node/baseline = ${fmt(overhead.single.ratioOfMedians, 2)}× (paired ${fmt(overhead.single.pairedRatio, 2)}×), +${fmt(overhead.single.differenceMsPerImage, 1)} ms per image; requests ${singleSame ? 'identical' : 'DIFFER'}.`,
	);
	console.log(
		`  batch of 5: node/baseline = ${fmt(overhead.batch.ratioOfMedians, 2)}× (paired ${fmt(overhead.batch.pairedRatio, 2)}×), +${fmt(overhead.batch.differenceMsPerImage, 1)} ms per image; requests ${batchSame ? 'identical' : 'DIFFER'}.`,
	);
	console.log(
		`  time beyond the common ${SHORT_POLL_S * 1000} ms poll wait (requests, rendering, client work): node/baseline = ${fmt(overhead.single.beyondWaitRatio, 2)}× single, ${fmt(overhead.batch.beyondWaitRatio, 2)}× batch.`,
	);
	console.log(
		`  (both clients pay the same poll wait and the emulator's rendering; the node's extra is n8n's execution engine, its request helpers and the binary store.)\n`,
	);
	if (!singleSame || !batchSame) {
		console.log('  NOTE: request counts differ between node and baseline; see requestsPerImage in the JSON. With one status check per job by construction this should not happen.\n');
	}

	// ---- 3. sync vs queue
	const syncVsQueue = {
		variants: modes,
		ratioSyncOverQueue: ratio(modes.sync.msPerImage.median, modes.queue.msPerImage.median),
		pairedRatio: paired(short.modes.sync, short.modes.queue, perImage),
		differenceMsPerImage: modes.queue.msPerImage.median - modes.sync.msPerImage.median,
	};
	console.log(`3. Sync (v1) vs queue (v2) through the node, same short job`);
	console.log(
		table(
			['mode', 'runs', 'ms per image', 'API req/image', 'CDN req/image'],
			[modes.sync, modes.queue].map((v) => [v.label, String(v.runs), fmtSummary(v.msPerImage, 1), reqs(v.requestsPerImage.api), reqs(v.requestsPerImage.download)]),
		),
	);
	console.log(
		`  sync/queue time = ${fmt(syncVsQueue.ratioSyncOverQueue, 2)}× (paired ${fmt(syncVsQueue.pairedRatio, 2)}×); queue costs ${fmt(syncVsQueue.differenceMsPerImage, 1)} ms more per image here (a ${SHORT_POLL_S * 1000} ms poll wait where v1 holds the call ${SHORT_JOB.processingMs} ms, plus 3 more requests).\n`,
	);

	// ---- summary
	const elapsedS = (performance.now() - t0) / 1000;
	const summary =
		`In plain terms: on a "79 s" Aura Flow job (${LONG_JOB_S} s with its queue time) the node's adaptive polling made ${reqs(pa.statusRequests)} status requests against ${reqs(pf.statusRequests)} for the SDK-style 1 s polling ` +
		`(${fmt(pr.statusRequests, 1)}× fewer), and noticed the finished job later: ${fmt(pa.detectionS.median, 1)} s vs ${fmt(pf.detectionS.median, 1)} s in the median run, about ${fmt(pa.model.meanDetectionS, 1)} s vs ${fmt(pf.model.meanDetectionS, 1)} s on average for jobs of ${MEAN_RANGE_S[0]}–${MEAN_RANGE_S[1]} s (model), i.e. a few percent of the job's length. ` +
		`On the Free plan's 5 requests a minute that means about one such job every ${fmt(1 / free.jobsPerMinuteAdaptive, 0)} minutes instead of one every ${fmt(1 / free.jobsPerMinuteFixed, 0)}; neither setting keeps a single job under 5 requests in every minute (the node then waits out the 429s); staying under it takes fixed polling every ${polling.freePlanFixedIntervalS ?? '>60'} s (Poll Interval = Max Poll Interval = ${polling.freePlanFixedIntervalS ?? '>60'}, about ${fmt(polling.freePlanFixedMeanDetectionS ?? NaN, 1)} s mean delay). ` +
		`Against a bare axios client making ${singleSame ? 'the same' : 'comparable'} requests (submit, status, result, download: ${requestMix(single.node)} per image), running the real node inside n8n's engine took ${fmt(overhead.single.ratioOfMedians, 2)}× the time per image on a 50 ms job (${fmt(overhead.single.differenceMsPerImage, 0)} ms extra) and ${fmt(overhead.batch.ratioOfMedians, 2)}× in a batch of five (${fmt(overhead.batch.differenceMsPerImage, 0)} ms extra per image) — milliseconds that vanish next to a 79 s generation. ` +
		`Sync (v1) mode took ${fmt(syncVsQueue.ratioSyncOverQueue, 2)}× the time of queue mode with 1 request instead of 4 on a short job, but Segmind keeps v1 in maintenance and a 79 s job is one long-held connection, so queue mode stays the default. ` +
		`Measured ${failures.length === 0 ? 'without failures' : `with ${failures.length} FAILED run(s)`} in ${fmt(elapsedS, 0)} s on a shared ${os.cpus().length}-CPU machine (load ${fmt(loadBefore, 2)} → ${fmt(os.loadavg()[0], 2)}); ratios and counts are the numbers to trust, not the absolute milliseconds.`;
	console.log('Summary');
	console.log(wrap(summary, 100));

	const results = {
		meta: {
			startedAt: startedAt.toISOString(),
			elapsedS,
			mode,
			plan,
			scale: args.scale,
			node: process.version,
			platform: `${os.platform()} ${os.arch()}`,
			cpus: os.cpus().length,
			cpuModel: os.cpus()[0]?.model,
			loadavgBefore: loadBefore,
			loadavgAfter: os.loadavg()[0],
			shortJob: { ...SHORT_JOB, image: SHORT_IMAGE, pollIntervalS: SHORT_POLL_S, requestBody: short.body },
			longJob: { ...LONG_JOB, scale: args.scale },
		},
		polling,
		overhead,
		syncVsQueue,
		failures,
		ok: failures.length === 0,
		summary,
	};
	mkdirSync(path.dirname(args.out), { recursive: true });
	writeFileSync(args.out, `${JSON.stringify(results, null, '\t')}\n`);
	console.log(`\nResults written to ${path.relative(process.cwd(), args.out) || args.out}`);
	if (failures.length) console.error(`\n${failures.length} run(s) FAILED:\n  ${failures.join('\n  ')}`);
	return failures.length === 0 ? 0 : 1;
}

function wrap(text: string, width: number): string {
	const lines: string[] = [];
	let line = '';
	for (const word of text.split(/\s+/)) {
		if (line && line.length + 1 + word.length > width) {
			lines.push(line);
			line = word;
		} else line = line ? `${line} ${word}` : word;
	}
	if (line) lines.push(line);
	return lines.join('\n');
}

function cleanup() {
	// The n8n harness made a temp user folder for this process; remove it unless one was given.
	const folder = process.env.N8N_USER_FOLDER;
	if (!PRESET_N8N_USER_FOLDER && folder && path.basename(folder).startsWith('aura-flow-n8n-') && folder.startsWith(os.tmpdir())) {
		rmSync(folder, { recursive: true, force: true });
	}
}

main()
	.then((code) => {
		cleanup();
		process.exit(code);
	})
	.catch((error: Error) => {
		cleanup();
		if (error instanceof UsageError) {
			console.error(`${error.message}\n${USAGE}`);
			process.exit(2);
		}
		console.error(`benchmark failed: ${error.stack ?? error.message}`);
		process.exit(1);
	});
