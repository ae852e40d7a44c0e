import { sleep } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ModelSpec } from '../spec/auraFlow.spec';
import { badResponse, httpFailure, operationError } from './errors';
import { apiRequest } from './index';

/**
 * The v2 job calls (submit, status, result) and waiting for a job.
 *
 * Waiting: the API has no callback, so polling is the only signal. An Aura Flow
 * job takes about 79 s, and every status call counts against a 5 or 50 requests/min plan.
 * Adaptive polling starts at the poll interval and then waits a fifth of the time already
 * waited, capped: a finished job is noticed late by at most a fifth of the time waited and
 * never by more than the cap (10 s by default), while a 79 s job costs about 20 status calls
 * instead of 79 at a fixed 1 s. The Free plan (5 requests/min) needs fixed 15 s polling.
 */

export interface PollSettings {
	pollIntervalMs: number;
	maxPollIntervalMs: number;
	timeoutMs: number;
	maxRetries: number;
}

export const ADAPTIVE_FRACTION = 0.2;

export function nextPollDelay(elapsedMs: number, settings: Pick<PollSettings, 'pollIntervalMs' | 'maxPollIntervalMs'>) {
	const cap = Math.max(settings.pollIntervalMs, settings.maxPollIntervalMs);
	return Math.min(Math.max(settings.pollIntervalMs, elapsedMs * ADAPTIVE_FRACTION), cap);
}

export interface StatusAnswer extends IDataObject {
	status: string;
	request_id?: string;
	metrics?: IDataObject;
	error?: string;
}

export interface PollOutcome {
	status: StatusAnswer;
	statusChecks: number;
	waitedMs: number;
}

export const TERMINAL = ['COMPLETED', 'FAILED'];

export async function fetchStatus(
	ctx: IExecuteFunctions,
	spec: ModelSpec,
	baseUrl: string,
	requestId: string,
	itemIndex: number,
	maxRetries: number,
	deadline?: number,
): Promise<StatusAnswer> {
	const answer = await apiRequest<StatusAnswer>(ctx, baseUrl, {
		call: 'status',
		method: 'GET',
		path: spec.endpoints.status(requestId),
		requestId,
		itemIndex,
		timeoutMs: 30_000,
		maxRetries,
		// FAILED is served as 422 with the job's error: an answer, not a transport failure.
		answers: [422],
		deadline,
	});
	const body = answer.body;
	if (answer.statusCode === 422 && !body.status) body.status = 'FAILED';
	return body;
}

/** Polls until the job is COMPLETED; FAILED and the wait timeout become clear errors. */
export async function waitForCompletion(
	ctx: IExecuteFunctions,
	spec: ModelSpec,
	baseUrl: string,
	requestId: string,
	itemIndex: number,
	settings: PollSettings,
): Promise<PollOutcome> {
	const started = Date.now();
	const deadline = started + settings.timeoutMs;
	let statusChecks = 0;
	let last: StatusAnswer | undefined;
	for (;;) {
		const elapsed = Date.now() - started;
		const remaining = deadline - Date.now();
		if (remaining <= 0) break;
		await sleep(Math.min(nextPollDelay(elapsed, settings), remaining), ctx.getExecutionCancelSignal?.());
		last = await fetchStatus(ctx, spec, baseUrl, requestId, itemIndex, settings.maxRetries, deadline);
		statusChecks++;
		if (last.status === 'COMPLETED') return { status: last, statusChecks, waitedMs: Date.now() - started };
		if (last.status === 'FAILED') {
			throw httpFailure(ctx.getNode(), {
				call: 'status',
				itemIndex,
				baseUrl,
				requestId,
				statusCode: 422,
				serverMessage: typeof last.error === 'string' ? last.error : undefined,
			});
		}
	}
	const seconds = Math.round(settings.timeoutMs / 1000);
	throw operationError(
		ctx.getNode(),
		`Aura Flow job ${requestId} did not complete within ${seconds} s (last status: ${last?.status ?? 'unknown'})`,
		`The job may still finish. Fetch it later with the Get Result operation and request ID ${requestId} (Segmind keeps results for ${Math.round(spec.retentionSeconds / 60)} minutes), or raise Wait Timeout.`,
		itemIndex,
	);
}

export interface SubmitAnswer extends IDataObject {
	request_id: string;
	status: string;
	status_url?: string;
	response_url?: string;
	poll_url?: string;
}

/** Queues a paid job. Never retried unless Segmind certainly did not take it (see apiRequest). */
export async function submitJob(
	ctx: IExecuteFunctions,
	spec: ModelSpec,
	baseUrl: string,
	body: IDataObject,
	itemIndex: number,
	maxRetries: number,
): Promise<SubmitAnswer> {
	const answer = await apiRequest<SubmitAnswer>(ctx, baseUrl, {
		call: 'submit',
		method: 'POST',
		path: spec.endpoints.submit,
		body,
		itemIndex,
		timeoutMs: 60_000,
		maxRetries,
	});
	const submitted = answer.body;
	// Like Segmind's SDK: a 2xx without a request id is no job we could ever fetch.
	if (typeof submitted.request_id !== 'string' || !submitted.request_id) {
		throw badResponse(ctx.getNode(), { call: 'submit', itemIndex, baseUrl }, 'the submit answer has no request_id');
	}
	return submitted;
}

export interface ResultAnswer extends StatusAnswer {
	output?: string | string[];
	images?: IDataObject[];
	seed?: number;
}

/** The final body of a job; FAILED (422) and unknown/expired ids (404) become clear errors. */
export async function fetchResult(
	ctx: IExecuteFunctions,
	spec: ModelSpec,
	baseUrl: string,
	requestId: string,
	itemIndex: number,
	maxRetries: number,
): Promise<ResultAnswer> {
	const answer = await apiRequest<ResultAnswer>(ctx, baseUrl, {
		call: 'result',
		method: 'GET',
		path: spec.endpoints.result(requestId),
		requestId,
		itemIndex,
		timeoutMs: 30_000,
		maxRetries,
	});
	return answer.body;
}
