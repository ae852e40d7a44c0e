/**
 * The emulator's own statement of Segmind's aura-flow parameter contract.
 * Written from the API page on purpose, never imported from nodes/: if the node and the
 * emulator disagree, a test should notice instead of both sharing one mistake.
 */
import { randomInt } from 'crypto';

/** ComfyUI's sampler list of that time, in the order the API page gives it. */
export const SAMPLERS = [
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

export const SCHEDULERS = ['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform'] as const;

export const OUTPUT_FORMATS = ['webp', 'jpg', 'png'] as const;

export type Sampler = (typeof SAMPLERS)[number];
export type Scheduler = (typeof SCHEDULERS)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const CONTENT_TYPES: Record<OutputFormat, string> = {
	webp: 'image/webp',
	jpg: 'image/jpeg',
	png: 'image/png',
};

/** Fully resolved parameters of one aura-flow call (defaults applied, seed chosen). */
export interface AuraFlowParams {
	prompt: string;
	negative_prompt: string;
	cfg: number;
	seed: number;
	shift: number;
	steps: number;
	width: number;
	height: number;
	sampler: Sampler;
	scheduler: Scheduler;
	output_format: OutputFormat;
	output_quality: number;
	number_of_images: number;
}

export type ParamSpec =
	| { type: 'string'; default: string }
	| { type: 'number' | 'integer'; default: number; min: number; max: number }
	| { type: 'enum'; default: string; values: readonly string[] }
	| { type: 'seed' };

/** Every parameter is optional; `seed` is random when absent. */
export const PARAMETERS: Record<keyof AuraFlowParams, ParamSpec> = {
	prompt: { type: 'string', default: '' },
	negative_prompt: { type: 'string', default: '' },
	cfg: { type: 'number', default: 5, min: 0, max: 20 },
	seed: { type: 'seed' },
	shift: { type: 'number', default: 1.73, min: 0, max: 10 },
	steps: { type: 'integer', default: 25, min: 1, max: 100 },
	width: { type: 'integer', default: 1024, min: 512, max: 2048 },
	height: { type: 'integer', default: 1024, min: 512, max: 2048 },
	sampler: { type: 'enum', default: 'uni_pc', values: SAMPLERS },
	scheduler: { type: 'enum', default: 'normal', values: SCHEDULERS },
	output_format: { type: 'enum', default: 'webp', values: OUTPUT_FORMATS },
	output_quality: { type: 'integer', default: 80, min: 0, max: 100 },
	number_of_images: { type: 'integer', default: 1, min: 1, max: 10 },
};

export type ValidationResult =
	| { ok: true; params: AuraFlowParams; seedWasRandom: boolean }
	| { ok: false; error: string };

/** Seeds drawn when none is given stay within 32 bits, like typical diffusion back ends. */
export function randomSeed(): number {
	return randomInt(0, 2 ** 32);
}

function checkOne(name: string, spec: ParamSpec, value: unknown): string | undefined {
	switch (spec.type) {
		case 'string':
			return typeof value === 'string' ? undefined : `${name} must be a string`;
		case 'seed':
			return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
				? undefined
				: `seed must be an integer between 0 and ${Number.MAX_SAFE_INTEGER}`;
		case 'enum':
			return typeof value === 'string' && spec.values.includes(value)
				? undefined
				: `${name} must be one of: ${spec.values.join(', ')}`;
		case 'number':
		case 'integer': {
			const kind = spec.type === 'integer' ? 'an integer' : 'a number';
			const range = `${name} must be ${kind} between ${spec.min} and ${spec.max}`;
			if (typeof value !== 'number' || !Number.isFinite(value)) return range;
			if (spec.type === 'integer' && !Number.isInteger(value)) return range;
			return value < spec.min || value > spec.max ? range : undefined;
		}
	}
}

/**
 * Validate a parsed JSON body. Unknown extra keys are ignored (as Segmind does);
 * `null` is not accepted as "absent": a client that sends null has a bug worth seeing.
 */
export function validateParams(body: unknown): ValidationResult {
	if (typeof body !== 'object' || body === null || Array.isArray(body)) {
		return { ok: false, error: 'Request body must be a JSON object' };
	}
	const input = body as Record<string, unknown>;
	const out: Record<string, unknown> = {};
	for (const [name, spec] of Object.entries(PARAMETERS)) {
		if (!(name in input) || input[name] === undefined) {
			if (spec.type !== 'seed') out[name] = spec.default;
			continue;
		}
		const error = checkOne(name, spec, input[name]);
		if (error) return { ok: false, error };
		out[name] = input[name];
	}
	const seedWasRandom = out.seed === undefined;
	if (seedWasRandom) out.seed = randomSeed();
	return { ok: true, params: out as unknown as AuraFlowParams, seedWasRandom };
}
