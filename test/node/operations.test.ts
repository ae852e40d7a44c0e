/** Each operation run for real through WorkflowExecute against the emulator over loopback. */
import { createHash } from 'node:crypto';

import { useEmulator } from '../support/fixture';
import { decodeImage, MAGIC } from '../support/images';
import { binaryBytes } from '../support/run-workflow';

const fixture = useEmulator();
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('Generate (queue mode, v2)', () => {
	test('submits, polls, fetches and downloads one image as binary data', async () => {
		const result = await fixture.runNode({
			operation: 'generate',
			prompt: 'a lighthouse at dusk',
			imageOptions: { width: 640, height: 512 },
		});
		expect(result.error('Aura Flow')).toBeUndefined();
		const [item] = result.output('Aura Flow');
		const bytes = binaryBytes(item);
		expect(MAGIC.webp(bytes)).toBe(true);
		expect(await decodeImage(bytes)).toEqual({ format: 'webp', width: 640, height: 512 });
		expect(item.binary!.data).toMatchObject({ mimeType: 'image/webp', fileExtension: 'webp', fileName: item.json.fileName });
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			requestId: expect.any(String),
			status: 'COMPLETED',
			mode: 'queue',
			imageIndex: 0,
			imageCount: 1,
			mimeType: 'image/webp',
			fileSize: bytes.length,
			seed: expect.any(Number),
			metrics: { inference_time: expect.any(Number) },
			parameters: { prompt: 'a lighthouse at dusk', width: 640, height: 512, steps: 25, cfg: 5, shift: 1.73, sampler: 'uni_pc' },
		});
		expect(item.json.fileName).toMatch(/^aura-flow-[0-9a-f]{8}-\d+-0\.webp$/);
		expect(item.json.imageUrl).toMatch(new RegExp(`^${fixture.emulator.cdnUrl}/`));
		expect(item.json.statusChecks).toBeGreaterThanOrEqual(1);
		// One paid submission, a handful of status checks, one result, one download.
		expect(fixture.emulator.stats.count('submit')).toBe(1);
		expect(fixture.emulator.stats.count('result')).toBe(1);
		expect(fixture.emulator.stats.count('cdn')).toBe(1);
	});

	test('the seed in the output reproduces the image; a different seed gives a different one', async () => {
		const first = await fixture.runNode({ operation: 'generate', prompt: 'a red fox', imageOptions: { width: 512, height: 512 } });
		const seed = first.output('Aura Flow')[0].json.seed as number;
		const again = await fixture.runNode({ operation: 'generate', prompt: 'a red fox', imageOptions: { width: 512, height: 512, seed } });
		const other = await fixture.runNode({ operation: 'generate', prompt: 'a red fox', imageOptions: { width: 512, height: 512, seed: seed + 1 } });
		const hash = (r: typeof first) => sha(binaryBytes(r.output('Aura Flow')[0]));
		expect(again.output('Aura Flow')[0].json.seed).toBe(seed);
		expect(hash(again)).toBe(hash(first));
		expect(hash(other)).not.toBe(hash(first));
	});

	test('two runs without a seed draw different seeds', async () => {
		const seeds = new Set<number>();
		for (let i = 0; i < 2; i++) {
			const result = await fixture.runNode({ operation: 'submit', prompt: 'a red fox' });
			seeds.add(result.output('Aura Flow')[0].json.seed as number);
		}
		expect(seeds.size).toBe(2);
	});

	test.each([
		['webp', 'image/webp'],
		['jpg', 'image/jpeg'],
		['png', 'image/png'],
	] as const)('output format %s: real bytes, MIME %s, right extension', async (format, mimeType) => {
		const result = await fixture.runNode({
			operation: 'generate',
			prompt: 'a teapot',
			imageOptions: { output_format: format, width: 512, height: 768, output_quality: 90 },
		});
		const [item] = result.output('Aura Flow');
		const bytes = binaryBytes(item);
		expect(MAGIC[format](bytes)).toBe(true);
		expect(await decodeImage(bytes)).toEqual({ format: format === 'jpg' ? 'jpeg' : format, width: 512, height: 768 });
		expect(item.binary!.data.mimeType).toBe(mimeType);
		expect(item.json.fileName).toMatch(new RegExp(`\\.${format}$`));
	});

	test('number_of_images > 1: one item per image, all paired to the input item, all different', async () => {
		const result = await fixture.runNode({
			operation: 'generate',
			prompt: 'three cats',
			imageOptions: { number_of_images: 3, width: 512, height: 512 },
		});
		const items = result.output('Aura Flow');
		expect(items).toHaveLength(3);
		expect(items.map((i) => i.json.imageIndex)).toEqual([0, 1, 2]);
		expect(items.every((i) => i.json.imageCount === 3 && i.pairedItem && (i.pairedItem as { item: number }).item === 0)).toBe(true);
		expect(new Set(items.map((i) => i.json.fileName)).size).toBe(3);
		expect(new Set(items.map((i) => sha(binaryBytes(i)))).size).toBe(3);
		expect(new Set(items.map((i) => i.json.requestId)).size).toBe(1);
	});

	test('several input items: each is its own job, outputs paired in order', async () => {
		const result = await fixture.runNode(
			{ operation: 'generate', prompt: '={{ $json.prompt }}', imageOptions: { width: 512, height: 512 } },
			{ input: [{ json: { prompt: 'a boat' } }, { json: { prompt: 'a plane' } }] },
		);
		const items = result.output('Aura Flow');
		expect(items.map((i) => (i.json.parameters as { prompt: string }).prompt)).toEqual(['a boat', 'a plane']);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(fixture.emulator.stats.count('submit')).toBe(2);
	});

	test('the binary field name is configurable', async () => {
		const result = await fixture.runNode({
			operation: 'generate',
			prompt: 'a kite',
			imageOptions: { width: 512, height: 512 },
			options: { binaryPropertyName: 'image' },
		});
		const [item] = result.output('Aura Flow');
		expect(Object.keys(item.binary!)).toEqual(['image']);
		expect(MAGIC.webp(binaryBytes(item, 'image'))).toBe(true);
	});

	test('adaptive polling: a long job costs far fewer status checks than fixed 1-per-interval polling', async () => {
		fixture.emulator.options.processingMs = 1500;
		const timed = await fixture.runNode({
			operation: 'generate',
			prompt: 'a slow one',
			imageOptions: { width: 512, height: 512 },
			options: { pollInterval: 0.02, maxPollInterval: 1 },
		});
		const adaptiveChecks = timed.output('Aura Flow')[0].json.statusChecks as number;
		const fixed = await fixture.runNode({
			operation: 'generate',
			prompt: 'a slow one',
			imageOptions: { width: 512, height: 512 },
			options: { pollInterval: 0.02, maxPollInterval: 0.02 },
		});
		const fixedChecks = fixed.output('Aura Flow')[0].json.statusChecks as number;
		fixture.emulator.options.processingMs = 60;
		// Counts, not times: fixed polling needs ~1.5 s / 20 ms ≈ 75 checks; adaptive ~20.
		expect(fixedChecks).toBeGreaterThan(2 * adaptiveChecks);
	});
});

