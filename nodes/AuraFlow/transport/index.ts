import { sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { CallKind, FailureContext } from './errors';
import { badResponse, httpFailure, networkFailure, operationError } from './errors';

/**
 * The one place that talks HTTP. Authenticated calls go only to the credential's base URL;
 * image downloads go to whatever host Segmind names, without the key. Retries follow one rule:
 * a read is retried on any transient failure, a paid call (one that can start a billed job)
 * only when the server certainly did not take it (429, or a connection that never opened).
 */

export const CREDENTIAL_TYPE = 'segmindApi';

export interface ApiCall {
	call: Exclude<CallKind, 'download'>;
	method: 'GET' | 'POST';
	path: string;
	body?: IDataObject;
	/** The answer is raw bytes (v1 sync), not JSON. */
	binary?: boolean;
	requestId?: string;
	itemIndex: number;
	timeoutMs: number;
	maxRetries: number;
	/** Statuses that are answers for this call rather than failures (e.g. 422 = FAILED job). */
	answers?: number[];
	/** No retry wait may run past this moment (epoch ms). */
	deadline?: number;
}

export interface ApiAnswer<T> {
	statusCode: number;
	headers: Record<string, string>;
	body: T;
}

interface RawResponse {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: unknown;
}

const PAID_CALLS: CallKind[] = ['submit', 'sync'];
const TRANSIENT_STATUSES = [429, 500, 502, 503, 504];
const TRANSIENT_NETWORK_CODES = [
	'ECONNRESET',
	'ECONNREFUSED',
	'ETIMEDOUT',
	'ECONNABORTED',
	'EPIPE',
	'EAI_AGAIN',
	'ERR_BAD_RESPONSE', // body cut off mid-way
];
/** A refused connection means the request never reached a server: safe to send again even when paid. */
const NEVER_DELIVERED_CODES = ['ECONNREFUSED'];
const MAX_BACKOFF_MS = 30_000;
const MAX_RATE_LIMIT_WAIT_MS = 65_000;

export async function getBaseUrl(ctx: IExecuteFunctions, itemIndex: number): Promise<string> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE, itemIndex);
	const raw = String(credentials.baseUrl ?? '').trim() || 'https://api.segmind.com';
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw operationError(
			ctx.getNode(),
			`The Base URL of the 'Segmind API' credential is not a valid URL: "${raw}"`,
			'Use https://api.segmind.com, or the URL printed by `npm run emulator` for the local sandbox.',
			itemIndex,
		);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw operationError(
			ctx.getNode(),
			`The Base URL of the 'Segmind API' credential must start with https:// (got "${url.protocol}")`,
			'Use https://api.segmind.com.',
			itemIndex,
		);
	}
	return raw.replace(/\/+$/, '');
}

function header(headers: RawResponse['headers'], name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

function flatHeaders(headers: RawResponse['headers']): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [key, value] of Object.entries(headers ?? {})) {
		if (value !== undefined) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return flat;
}

/** The server's own words, from `{error}`/`{detail}`/`{message}` or a short text/HTML body. */
export function serverMessageOf(body: unknown): string | undefined {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body === 'string') {
		const raw: string = body;
		try {
			body = JSON.parse(raw);
		} catch {
			const text = raw.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
			return text ? text.slice(0, 300) : undefined;
		}
	}
	if (body && typeof body === 'object') {
		const record = body as IDataObject;
		for (const key of ['error', 'detail', 'message']) {
			const value = record[key];
			if (typeof value === 'string' && value) return value.slice(0, 500);
			if (value && typeof value === 'object') return JSON.stringify(value).slice(0, 500);
		}
	}
	return undefined;
}

/** Finds a Node network error code (ECONNRESET …) anywhere in the wrapped error chain. */
export function networkCodeOf(error: unknown): string | undefined {
	const seen = new Set<unknown>();
	let current: unknown = error;
	while (current && typeof current === 'object' && !seen.has(current)) {
		seen.add(current);
		const candidate = current as { code?: unknown; cause?: unknown; name?: unknown };
		if (typeof candidate.code === 'string' && /^E[A-Z_]+$|^ERR_/.test(candidate.code)) return candidate.code;
		current = candidate.cause;
	}
	return undefined;
}

function isCancelled(ctx: IExecuteFunctions, error: unknown): boolean {
	const signal = ctx.getExecutionCancelSignal?.();
	return Boolean(signal?.aborted) || networkCodeOf(error) === 'ERR_CANCELED';
}

function rateLimitWaitMs(resetAt: string | undefined, now: number): number | undefined {
	if (!resetAt) return undefined;
	const at = Date.parse(resetAt);
	if (Number.isNaN(at)) return undefined;
	return Math.min(Math.max(at - now, 250), MAX_RATE_LIMIT_WAIT_MS);
}

function backoffMs(attempt: number): number {
	const base = Math.min(1000 * 2 ** attempt, MAX_BACKOFF_MS);
	// Jitter spreads retries of concurrent items so they do not hit the limit together.
	return base / 2 + Math.random() * (base / 2);
}

async function pause(ctx: IExecuteFunctions, ms: number) {
	await sleep(ms, ctx.getExecutionCancelSignal?.());
}

