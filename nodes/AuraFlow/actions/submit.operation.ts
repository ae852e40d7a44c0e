import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ModelSpec } from '../spec/auraFlow.spec';
import { getBaseUrl } from '../transport';
import { submitJob } from '../transport/jobs';
import { readRequestBody } from './input';
import { readSettings } from './settings';

/** Queues a job and returns at once: for Submit → Wait → Get Result workflows. */
export async function execute(ctx: IExecuteFunctions, itemIndex: number, spec: ModelSpec): Promise<INodeExecutionData[]> {
	const body = readRequestBody(ctx, itemIndex, spec);
	const settings = readSettings(ctx, itemIndex);
	const baseUrl = await getBaseUrl(ctx, itemIndex);
	const submitted = await submitJob(ctx, spec, baseUrl, body, itemIndex, settings.maxRetries);
	return [
		{
			json: {
				requestId: submitted.request_id,
				status: submitted.status,
				statusUrl: submitted.status_url ?? `${baseUrl}${spec.endpoints.status(submitted.request_id)}`,
				responseUrl: submitted.response_url ?? `${baseUrl}${spec.endpoints.result(submitted.request_id)}`,
				seed: body.seed,
				parameters: body,
				submittedAt: new Date().toISOString(),
				expiresAt: new Date(Date.now() + spec.retentionSeconds * 1000).toISOString(),
			},
		},
	];
}
