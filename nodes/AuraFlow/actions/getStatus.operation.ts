import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ModelSpec } from '../spec/auraFlow.spec';
import { getBaseUrl } from '../transport';
import { fetchStatus } from '../transport/jobs';
import { readRequestId } from './input';
import { readSettings } from './settings';

/**
 * One status check. FAILED is an answer here, not an error, so an IF node can branch on it;
 * an unknown or expired id still fails (there is no status to report).
 */
export async function execute(ctx: IExecuteFunctions, itemIndex: number, spec: ModelSpec): Promise<INodeExecutionData[]> {
	const requestId = readRequestId(ctx, itemIndex);
	const settings = readSettings(ctx, itemIndex);
	const baseUrl = await getBaseUrl(ctx, itemIndex);
	const status = await fetchStatus(ctx, spec, baseUrl, requestId, itemIndex, settings.maxRetries);
	return [
		{
			json: {
				requestId,
				status: status.status,
				done: status.status === 'COMPLETED' || status.status === 'FAILED',
				metrics: status.metrics ?? {},
				...(status.error !== undefined ? { error: status.error } : {}),
			},
		},
	];
}
