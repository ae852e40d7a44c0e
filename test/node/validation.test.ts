/**
 * Bad input fails before any request: the error names the parameter and what is allowed, and
 * the emulator sees zero requests, so no credits are spent.
 */
import type { IDataObject } from 'n8n-workflow';

import { useEmulator } from '../support/fixture';

const fixture = useEmulator();

const generate = (imageOptions: IDataObject, extra: IDataObject = {}) =>
	fixture.runNode({ operation: 'generate', prompt: 'a lighthouse', imageOptions, ...extra });

const cases: Array<[string, IDataObject, RegExp]> = [
	['width below range', { width: 511 }, /Width \(width\).*511.*whole number from 512 to 2048/],
	['width above range', { width: 4096 }, /Width \(width\).*4096.*512 to 2048/],
	['width not an integer', { width: 700.5 }, /Width \(width\).*700\.5.*whole number/],
	['height above range', { height: 2049 }, /Height \(height\).*2049.*512 to 2048/],
	['steps zero', { steps: 0 }, /Steps \(steps\).*0.*1 to 100/],
	['steps above range', { steps: 101 }, /Steps \(steps\).*101.*1 to 100/],
	['cfg above range', { cfg: 20.5 }, /Guidance Scale \(CFG\) \(cfg\).*20\.5.*0 to 20/],
	['cfg negative', { cfg: -1 }, /\(cfg\).*-1.*0 to 20/],
	['shift above range', { shift: 10.01 }, /Shift \(shift\).*10\.01.*0 to 10/],
	['output quality above range', { output_quality: 101 }, /Output Quality \(output_quality\).*101.*0 to 100/],
	['number of images zero', { number_of_images: 0 }, /Number of Images \(number_of_images\).*0.*1 to 10/],
	['number of images above range', { number_of_images: 11 }, /\(number_of_images\).*11.*1 to 10/],
	['seed negative', { seed: -5 }, /Seed \(seed\).*-5/],
	['seed fractional', { seed: 1.5 }, /Seed \(seed\).*1\.5.*whole number/],
	['unknown sampler', { sampler: 'euler_x' }, /Sampler \(sampler\).*"euler_x".*one of euler, euler_cfg_pp.*uni_pc_bh2/],
	['unknown scheduler', { scheduler: 'linear' }, /Scheduler \(scheduler\).*"linear".*one of normal, karras/],
	['unknown format', { output_format: 'gif' }, /Output Format \(output_format\).*"gif".*one of webp, jpg, png/],
	['text where a number belongs', { steps: 'many' }, /Steps \(steps\).*"many"/],
	['number where text belongs', { negative_prompt: 42 }, /Negative Prompt \(negative_prompt\)/],
];

describe('model parameters are checked before any request', () => {
	test.each(cases)('%s', async (_name, imageOptions, message) => {
		const result = await generate(imageOptions);
		const error = result.error('Aura Flow');
		expect(error?.message).toMatch(message);
		expect(error?.description).toMatch(/Nothing was sent to Segmind/);
		expect(fixture.emulator.stats.requests).toHaveLength(0);
	});

	test('an empty prompt is refused (it would still be a paid call)', async () => {
		const result = await fixture.runNode({ operation: 'submit', prompt: '   ' });
		expect(result.error('Aura Flow')?.message).toMatch(/Prompt \(prompt\).*empty/);
		expect(fixture.emulator.stats.requests).toHaveLength(0);
	});

	test('numbers given as text by an expression are accepted and sent as numbers', async () => {
		const result = await fixture.runNode({
			operation: 'submit',
			prompt: 'a lighthouse',
			imageOptions: { width: '={{ "768" }}', steps: '={{ "30" }}' },
		});
		expect(result.error('Aura Flow')).toBeUndefined();
		expect(result.output('Aura Flow')[0].json.parameters).toMatchObject({ width: 768, steps: 30 });
	});

	test('a bad item fails alone under Continue On Fail; the good items are submitted', async () => {
		const result = await fixture.runNode(
			{ operation: 'submit', prompt: '={{ $json.prompt }}', imageOptions: { steps: '={{ $json.steps }}' } },
			{
				onError: 'continueRegularOutput',
				input: [
					{ json: { prompt: 'one', steps: 20 } },
					{ json: { prompt: 'two', steps: 500 } },
					{ json: { prompt: 'three', steps: 30 } },
				],
			},
		);
		const items = result.output('Aura Flow');
		expect(items).toHaveLength(3);
		expect(items[0].json.requestId).toEqual(expect.any(String));
		expect(items[1].json.error).toMatch(/Steps \(steps\).*500/);
		expect(items[1].pairedItem).toEqual({ item: 1 });
		expect(items[2].json.requestId).toEqual(expect.any(String));
		expect(fixture.emulator.stats.count('submit')).toBe(2);
	});
});

describe('node options and request ids are checked too', () => {
	test.each([
		['wait timeout zero', { waitTimeout: 0 }, /Wait Timeout \(Seconds\) \(waitTimeout\).*1 to 3600/],
		['poll interval negative', { pollInterval: -1 }, /Poll Interval \(Seconds\) \(pollInterval\)/],
		['max retries above range', { maxRetries: 11 }, /Max Retries \(maxRetries\).*0 to 10/],
		['max retries fractional', { maxRetries: 1.5 }, /Max Retries \(maxRetries\).*whole number/],
		['empty binary field name', { binaryPropertyName: ' ' }, /Put Output in Field \(binaryPropertyName\).*empty/],
	])('%s', async (_name, options, message) => {
		const result = await generate({}, { options });
		expect(result.error('Aura Flow')?.message).toMatch(message);
		expect(fixture.emulator.stats.requests).toHaveLength(0);
	});

	test.each([
		['empty (from an expression)', '={{ "" }}', /Request ID \(requestId\).*empty/],
		['a path', '../v1/aura-flow', /Request ID \(requestId\).*not a Segmind request ID/],
		['with spaces', 'abc def', /not a Segmind request ID/],
	])('request id %s is refused', async (_name, requestId, message) => {
		for (const operation of ['getStatus', 'getResult']) {
			const result = await fixture.runNode({ operation, requestId });
			expect(result.error('Aura Flow')?.message).toMatch(message);
		}
		expect(fixture.emulator.stats.requests).toHaveLength(0);
	});
});
