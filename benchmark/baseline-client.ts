/**
 * The plain-HTTP baseline: the fewest lines that make the same calls as the node, with axios
 * and nothing else (no n8n, no retries, no error mapping, no binary store).
 *
 *   queue (v2): POST /v2/aura-flow (the full body) → poll GET /v2/requests/{id}/status on the
 *               node's schedule → GET /v2/requests/{id} → GET the image from the CDN URL (no key)
 *   sync  (v1): POST /v1/aura-flow → raw image bytes
 *
 * The poll schedule is written out again here on purpose (run.ts checks it equals the node's
 * nextPollDelay), so the baseline does not borrow the node's code.
 */
import axios from 'axios';

export const ADAPTIVE_FRACTION = 0.2;

/** First check after pollInterval, then wait clamp(elapsed × 0.2, pollInterval, maxPollInterval). */
export function nextPollDelay(elapsedMs: number, pollIntervalMs: number, maxPollIntervalMs: number): number {
	const cap = Math.max(pollIntervalMs, maxPollIntervalMs);
	return Math.min(Math.max(pollIntervalMs, elapsedMs * ADAPTIVE_FRACTION), cap);
}

export interface BaselineOptions {
	baseUrl: string;
	apiKey: string;
	pollIntervalMs: number;
	maxPollIntervalMs: number;
	timeoutMs?: number;
}

export interface BaselineImage {
	requestId?: string;
	bytes: Buffer;
	contentType?: string;
	statusChecks: number;
	waitedMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createBaselineClient(options: BaselineOptions) {
	const api = axios.create({
		baseURL: options.baseUrl.replace(/\/+$/, ''),
		headers: { 'x-api-key': options.apiKey, accept: 'application/json' },
		timeout: 60_000,
	});
	// The CDN gets no key, like the node.
	const cdn = axios.create({ timeout: 120_000 });
	const timeoutMs = options.timeoutMs ?? 600_000;

	return {
		/** v2: submit, poll, fetch the result, download the first image. */
		async generate(body: Record<string, unknown>): Promise<BaselineImage> {
			const submitted = await api.post('/v2/aura-flow', body);
			const requestId = String(submitted.data?.request_id ?? '');
			if (!requestId) throw new Error('baseline: submit answer without request_id');
			const path = `/v2/requests/${encodeURIComponent(requestId)}`;
			const started = Date.now();
			let statusChecks = 0;
			for (;;) {
				const elapsed = Date.now() - started;
				if (elapsed >= timeoutMs) throw new Error(`baseline: job ${requestId} not done within ${timeoutMs} ms`);
				await sleep(Math.min(nextPollDelay(elapsed, options.pollIntervalMs, options.maxPollIntervalMs), timeoutMs - elapsed));
				const status = await api.get(`${path}/status`, { validateStatus: (code) => code === 200 || code === 422 });
				statusChecks++;
				if (status.data?.status === 'COMPLETED') break;
				if (status.status === 422 || status.data?.status === 'FAILED') {
					throw new Error(`baseline: job ${requestId} FAILED: ${status.data?.error ?? 'unknown'}`);
				}
			}
			const waitedMs = Date.now() - started;
			const result = await api.get(path);
			const url: unknown = result.data?.images?.[0]?.url ?? result.data?.output;
			if (typeof url !== 'string' || !url) throw new Error(`baseline: result of ${requestId} has no image URL`);
			const image = await cdn.get<ArrayBuffer>(url, { responseType: 'arraybuffer' });
			return {
				requestId,
				bytes: Buffer.from(image.data),
				contentType: String(image.headers['content-type'] ?? ''),
				statusChecks,
				waitedMs,
			};
		},

		/** v1: one request that answers with the image bytes. */
		async generateSync(body: Record<string, unknown>): Promise<BaselineImage> {
			const answer = await api.post<ArrayBuffer>('/v1/aura-flow', body, {
				responseType: 'arraybuffer',
				headers: { accept: 'image/*' },
				timeout: timeoutMs,
			});
			return {
				bytes: Buffer.from(answer.data),
				contentType: String(answer.headers['content-type'] ?? ''),
				statusChecks: 0,
				waitedMs: 0,
			};
		},
	};
}

export type BaselineClient = ReturnType<typeof createBaselineClient>;
