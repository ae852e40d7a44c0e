import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ModelSpec } from '../spec/auraFlow.spec';
import * as generate from './generate.operation';
import * as getResult from './getResult.operation';
import * as getStatus from './getStatus.operation';
import type { Operation } from './settings';
import * as submit from './submit.operation';

type OperationModule = {
	execute(ctx: IExecuteFunctions, itemIndex: number, spec: ModelSpec): Promise<INodeExecutionData[]>;
};

const OPERATIONS: Record<Operation, OperationModule> = { generate, submit, getStatus, getResult };

/** What a failed item carries under Continue On Fail: enough to act on, nothing secret. */
function errorJson(error: Error): IDataObject {
	const json: IDataObject = { error: error.message };
	const details = error as Partial<NodeApiError> & { context?: IDataObject };
	if (details.description) json.description = details.description;
	if (details.httpCode) json.httpCode = details.httpCode;
	if (typeof details.context?.requestId === 'string') json.requestId = details.context.requestId;
	return json;
}

/**
 * Runs the chosen operation for every input item. Items are independent: with Continue On
 * Fail a failed item becomes an error item and the others carry on.
 */
export async function route(ctx: IExecuteFunctions, spec: ModelSpec): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const operation = ctx.getNodeParameter('operation', itemIndex) as Operation;
			const handler = OPERATIONS[operation];
			if (!handler) {
				throw new NodeOperationError(ctx.getNode(), `Unknown operation "${operation}"`, { itemIndex });
			}
			const results = await handler.execute(ctx, itemIndex, spec);
			output.push(...results.map((result) => ({ ...result, pairedItem: { item: itemIndex } })));
		} catch (caught) {
			const error = caught as Error;
			// A cancelled execution stops everything; it is not an item failure.
			if (ctx.getExecutionCancelSignal?.()?.aborted) throw error;
			if (ctx.continueOnFail()) {
				output.push({ json: errorJson(error), pairedItem: { item: itemIndex } });
				continue;
			}
			if (error instanceof NodeApiError || error instanceof NodeOperationError) throw error;
			throw new NodeOperationError(ctx.getNode(), error, { itemIndex });
		}
	}
	return [output];
}
