import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

/**
 * Every failure a user can meet, as one message that says what happened and one description
 * that says what to do. Built from sanitized facts only (status, server message, request id):
 * never from a raw HTTP error, whose config carries the request headers and so the API key.
 */

export type CallKind = 'submit' | 'sync' | 'status' | 'result' | 'download';

export interface FailureContext {
	call: CallKind;
	itemIndex: number;
	baseUrl: string;
	requestId?: string;
	statusCode?: number;
	serverMessage?: string;
	/** ISO time from x-rate-limit-reset-at-utc, when the server sent one. */
	rateLimitResetAt?: string;
	attempts?: number;
}

const PAID_CALLS: CallKind[] = ['submit', 'sync'];

function notResubmitted(call: CallKind): string {
	return PAID_CALLS.includes(call)
		? ' The job was not resubmitted automatically, so you are never charged twice; check your Segmind dashboard before running it again.'
		: '';
}

function describeHttpFailure(ctx: FailureContext): { message: string; description: string } {
	const server = ctx.serverMessage ? ` Segmind said: "${ctx.serverMessage}".` : '';
	const id = ctx.requestId;
	switch (ctx.statusCode) {
		case 400:
			return {
				message: `Segmind rejected the request as invalid (400)${ctx.serverMessage ? `: ${ctx.serverMessage}` : ''}`,
				description: `Check the prompt and Image Options against the allowed values.${server}`,
			};
		case 401:
			return {
				message: 'Segmind rejected the API key (401 Unauthorized)',
				description:
					"The API key in the 'Segmind API' credential is missing or invalid. Copy a key from your Segmind console (API Keys) into the credential.",
			};
		case 403:
			return {
				message: 'Segmind refused access (403 Forbidden)',
				description: `This API key may not use this model or endpoint. Check the key's permissions in your Segmind console.${server}`,
			};
		case 404:
			if (id && (ctx.call === 'status' || ctx.call === 'result')) {
				return {
					message: `Unknown or expired request ID "${id}" (404)`,
					description:
						'Segmind keeps a result for 1 hour after it was submitted, and only for the API key that submitted it. Submit the job again to get a new request ID.',
				};
			}
			if (ctx.call === 'download') {
				return {
					message: 'The generated image is no longer available (404)',
					description: 'The image URL returned 404. Run Get Result again for a fresh URL, or generate the image again.',
				};
			}
			return {
				message: 'Segmind endpoint not found (404)',
				description: `Check the Base URL of the 'Segmind API' credential (now ${ctx.baseUrl}); it should be https://api.segmind.com.${server}`,
			};
		case 405:
			return {
				message: 'Segmind did not accept this request method (405)',
				description: `Check the Base URL of the 'Segmind API' credential (now ${ctx.baseUrl}); it should be https://api.segmind.com.`,
			};
		case 406:
			return {
				message: 'Insufficient credits on your Segmind account (406)',
				description: `Segmind declined the job because the account has too few credits. Top up in your Segmind console, then run again.${server}`,
			};
		case 422:
			return {
				message: `Aura Flow job${id ? ` ${id}` : ''} failed${ctx.serverMessage ? `: ${ctx.serverMessage}` : ''}`,
				description:
					'Segmind reported the job as FAILED (content blocks by the safety filter surface this way). Change the prompt or parameters and try again.',
			};
		case 429:
			return {
				message: `Rate limited by Segmind (429)${ctx.attempts && ctx.attempts > 1 ? ` after ${ctx.attempts} attempts` : ''}`,
				description: `Segmind plans allow 5 (Free) or 50 (Pro) requests per minute.${ctx.rateLimitResetAt ? ` The limit resets at ${ctx.rateLimitResetAt}.` : ''} Process fewer items at once, raise Max Retries, or add a Wait node between batches.${notResubmitted(ctx.call)}`,
			};
		case 500:
			return {
				message: 'Segmind had an internal server error (500)',
				description: `Try again in a few minutes.${server}${notResubmitted(ctx.call)}`,
			};
		case 502:
		case 503:
			return {
				message: `Segmind is temporarily unavailable (${ctx.statusCode})`,
				description: `Try again in a few minutes.${notResubmitted(ctx.call)}`,
			};
		case 504:
			return {
				message: 'Segmind timed out (504)',
				description: `The server took too long to answer.${ctx.call === 'sync' ? ' Use the Queue mode (the default), which is meant for jobs of this length.' : ''}${notResubmitted(ctx.call)}`,
			};
		default:
			return {
				message: `Segmind answered with HTTP ${ctx.statusCode}`,
				description: `Unexpected answer.${server}${notResubmitted(ctx.call)}`,
			};
	}
}

export function httpFailure(node: INode, ctx: FailureContext): NodeApiError {
	const { message, description } = describeHttpFailure(ctx);
	const response: JsonObject = { httpCode: String(ctx.statusCode), message };
	if (ctx.serverMessage) response.serverMessage = ctx.serverMessage;
	if (ctx.requestId) response.requestId = ctx.requestId;
	return new NodeApiError(node, response, {
		message,
		description,
		httpCode: String(ctx.statusCode),
		itemIndex: ctx.itemIndex,
	});
}

const NETWORK_EXPLANATIONS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ECONNRESET: 'the connection was reset',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved',
	ETIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the request timed out',
	ERR_CANCELED: 'the request was cancelled',
	EPIPE: 'the connection was closed',
	EHOSTUNREACH: 'the host is unreachable',
	ERR_BAD_RESPONSE: 'the response was cut off',
};

export function networkFailure(node: INode, ctx: FailureContext & { code: string }): NodeApiError {
	const what = NETWORK_EXPLANATIONS[ctx.code] ?? 'the request failed';
	const target = ctx.call === 'download' ? 'the image host' : `Segmind at ${ctx.baseUrl}`;
	const message = `Could not reach ${target}: ${what} (${ctx.code})`;
	const description =
		ctx.call === 'download'
			? 'The image was generated but could not be downloaded. Run Get Result again with the request ID to retry the download.'
			: `Check the network and the Base URL of the 'Segmind API' credential.${ctx.requestId ? ` Request ID: ${ctx.requestId}.` : ''}${notResubmitted(ctx.call)}`;
	const error = new NodeApiError(node, { message, networkCode: ctx.code }, { message, description, itemIndex: ctx.itemIndex });
	// NodeApiError swaps any message that names a known code (ECONNRESET…) for a generic
	// sentence; ours says more (which host, which code), so it is set back.
	error.message = message;
	return error;
}

export function badResponse(node: INode, ctx: FailureContext, problem: string): NodeApiError {
	const message = `Segmind sent an unusable response: ${problem}`;
	return new NodeApiError(
		node,
		{ message },
		{
			message,
			description: `This is usually temporary. Try again in a few minutes.${ctx.requestId ? ` Request ID: ${ctx.requestId}.` : ''}${notResubmitted(ctx.call)}`,
			itemIndex: ctx.itemIndex,
		},
	);
}

export function operationError(node: INode, message: string, description: string, itemIndex: number) {
	return new NodeOperationError(node, message, { description, itemIndex });
}