/** One authenticated JSON (or binary) call to the Segmind API, with retries and error mapping. */
export async function apiRequest<T = IDataObject>(
	ctx: IExecuteFunctions,
	baseUrl: string,
	request: ApiCall,
): Promise<ApiAnswer<T>> {
	const paid = PAID_CALLS.includes(request.call);
	const failure: FailureContext = {
		call: request.call,
		itemIndex: request.itemIndex,
		baseUrl,
		requestId: request.requestId,
	};
	const options: IHttpRequestOptions = {
		method: request.method,
		baseURL: baseUrl,
		url: request.path,
		headers: { accept: request.binary ? 'image/*' : 'application/json' },
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		timeout: request.timeoutMs,
		// The key must never follow a redirect to another host.
		sendCredentialsOnCrossOriginRedirect: false,
		...(request.binary ? { encoding: 'arraybuffer' as const } : { json: true }),
		...(request.body ? { body: request.body } : {}),
	};

	for (let attempt = 0; ; attempt++) {
		failure.attempts = attempt + 1;
		const canRetry = attempt < request.maxRetries;
		let response: RawResponse;
		try {
			response = (await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				CREDENTIAL_TYPE,
				{ ...options },
			)) as RawResponse;
		} catch (error) {
			if (isCancelled(ctx, error)) throw error;
			const code = networkCodeOf(error) ?? 'UNKNOWN';
			const retryable = paid ? NEVER_DELIVERED_CODES.includes(code) : TRANSIENT_NETWORK_CODES.includes(code);
			if (retryable && canRetry && (await waitBeforeRetry(ctx, backoffMs(attempt), request.deadline))) continue;
			throw networkFailure(ctx.getNode(), { ...failure, code });
		}

		const { statusCode } = response;
		if ((statusCode >= 200 && statusCode < 300) || request.answers?.includes(statusCode)) {
			if (request.binary && statusCode < 300) {
				return { statusCode, headers: flatHeaders(response.headers), body: response.body as T };
			}
			if (!response.body || typeof response.body !== 'object' || Buffer.isBuffer(response.body)) {
				// A read can simply be asked again; a paid call's answer is lost, never resent.
				if (!paid && canRetry && (await waitBeforeRetry(ctx, backoffMs(attempt), request.deadline))) continue;
				throw badResponse(ctx.getNode(), failure, 'the body is not valid JSON');
			}
			return { statusCode, headers: flatHeaders(response.headers), body: response.body as T };
		}

		failure.statusCode = statusCode;
		failure.serverMessage = serverMessageOf(response.body);
		failure.rateLimitResetAt = header(response.headers, 'x-rate-limit-reset-at-utc');
		const retryable = statusCode === 429 || (!paid && TRANSIENT_STATUSES.includes(statusCode));
		if (retryable && canRetry) {
			const wait =
				statusCode === 429
					? (rateLimitWaitMs(failure.rateLimitResetAt, Date.now()) ?? backoffMs(attempt + 2))
					: backoffMs(attempt);
			if (await waitBeforeRetry(ctx, wait, request.deadline)) continue;
		}
		throw httpFailure(ctx.getNode(), failure);
	}
}

/** Sleeps before a retry, unless that would overrun the deadline. */
async function waitBeforeRetry(ctx: IExecuteFunctions, ms: number, deadline?: number): Promise<boolean> {
	if (deadline !== undefined && Date.now() + ms > deadline) return false;
	await pause(ctx, ms);
	return true;
}

export interface Download {
	bytes: Buffer;
	contentType: string | undefined;
}

/**
 * Fetches an image from the URL Segmind returned (a CDN, not the API): a plain request without
 * the API key. Idempotent, so transient failures are retried; a short body is a failure.
 */
export async function downloadImage(
	ctx: IExecuteFunctions,
	url: string,
	context: { itemIndex: number; baseUrl: string; requestId?: string; maxRetries: number; timeoutMs: number },
): Promise<Download> {
	const failure: FailureContext = { call: 'download', ...context };
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw badResponse(ctx.getNode(), failure, `the image URL is not valid ("${url.slice(0, 100)}")`);
	}
	if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
		throw badResponse(ctx.getNode(), failure, `the image URL is not http(s) ("${parsed.protocol}")`);
	}
	for (let attempt = 0; ; attempt++) {
		const canRetry = attempt < context.maxRetries;
		let response: RawResponse;
		try {
			response = (await ctx.helpers.httpRequest({
				method: 'GET',
				url,
				encoding: 'arraybuffer',
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
				timeout: context.timeoutMs,
				abortSignal: ctx.getExecutionCancelSignal?.(),
			})) as RawResponse;
		} catch (error) {
			if (isCancelled(ctx, error)) throw error;
			const code = networkCodeOf(error) ?? 'UNKNOWN';
			if (TRANSIENT_NETWORK_CODES.includes(code) && canRetry) {
				await pause(ctx, backoffMs(attempt));
				continue;
			}
			throw networkFailure(ctx.getNode(), { ...failure, code });
		}
		if (response.statusCode >= 200 && response.statusCode < 300) {
			const bytes = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body as ArrayBuffer);
			const declared = Number(header(response.headers, 'content-length'));
			if (Number.isFinite(declared) && declared > 0 && bytes.length !== declared) {
				if (canRetry) {
					await pause(ctx, backoffMs(attempt));
					continue;
				}
				throw badResponse(
					ctx.getNode(),
					failure,
					`the image download was cut short (${bytes.length} of ${declared} bytes)`,
				);
			}
			return { bytes, contentType: header(response.headers, 'content-type') };
		}
		if (TRANSIENT_STATUSES.includes(response.statusCode) && canRetry) {
			await pause(ctx, backoffMs(attempt));
			continue;
		}
		throw httpFailure(ctx.getNode(), { ...failure, statusCode: response.statusCode });
	}
}
