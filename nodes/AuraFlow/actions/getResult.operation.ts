import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ModelSpec } from '../spec/auraFlow.spec';
import { badResponse, operationError } from '../transport/errors';
import { getBaseUrl } from '../transport';
import type { ResultAnswer } from '../transport/jobs';
import { fetchResult, waitForCompletion } from '../transport/jobs';
import { downloadImageItems, imageUrlsOf } from './images';
import { readRequestId } from './input';
import type { Settings } from './settings';
import { readSettings } from './settings';

/** Turns a COMPLETED result into output items: one per image, downloaded unless asked not to. */
export async function resultItems(
	ctx: IExecuteFunctions,
	spec: ModelSpec,
	result: ResultAnswer,
	context: { itemIndex: number; baseUrl: string; requestId: string; settings: Settings; json: IDataObject },
): Promise<INodeExecutionData[]> {
	const urls = imageUrlsOf(result);
	if (urls.length === 0) {
		throw badResponse(
			ctx.getNode(),
			{ call: 'result', itemIndex: context.itemIndex, baseUrl: context.baseUrl, requestId: context.requestId },
			'the result has no image URL',
		);
	}
	const seed = typeof result.seed === 'number' ? result.seed : (context.json.seed as number | undefined);
	const json: IDataObject = {
		requestId: context.requestId,
		status: result.status,
		...context.json,
		...(seed !== undefined ? { seed } : {}),
		metrics: result.metrics ?? {},
	};
	if (!context.settings.downloadImages) {
		return [{ json: { ...json, imageUrls: urls, imageCount: urls.length } }];
	}
	return await downloadImageItems(ctx, spec, urls, {
		itemIndex: context.itemIndex,
		baseUrl: context.baseUrl,
		requestId: context.requestId,
		seed,
		binaryPropertyName: context.settings.binaryPropertyName,
		maxRetries: context.settings.maxRetries,
		json,
	});
}

export async function execute(ctx: IExecuteFunctions, itemIndex: number, spec: ModelSpec): Promise<INodeExecutionData[]> {
	const requestId = readRequestId(ctx, itemIndex);
	const settings = readSettings(ctx, itemIndex);
	const baseUrl = await getBaseUrl(ctx, itemIndex);
	let result = await fetchResult(ctx, spec, baseUrl, requestId, itemIndex, settings.maxRetries);
	if (result.status !== 'COMPLETED') {
		if (!settings.waitForCompletion) {
			throw operationError(
				ctx.getNode(),
				`Aura Flow job ${requestId} is not finished yet (status: ${result.status})`,
				'Check again later (Get Status), or turn on Wait for Completion in the options to wait here.',
				itemIndex,
			);
		}
		await waitForCompletion(ctx, spec, baseUrl, requestId, itemIndex, settings);
		result = await fetchResult(ctx, spec, baseUrl, requestId, itemIndex, settings.maxRetries);
	}
	return await resultItems(ctx, spec, result, { itemIndex, baseUrl, requestId, settings, json: {} });
}
