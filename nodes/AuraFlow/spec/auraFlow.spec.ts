/**
 * The Aura Flow API spec: the single source of truth for the model's parameters.
 *
 * The node's UI (properties.ts), the validation done before any request (validate.ts) and the
 * request body are all derived from this file. Facts come from Segmind's product page and
 * docs (see ../shared/CONTRACT.md in the project's workspace). Another Segmind model would be
 * another spec of this shape, not another node.
 */

export type ParameterType = 'string' | 'number' | 'integer' | 'options';

export interface ParameterSpec {
	/** The API's name, also the n8n parameter name, so the body needs no mapping. */
	readonly name: string;
	readonly displayName: string;
	readonly type: ParameterType;
	readonly description: string;
	/** The API's default; absent when the API picks a value itself (seed). */
	readonly default?: string | number;
	readonly min?: number;
	readonly max?: number;
	/** Allowed values for `options`; `labels` gives friendlier names where useful. */
	readonly values?: readonly string[];
	readonly labels?: Readonly<Record<string, string>>;
	/** Decimal places shown in the UI for numbers. */
	readonly precision?: number;
	/** The API leaves it optional; the node insists, because an empty value wastes a paid call. */
	readonly requiredByNode?: boolean;
	/** When the user leaves it out, the node draws a random value so it can report the one used. */
	readonly randomWhenOmitted?: { readonly min: number; readonly max: number };
	/** Shown at the top level of the node rather than inside the options collection. */
	readonly topLevel?: boolean;
	readonly rows?: number;
	readonly placeholder?: string;
}

export interface ModelSpec {
	readonly id: string;
	readonly displayName: string;
	readonly endpoints: {
		/** v1: synchronous, answers with the raw image bytes. */
		readonly sync: string;
		/** v2: queue a job, answers with its request id. */
		readonly submit: string;
		readonly status: (requestId: string) => string;
		readonly result: (requestId: string) => string;
	};
	/** Typical server time of one call, used to explain polling, not to schedule it. */
	readonly typicalSeconds: number;
	/** How long the API keeps a v2 result after submission. */
	readonly retentionSeconds: number;
	/** The parameter whose value is the image format, and the MIME type of each format. */
	readonly format: {
		readonly parameter: string;
		readonly mimeTypes: Readonly<Record<string, string>>;
	};
	/** The parameter that asks for several images in one call. */
	readonly countParameter: string;
	readonly parameters: readonly ParameterSpec[];
}

const SAMPLERS = [
	'euler',
	'euler_cfg_pp',
	'euler_ancestral',
	'euler_ancestral_cfg_pp',
	'heun',
	'heunpp2',
	'dpm_2',
	'dpm_2_ancestral',
	'lms',
	'dpm_fast',
	'dpm_adaptive',
	'dpmpp_2s_ancestral',
	'dpmpp_sde',
	'dpmpp_sde_gpu',
	'dpmpp_2m',
	'dpmpp_2m_sde',
	'dpmpp_2m_sde_gpu',
	'dpmpp_3m_sde',
	'dpmpp_3m_sde_gpu',
	'ddpm',
	'lcm',
	'ipndm',
	'ipndm_v',
	'deis',
	'ddim',
	'uni_pc',
	'uni_pc_bh2',
] as const;

const SCHEDULERS = ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform'] as const;

export const auraFlowSpec: ModelSpec = {
	id: 'aura-flow',
	displayName: 'Aura Flow',
	endpoints: {
		sync: '/v1/aura-flow',
		submit: '/v2/aura-flow',
		status: (requestId) => `/v2/requests/${encodeURIComponent(requestId)}/status`,
		result: (requestId) => `/v2/requests/${encodeURIComponent(requestId)}`,
	},
	typicalSeconds: 79,
	retentionSeconds: 3600,
	format: {
		parameter: 'output_format',
		mimeTypes: { webp: 'image/webp', jpg: 'image/jpeg', png: 'image/png' },
	},
	countParameter: 'number_of_images',
	parameters: [
		{
			name: 'prompt',
			displayName: 'Prompt',
			type: 'string',
			default: '',
			description: 'What the image should show',
			requiredByNode: true,
			topLevel: true,
			rows: 4,
			placeholder: 'e.g. A lighthouse on a cliff at dusk, oil painting',
		},
		{
			name: 'negative_prompt',
			displayName: 'Negative Prompt',
			type: 'string',
			default: '',
			description: 'Things you do not want to see in your image',
			rows: 2,
		},
		{
			name: 'width',
			displayName: 'Width',
			type: 'integer',
			default: 1024,
			min: 512,
			max: 2048,
			description: 'The width of the image, in pixels',
		},
		{
			name: 'height',
			displayName: 'Height',
			type: 'integer',
			default: 1024,
			min: 512,
			max: 2048,
			description: 'The height of the image, in pixels',
		},
		{
			name: 'number_of_images',
			displayName: 'Number of Images',
			type: 'integer',
			default: 1,
			min: 1,
			max: 10,
			description: 'The number of images to generate. Each image becomes its own output item.',
		},
		{
			name: 'output_format',
			displayName: 'Output Format',
			type: 'options',
			default: 'webp',
			values: ['webp', 'jpg', 'png'],
			labels: { webp: 'WebP', jpg: 'JPG', png: 'PNG' },
			description: 'The file format of the generated images',
		},
		{
			name: 'output_quality',
			displayName: 'Output Quality',
			type: 'integer',
			default: 80,
			min: 0,
			max: 100,
			description: 'Quality of the output images, from 0 to 100. 100 is best quality, 0 is lowest quality.',
		},
		{
			name: 'seed',
			displayName: 'Seed',
			type: 'integer',
			min: 0,
			max: Number.MAX_SAFE_INTEGER,
			randomWhenOmitted: { min: 0, max: 4294967295 },
			description:
				'Set a seed for reproducibility. Leave it out for a random seed; the seed used is in the output, so any image can be made again.',
		},
		{
			name: 'steps',
			displayName: 'Steps',
			type: 'integer',
			default: 25,
			min: 1,
			max: 100,
			description:
				'The number of steps to run the model for (more steps = better image but slower generation). Best results for this model are around 25 steps.',
		},
		{
			name: 'cfg',
			displayName: 'Guidance Scale (CFG)',
			type: 'number',
			default: 5,
			min: 0,
			max: 20,
			precision: 1,
			description: 'The guidance scale tells the model how similar the output should be to the prompt',
		},
		{
			name: 'shift',
			displayName: 'Shift',
			type: 'number',
			default: 1.73,
			min: 0,
			max: 10,
			precision: 2,
			description:
				'The timestep scheduling shift; shift values higher than 1.0 are better at managing noise in higher resolutions',
		},
		{
			name: 'sampler',
			displayName: 'Sampler',
			type: 'options',
			default: 'uni_pc',
			values: SAMPLERS,
			description: 'The sampling algorithm (ComfyUI sampler names)',
		},
		{
			name: 'scheduler',
			displayName: 'Scheduler',
			type: 'options',
			default: 'normal',
			values: SCHEDULERS,
			description: 'The noise schedule used by the sampler',
		},
	],
};
