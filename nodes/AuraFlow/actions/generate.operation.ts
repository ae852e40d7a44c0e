import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ModelSpec } from '../spec/auraFlow.spec';
import { apiRequest, getBaseUrl } from '../transport';
import { fetchResult, submitJob, waitForCompletion } from '../transport/jobs';
import { resultItems } from './getResult.operation';
import { imageItem } from './images';
import { readRequestBody } from './input';
import type { Settings } from './settings';
import { readSettings } from './settings';

/** Queue mode: submit, poll until COMPLETED, fetch the result, download the images. */
async function generateQueued(
	ctx: IExecuteFunctions,
	spec: ModelSpec,
	body: IDataObject,
	itemIndex: number,
	baseUrl: string,
	settings: Settings,
): Promise<INodeExecutionData[]> {
	const submitted = await submitJob(ctx, spec, baseUrl, body, itemIndex, settings.maxRetries);
	const requestId = submitted.request_id;
	try {
		const waited = await waitForCompletion(ctx, spec, baseUrl, requestId, itemIndex, settings);
		const result = await fetchResult(ctx, spec, baseUrl, requestId, itemIndex, settings.maxRetries);
		return await resultItems(ctx, spec, result, {
			itemIndex,
			baseUrl,
			requestId,
			settings,
			json: {
				seed: body.seed,
				parameters: body,
				mode: 'queue',
				statusChecks: waited.statusChecks,
				waitedSeconds: Math.round(waited.waitedMs / 100) / 10,
			},
		});
	} catch (error) {
		// Whatever happens after the job was paid for, the user needs its id to fetch it later.
		const context = (error as { context?: IDataObject }).context;
		if (context && typeof context === 'object') context.requestId = requestId;
		throw error;
	}
}

/** Sync mode (v1): one long request that answers with the image bytes. */
async function generateSync(
	ctx: IExecuteFunctions,
	spec: ModelSpec,
	body: IDataObject,
	itemIndex: number,
	baseUrl: string,
	settings: Settings,
): Promise<INodeExecutionData[]> {
	const answer = await apiRequest<Buffer>(ctx, baseUrl, {
		call: 'sync',
		method: 'POST',
		path: spec.endpoints.sync,
		body,
		binary: true,
		itemIndex,
		timeoutMs: settings.timeoutMs,
		maxRetries: settings.maxRetries,
	});
	const remainingCredits = Number(answer.headers['x-remaining-credits']);
	const json: IDataObject = {
		status: 'COMPLETED',
		seed: body.seed,
		parameters: body,
		mode: 'sync',
		metrics: Number.isFinite(remainingCredits) ? { remaining_credits: remainingCredits } : {},
	};
	return [
		await imageItem(ctx, spec, { bytes: Buffer.from(answer.body), contentType: answer.headers['content-type'] }, 0, 1, {
			itemIndex,
			baseUrl,
			seed: body.seed as number,
			binaryPropertyName: settings.binaryPropertyName,
			maxRetries: settings.maxRetries,
			json,
		}),
	];
}

export async function execute(ctx: IExecuteFunctions, itemIndex: number, spec: ModelSpec): Promise<INodeExecutionData[]> {
	const body = readRequestBody(ctx, itemIndex, spec);
	const settings = readSettings(ctx, itemIndex);
	const baseUrl = await getBaseUrl(ctx, itemIndex);
	return settings.mode === 'sync'
		? await generateSync(ctx, spec, body, itemIndex, baseUrl, settings)
		: await generateQueued(ctx, spec, body, itemIndex, baseUrl, settings);
}
