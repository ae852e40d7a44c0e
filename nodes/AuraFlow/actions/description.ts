import type { INodeProperties } from 'n8n-workflow';

import type { ModelSpec } from '../spec/auraFlow.spec';
import { modelProperties } from '../spec/properties';
import { settingsProperty } from './settings';

/** The node's parameter list: operation, the spec-derived model parameters, request id, options. */
export function nodeProperties(spec: ModelSpec): INodeProperties[] {
	return [
		{
			displayName: 'Operation',
			name: 'operation',
			type: 'options',
			noDataExpression: true,
			default: 'generate',
			options: [
				{
					name: 'Generate',
					value: 'generate',
					action: 'Generate an image',
					description: 'Create images from a prompt and wait until they are ready',
				},
				{
					name: 'Get Result',
					value: 'getResult',
					action: 'Get the result of a job',
					description: 'Fetch the images of a submitted job by its request ID',
				},
				{
					name: 'Get Status',
					value: 'getStatus',
					action: 'Get the status of a job',
					description: 'Check whether a submitted job is queued, processing, completed or failed',
				},
				{
					name: 'Submit',
					value: 'submit',
					action: 'Submit a job',
					description: 'Queue an image job and return its request ID at once',
				},
			],
		},
		...modelProperties(spec, { show: { operation: ['generate', 'submit'] } }),
		{
			displayName: 'Request ID',
			name: 'requestId',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'e.g. {{ $json.requestId }}',
			description: `The request ID returned by Submit. Segmind keeps results for ${spec.retentionSeconds / 3600} hour.`,
			displayOptions: { show: { operation: ['getStatus', 'getResult'] } },
		},
		settingsProperty,
	];
}
