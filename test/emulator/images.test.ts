import sharp from 'sharp';
import { validateParams } from './contract';
import { renderImage } from './images';
import { Emulator, startEmulator } from './server';
import { api, FAST, fetchBytes, KEY, runJob, sha } from './helpers';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator(FAST);
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const MAGIC: Record<string, (b: Buffer) => boolean> = {
	webp: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
	jpg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
	png: (b) => b.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])),
};
const SHARP_FORMAT: Record<string, string> = { webp: 'webp', jpg: 'jpeg', png: 'png' };
const MIME: Record<string, string> = { webp: 'image/webp', jpg: 'image/jpeg', png: 'image/png' };

/** Run a v2 job to completion and download its images from the CDN. */
async function generate(body: object): Promise<{ id: string; result: any; images: Buffer[] }> {
	const client = api(emu);
	const { id } = await runJob(client, body);
	const result = (await client.get(`/v2/requests/${id}`)).data;
	const images: Buffer[] = [];
	for (const img of result.images) {
		const res = await fetchBytes(img.url);
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe(img.content_type);
		expect(Number(res.headers['content-length'])).toBe(res.data.length);
		expect(res.data.length).toBe(img.file_size);
		images.push(res.data);
	}
	return { id, result, images };
}

describe('rendered images', () => {
	it.each(['webp', 'jpg', 'png'])('%s: exact size, format and magic bytes, over v2 and v1', async (format) => {
		const body = { prompt: 'a lighthouse', seed: 11, width: 640, height: 520, output_format: format, output_quality: 70 };
		const { result, images } = await generate(body);
		expect(result.output).toMatch(new RegExp(`/0\\.${format}$`));
		expect(result.images[0].content_type).toBe(MIME[format]);
		const meta = await sharp(images[0]).metadata();
		expect([meta.width, meta.height, meta.format]).toEqual([640, 520, SHARP_FORMAT[format]]);
		expect(MAGIC[format](images[0])).toBe(true);

		const v1 = await api(emu).post('/v1/aura-flow', body, { responseType: 'arraybuffer' });
		expect(v1.headers['content-type']).toBe(MIME[format]);
		// Same prompt, seed and parameters: v1 and v2 give the very same picture.
		expect(sha(Buffer.from(v1.data))).toBe(sha(images[0]));
	});

	it('is deterministic for the same seed and parameters, different for another seed', async () => {
		const body = { prompt: 'forest', negative_prompt: 'fog', seed: 1234, width: 512, height: 512 };
		const a = await generate(body);
		const b = await generate(body);
		const c = await generate({ ...body, seed: 1235 });
		const d = await generate({ ...body, cfg: 9 });
		expect(sha(a.images[0])).toBe(sha(b.images[0]));
		expect(sha(c.images[0])).not.toBe(sha(a.images[0]));
		expect(sha(d.images[0])).not.toBe(sha(a.images[0]));
	});

	it('number_of_images = 3 gives three distinct images', async () => {
		const { id, result, images } = await generate({ prompt: 'trio', seed: 5, number_of_images: 3, width: 512, height: 768 });
		expect(result.images.map((i: any) => i.url)).toEqual([0, 1, 2].map((k) => `${emu.cdnUrl}/images/${id}/${k}.webp`));
		expect(new Set(images.map(sha)).size).toBe(3);
		for (const img of images) expect(await sharp(img).metadata()).toMatchObject({ width: 512, height: 768, format: 'webp' });
		expect(emu.stats.imagesGenerated).toBe(3);
	});

	it('renders the largest size (2048×2048 png) directly', async () => {
		const checked = validateParams({ prompt: 'big', seed: 3, width: 2048, height: 2048, output_format: 'png' });
		if (!checked.ok) throw new Error(checked.error);
		const image = await renderImage(checked.params, 0);
		expect(await sharp(image.data).metadata()).toMatchObject({ width: 2048, height: 2048, format: 'png' });
	});
});

describe('CDN origin', () => {
	it('serves without a key, never receives one from a well-behaved client, outlives API retention', async () => {
		const { id, result, images } = await generate({ prompt: 'cdn', seed: 9, width: 512, height: 512 });
		const cdn = emu.stats.requests.filter((r) => r.origin === 'cdn');
		expect(cdn.length).toBe(1);
		expect(cdn.every((r) => r.route === 'cdn' && !r.hadApiKey && r.status === 200)).toBe(true);
		expect(emu.stats.cdnRequestsWithApiKey).toBe(0);

		emu.clock.advance(3_600_001);
		expect((await api(emu).get(`/v2/requests/${id}`)).status).toBe(404);
		const later = await fetchBytes(result.output);
		expect(later.status).toBe(200);
		expect(sha(later.data)).toBe(sha(images[0]));
	});

	it('notices a leaked key, in x-api-key or in Authorization', async () => {
		const { result } = await generate({ prompt: 'leak', width: 512, height: 512 });
		expect((await fetchBytes(result.output, { 'x-api-key': KEY })).status).toBe(200);
		expect((await fetchBytes(result.output, { Authorization: `Bearer ${KEY}` })).status).toBe(200);
		expect(emu.stats.cdnRequestsWithApiKey).toBe(2);
		expect(JSON.stringify(emu.stats)).not.toContain(KEY);
	});

	it('404 for unknown ids, indexes and extensions; 405 for other methods', async () => {
		const { id } = await generate({ prompt: 'x', width: 512, height: 512 });
		for (const path of [`/images/${id}/1.webp`, `/images/${id}/0.png`, '/images/nope/0.webp', '/', `/images/${id}`]) {
			const res = await fetchBytes(`${emu.cdnUrl}${path}`);
			expect([path, res.status]).toEqual([path, 404]);
		}
		const post = await api(emu, null).post(`${emu.cdnUrl}/images/${id}/0.webp`, {});
		expect(post.status).toBe(405);
	});

	it('does not serve images of jobs still running', async () => {
		Object.assign(emu.options, { queuedMs: 60_000 });
		try {
			const { data } = await api(emu).post('/v2/aura-flow', {});
			expect((await fetchBytes(`${emu.cdnUrl}/images/${data.request_id}/0.webp`)).status).toBe(404);
		} finally {
			emu.options.queuedMs = FAST.queuedMs;
		}
	});
});
