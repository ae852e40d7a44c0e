import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { operationError } from '../transport/errors';
import type { PollSettings } from '../transport/jobs';

/**
 * The node's own behaviour (not the model's parameters): where the binary goes, how long to
 * wait, how to poll, how often to retry. Defaults match Segmind's SDK (600 s, 1 s) where it
 * has one.
 */

export type Operation = 'generate' | 'submit' | 'getStatus' | 'getResult';

interface NumberSetting {
	name: string;
	displayName: string;
	default: number;
	min: number;
	max: number;
	description: string;
	operations: Operation[];
	precision?: number;
}

const NUMBER_SETTINGS: NumberSetting[] = [
	{
		name: 'waitTimeout',
		displayName: 'Wait Timeout (Seconds)',
		default: 600,
		min: 1,
		max: 3600,
		description:
			'How long to wait for the image before failing with the request ID (the job may still finish; fetch it with Get Result)',
		operations: ['generate', 'getResult'],
	},
	{
		name: 'pollInterval',
		displayName: 'Poll Interval (Seconds)',
		default: 1,
		min: 0.01,
		max: 300,
		precision: 2,
		description: 'Time before the first status check, and the shortest time between two checks',
		operations: ['generate', 'getResult'],
	},
	{
		name: 'maxPollInterval',
		displayName: 'Max Poll Interval (Seconds)',
		default: 10,
		min: 0.01,
		max: 300,
		precision: 2,
		description:
			'Checks start at the poll interval and then grow with the time already waited (a fifth of it) up to this cap, so a 79 s job costs about 20 status requests instead of 79 and is noticed at most this late. Set it equal to the poll interval for fixed polling (on the Segmind Free plan, 5 requests/min, use 15 and 15).',
		operations: ['generate', 'getResult'],
	},
	{
		name: 'maxRetries',
		displayName: 'Max Retries',
		default: 3,
		min: 0,
		max: 10,
		description:
			'Retries for rate limits (429), server errors and network failures. A paid submission is only retried when Segmind certainly did not accept it, so a job is never paid twice.',
		operations: ['generate', 'submit', 'getStatus', 'getResult'],
	},
];

function shownFor(operations: Operation[]): INodeProperties['displayOptions'] {
	return { show: { '/operation': operations } };
}

export const settingsProperty: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Mode',
			name: 'mode',
			type: 'options',
			default: 'queue',
			displayOptions: shownFor(['generate']),
			options: [
				{
					name: 'Queue (v2, Recommended)',
					value: 'queue',
					description: 'Submit to the queue and poll until the image is ready',
				},
				{
					name: 'Sync (v1)',
					value: 'sync',
					description:
						'One long request that answers with the image bytes. Segmind keeps v1 in maintenance mode; it returns one image only.',
				},
			],
			description: 'How to call Segmind',
		},
		{
			displayName: 'Put Output in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			displayOptions: shownFor(['generate', 'getResult']),
			description: 'The name of the binary field that receives the image',
		},
		{
			displayName: 'Download Images',
			name: 'downloadImages',
			type: 'boolean',
			default: true,
			displayOptions: shownFor(['getResult']),
			description: 'Whether to download the images into binary data; off returns their URLs only',
		},
		{
			displayName: 'Wait for Completion',
			name: 'waitForCompletion',
			type: 'boolean',
			default: false,
			displayOptions: shownFor(['getResult']),
			description:
				'Whether to poll until the job is done when it is still queued or processing; off fails at once with its current status',
		},
		...NUMBER_SETTINGS.map(
			(setting): INodeProperties => ({
				displayName: setting.displayName,
				name: setting.name,
				type: 'number',
				default: setting.default,
				typeOptions: { minValue: setting.min, maxValue: setting.max, numberPrecision: setting.precision ?? 0 },
				displayOptions: shownFor(setting.operations),
				description: setting.description,
			}),
		),
	],
};

export interface Settings extends PollSettings {
	mode: 'queue' | 'sync';
	binaryPropertyName: string;
	downloadImages: boolean;
	waitForCompletion: boolean;
}

export function readSettings(ctx: IExecuteFunctions, itemIndex: number): Settings {
	const given = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const number = (setting: NumberSetting): number => {
		const raw = given[setting.name];
		const value = raw === undefined || raw === '' || raw === null ? setting.default : Number(raw);
		if (!Number.isFinite(value) || value < setting.min || value > setting.max) {
			throw operationError(
				ctx.getNode(),
				`Invalid ${setting.displayName} (${setting.name}): ${JSON.stringify(raw)} is not allowed. Allowed: a number from ${setting.min} to ${setting.max}.`,
				setting.description,
				itemIndex,
			);
		}
		return value;
	};
	const [waitTimeout, pollInterval, maxPollInterval, maxRetries] = NUMBER_SETTINGS.map(number);
	if (!Number.isInteger(maxRetries)) {
		throw operationError(
			ctx.getNode(),
			`Invalid Max Retries (maxRetries): ${maxRetries} is not a whole number. Allowed: 0 to 10.`,
			'Retries are counted in whole attempts.',
			itemIndex,
		);
	}
	const binaryPropertyName = String(given.binaryPropertyName ?? 'data').trim();
	if (!binaryPropertyName) {
		throw operationError(
			ctx.getNode(),
			'Invalid Put Output in Field (binaryPropertyName): it is empty',
			'Name the binary field that receives the image, e.g. "data".',
			itemIndex,
		);
	}
	const mode = (given.mode ?? 'queue') as Settings['mode'];
	if (mode !== 'queue' && mode !== 'sync') {
		throw operationError(
			ctx.getNode(),
			`Invalid Mode (mode): ${JSON.stringify(mode)}. Allowed: queue, sync.`,
			'Queue (v2) is recommended.',
			itemIndex,
		);
	}
	return {
		mode,
		binaryPropertyName,
		downloadImages: given.downloadImages !== false,
		waitForCompletion: given.waitForCompletion === true,
		timeoutMs: waitTimeout * 1000,
		pollIntervalMs: pollInterval * 1000,
		maxPollIntervalMs: maxPollInterval * 1000,
		maxRetries,
	};
}
