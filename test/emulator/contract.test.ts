import { OUTPUT_FORMATS, PARAMETERS, SAMPLERS, SCHEDULERS, validateParams } from './contract';

describe('the emulator contract', () => {
	it('lists the 27 samplers in the API page order, 6 schedulers, 3 formats', () => {
		expect(SAMPLERS).toHaveLength(27);
		expect(new Set(SAMPLERS).size).toBe(27);
		expect([SAMPLERS[0], SAMPLERS[10], SAMPLERS[25], SAMPLERS[26]]).toEqual(['euler', 'dpm_adaptive', 'uni_pc', 'uni_pc_bh2']);
		expect(SCHEDULERS).toEqual(['normal', 'karras', 'exponential', 'sgm_uniform', 'simple', 'ddim_uniform']);
		expect(OUTPUT_FORMATS).toEqual(['webp', 'jpg', 'png']);
	});

	it('applies the documented defaults and draws a seed', () => {
		const r = validateParams({});
		if (!r.ok) throw new Error(r.error);
		expect(r.seedWasRandom).toBe(true);
		const { seed, ...rest } = r.params;
		expect(Number.isSafeInteger(seed) && seed >= 0).toBe(true);
		expect(rest).toEqual({
			prompt: '',
			negative_prompt: '',
			cfg: 5,
			shift: 1.73,
			steps: 25,
			width: 1024,
			height: 1024,
			sampler: 'uni_pc',
			scheduler: 'normal',
			output_format: 'webp',
			output_quality: 80,
			number_of_images: 1,
		});
		expect(Object.keys(PARAMETERS)).toHaveLength(13);
	});

	it('keeps given values, including a given seed, and drops unknown keys', () => {
		const r = validateParams({ seed: 0, cfg: 7.5, sampler: 'lcm', extra: 1 });
		expect(r.ok && r.params).toMatchObject({ seed: 0, cfg: 7.5, sampler: 'lcm' });
		expect(r.ok && r.seedWasRandom).toBe(false);
		expect(r.ok && 'extra' in r.params).toBe(false);
	});

	it('names the parameter and its allowed range or values', () => {
		const error = (body: unknown): string => {
			const r = validateParams(body);
			return r.ok ? 'ok' : r.error;
		};
		expect(error({ width: 511 })).toBe('width must be an integer between 512 and 2048');
		expect(error({ cfg: -1 })).toBe('cfg must be a number between 0 and 20');
		expect(error({ shift: 'x' })).toBe('shift must be a number between 0 and 10');
		expect(error({ scheduler: 'x' })).toBe('scheduler must be one of: normal, karras, exponential, sgm_uniform, simple, ddim_uniform');
		expect(error({ seed: -5 })).toBe(`seed must be an integer between 0 and ${Number.MAX_SAFE_INTEGER}`);
		expect(error([])).toBe('Request body must be a JSON object');
		expect(error({ width: 2048, height: 512 })).toBe('ok');
	});
});
