import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ModelSpec } from '../spec/auraFlow.spec';
import { ParameterError, buildRequestBody } from '../spec/validate';
import { operationError } from '../transport/errors';

/** Reads the model's parameters of one item and turns them into a validated request body. */
export function readRequestBody(ctx: IExecuteFunctions, itemIndex: number, spec: ModelSpec): IDataObject {
	const given: IDataObject = {};
	for (const parameter of spec.parameters.filter((p) => p.topLevel)) {
		given[parameter.name] = ctx.getNodeParameter(parameter.name, itemIndex, '') as IDataObject[string];
	}
	Object.assign(given, ctx.getNodeParameter('imageOptions', itemIndex, {}) as IDataObject);
	try {
		return buildRequestBody(spec, given);
	} catch (error) {
		if (error instanceof ParameterError) {
			throw operationError(
				ctx.getNode(),
				error.message,
				`${error.parameter.displayName} must be ${error.allowed}. Nothing was sent to Segmind, so no credits were used.`,
				itemIndex,
			);
		}
		throw operationError(ctx.getNode(), (error as Error).message, 'Nothing was sent to Segmind.', itemIndex);
	}
}

/** Request ids come from Submit; reject anything that could not be one before calling the API. */
export function readRequestId(ctx: IExecuteFunctions, itemIndex: number): string {
	const raw = ctx.getNodeParameter('requestId', itemIndex, '') as unknown;
	const requestId = typeof raw === 'string' || typeof raw === 'number' ? String(raw).trim() : '';
	if (!requestId) {
		throw operationError(
			ctx.getNode(),
			'Invalid Request ID (requestId): it is empty',
			'Map the requestId field of a Submit output, e.g. {{ $json.requestId }}.',
			itemIndex,
		);
	}
	if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(requestId)) {
		throw operationError(
			ctx.getNode(),
			`Invalid Request ID (requestId): "${requestId.slice(0, 80)}" is not a Segmind request ID`,
			'A request ID is letters, digits, dots, dashes or underscores (up to 128), as returned by Submit.',
			itemIndex,
		);
	}
	return requestId;
}