describe('Generate (sync mode, v1)', () => {
	test('one request answers with the image bytes', async () => {
		const result = await fixture.runNode({
			operation: 'generate',
			prompt: 'a violin',
			imageOptions: { output_format: 'png', width: 512, height: 640, seed: 7 },
			options: { mode: 'sync' },
		});
		expect(result.error('Aura Flow')).toBeUndefined();
		const [item] = result.output('Aura Flow');
		const bytes = binaryBytes(item);
		expect(MAGIC.png(bytes)).toBe(true);
		expect(await decodeImage(bytes)).toEqual({ format: 'png', width: 512, height: 640 });
		expect(item.json).toMatchObject({ mode: 'sync', seed: 7, mimeType: 'image/png', fileName: 'aura-flow-7-0.png' });
		expect(item.json.metrics).toMatchObject({ remaining_credits: expect.any(Number) });
		expect(fixture.emulator.stats.count('v1')).toBe(1);
		expect(fixture.emulator.stats.count('submit')).toBe(0);
	});
});

describe('Submit → Get Status → Get Result', () => {
	test('the long-job pattern, wired by expressions', async () => {
		fixture.emulator.options.processingMs = 300;
		const result = await fixture.run({
			nodes: [
				{ name: 'Submit', parameters: { operation: 'submit', prompt: 'a castle', imageOptions: { width: 512, height: 512, output_format: 'jpg' } } },
				{ name: 'Status', parameters: { operation: 'getStatus', requestId: '={{ $json.requestId }}' } },
				{
					name: 'Result',
					parameters: {
						operation: 'getResult',
						requestId: '={{ $json.requestId }}',
						options: { waitForCompletion: true, pollInterval: 0.02, maxPollInterval: 0.05 },
					},
				},
			],
		});
		fixture.emulator.options.processingMs = 60;
		const [submitted] = result.output('Submit');
		expect(submitted.json).toMatchObject({
			requestId: expect.any(String),
			status: 'QUEUED',
			statusUrl: `${fixture.emulator.baseUrl}/v2/requests/${submitted.json.requestId}/status`,
			responseUrl: `${fixture.emulator.baseUrl}/v2/requests/${submitted.json.requestId}`,
			seed: expect.any(Number),
		});
		const [status] = result.output('Status');
		expect(status.json.requestId).toBe(submitted.json.requestId);
		expect(['QUEUED', 'PROCESSING']).toContain(status.json.status);
		expect(status.json.done).toBe(false);
		const [image] = result.output('Result');
		expect(image.json).toMatchObject({ requestId: submitted.json.requestId, status: 'COMPLETED', seed: submitted.json.seed });
		expect(await decodeImage(binaryBytes(image))).toEqual({ format: 'jpeg', width: 512, height: 512 });
		expect(fixture.emulator.stats.count('submit')).toBe(1);
	});

	test('Get Status reports COMPLETED with metrics, and FAILED as data (not an error)', async () => {
		const submitted = await fixture.runNode({ operation: 'submit', prompt: 'a bridge' });
		const requestId = submitted.output('Aura Flow')[0].json.requestId as string;
		fixture.emulator.clock.advance(1000); // the job's timeline runs on the emulator clock
		const done = await fixture.runNode({ operation: 'getStatus', requestId });
		expect(done.output('Aura Flow')[0].json).toMatchObject({ requestId, status: 'COMPLETED', done: true, metrics: { inference_time: expect.any(Number) } });

		const blocked = await fixture.runNode({ operation: 'submit', prompt: 'something forbidden' });
		const blockedId = blocked.output('Aura Flow')[0].json.requestId as string;
		fixture.emulator.clock.advance(1000);
		const failed = await fixture.runNode({ operation: 'getStatus', requestId: blockedId });
		expect(failed.error('Aura Flow')).toBeUndefined();
		expect(failed.output('Aura Flow')[0].json).toMatchObject({ status: 'FAILED', done: true, error: expect.stringMatching(/safety/i) });
	});

	test('Get Result of an unfinished job fails clearly unless asked to wait', async () => {
		fixture.emulator.options.processingMs = 5000;
		const submitted = await fixture.runNode({ operation: 'submit', prompt: 'a bridge' });
		const requestId = submitted.output('Aura Flow')[0].json.requestId as string;
		const early = await fixture.runNode({ operation: 'getResult', requestId });
		fixture.emulator.options.processingMs = 60;
		expect(early.error('Aura Flow')?.message).toMatch(new RegExp(`${requestId} is not finished yet \\(status: (QUEUED|PROCESSING)\\)`));
	});

	test('Get Result with Download Images off returns the URLs only', async () => {
		const submitted = await fixture.runNode({ operation: 'submit', prompt: 'two moons', imageOptions: { number_of_images: 2, width: 512, height: 512 } });
		const requestId = submitted.output('Aura Flow')[0].json.requestId as string;
		const result = await fixture.runNode({ operation: 'getResult', requestId, options: { downloadImages: false, waitForCompletion: true } });
		const items = result.output('Aura Flow');
		expect(items).toHaveLength(1);
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json).toMatchObject({ requestId, status: 'COMPLETED', imageCount: 2 });
		expect(items[0].json.imageUrls).toHaveLength(2);
		expect(fixture.emulator.stats.count('cdn')).toBe(0);
	});
});
