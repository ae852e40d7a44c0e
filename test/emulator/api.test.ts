import { Emulator, startEmulator } from './server';
import { api, FAST, KEY, OTHER_KEY, runJob, waitFor } from './helpers';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator({ ...FAST, apiKeys: { [KEY]: { credits: 100 }, [OTHER_KEY]: { credits: 100 } } });
});
afterAll(() => emu.close());
beforeEach(() => {
	emu.reset();
	Object.assign(emu.options, { ...FAST, timeScale: 1, rateLimitPerMinute: 0, log: undefined });
});

describe('v2 submit / status / result', () => {
	it('submit answers QUEUED with absolute URLs on the API origin', async () => {
		const res = await api(emu).post('/v2/aura-flow', { prompt: 'a cat' });
		expect(res.status).toBe(200);
		const id = res.data.request_id;
		expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
		expect(res.data).toEqual({
			request_id: id,
			status: 'QUEUED',
			poll_url: `${emu.baseUrl}/v2/requests/${id}/status`,
			status_url: `${emu.baseUrl}/v2/requests/${id}/status`,
			response_url: `${emu.baseUrl}/v2/requests/${id}`,
		});
		expect(emu.stats.jobsSubmitted).toBe(1);
	});

	it('walks QUEUED → PROCESSING → COMPLETED on the emulator clock', async () => {
		Object.assign(emu.options, { queuedMs: 10_000, processingMs: 20_000 });
		const client = api(emu);
		const { data } = await client.post('/v2/aura-flow', { prompt: 'x', seed: 1 });
		const status = async (): Promise<any> => (await client.get(`/v2/requests/${data.request_id}/status`)).data;
		const queued = await status();
		expect(queued).toEqual({
			status: 'QUEUED',
			request_id: data.request_id,
			status_url: data.status_url,
			response_url: data.response_url,
			metrics: {},
		});
		const early = await client.get(`/v2/requests/${data.request_id}`);
		expect(early.status).toBe(200);
		expect(early.data).toEqual({ status: 'QUEUED', request_id: data.request_id, metrics: {} });

		emu.clock.advance(10_000);
		const processing = await status();
		expect(processing.status).toBe('PROCESSING');
		expect(processing.metrics).toEqual({ queue_time: 10 });
		expect((await client.get(`/v2/requests/${data.request_id}`)).data.output).toBeUndefined();

		emu.clock.advance(20_000);
		const done = await status();
		expect(done).toEqual({
			status: 'COMPLETED',
			request_id: data.request_id,
			metrics: { inference_time: 20, queue_time: 10, total_time: 30 },
		});
		expect(done.output).toBeUndefined();
	});

	it('completes in real time too, never going backwards', async () => {
		const { seen, final } = await runJob(api(emu), { prompt: 'real time' });
		expect(final.status).toBe(200);
		const order = ['QUEUED', 'PROCESSING', 'COMPLETED'];
		const ranks = seen.map((s) => order.indexOf(s));
		expect(ranks.every((r) => r >= 0)).toBe(true);
		expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
		expect(seen[seen.length - 1]).toBe('COMPLETED');
	});

	it('result of a COMPLETED job: output URL on the CDN, images, seed, metrics', async () => {
		const client = api(emu);
		const { id } = await runJob(client, { prompt: 'sunset', seed: 2425367, number_of_images: 2, width: 512, height: 512 });
		const res = await client.get(`/v2/requests/${id}`);
		expect(res.status).toBe(200);
		const d = res.data;
		expect(d.status).toBe('COMPLETED');
		expect(d.request_id).toBe(id);
		expect(d.seed).toBe(2425367);
		expect(d.output).toBe(`${emu.cdnUrl}/images/${id}/0.webp`);
		expect(d.images).toHaveLength(2);
		expect(d.images[1]).toEqual({
			url: `${emu.cdnUrl}/images/${id}/1.webp`,
			content_type: 'image/webp',
			file_name: expect.stringContaining('.webp'),
			file_size: expect.any(Number),
		});
		expect(d.metrics).toEqual({
			inference_time: FAST.processingMs / 1000,
			cost: 0.234,
			remaining_credits: 99.766,
			queue_time: FAST.queuedMs / 1000,
			total_time: (FAST.queuedMs + FAST.processingMs) / 1000,
		});
		expect(new URL(d.output).origin).not.toBe(new URL(emu.baseUrl).origin);
	});

	it('reports nominal seconds under timeScale: a "79 s" job runs fast but says 79', async () => {
		Object.assign(emu.options, { queuedMs: 1000, processingMs: 79_000, timeScale: 0.001 });
		const client = api(emu);
		const { id, final } = await runJob(client, { prompt: 'slow model' });
		expect(final.data.metrics.inference_time).toBe(79);
		expect((await client.get(`/v2/requests/${id}`)).data.metrics.total_time).toBe(80);
	});

	it('picks a random seed when none is given', async () => {
		const client = api(emu);
		const a = await runJob(client, { prompt: 'p' });
		const b = await runJob(client, { prompt: 'p' });
		const seedA = (await client.get(`/v2/requests/${a.id}`)).data.seed;
		const seedB = (await client.get(`/v2/requests/${b.id}`)).data.seed;
		expect(Number.isSafeInteger(seedA) && seedA >= 0).toBe(true);
		expect(seedA).not.toBe(seedB);
	});
});

describe('v1 sync', () => {
	it('answers raw image bytes with credit, seed and timing headers', async () => {
		const res = await api(emu).post('/v1/aura-flow', { prompt: 'hi', seed: 7, width: 512, height: 512 }, { responseType: 'arraybuffer' });
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('image/webp');
		expect(res.headers['x-seed']).toBe('7');
		expect(res.headers['x-remaining-credits']).toBe('99.883');
		expect(Number(res.headers['x-inference-time'])).toBe(FAST.processingMs / 1000);
		expect(Buffer.from(res.data).subarray(8, 12).toString('latin1')).toBe('WEBP');
		expect(emu.getCredits(KEY)).toBe(99.883);
		expect(emu.stats.imagesGenerated).toBe(1);
	});

	it('Content-Type follows output_format and a random seed is reported', async () => {
		const res = await api(emu).post('/v1/aura-flow', { output_format: 'jpg', width: 512, height: 512 }, { responseType: 'arraybuffer' });
		expect(res.headers['content-type']).toBe('image/jpeg');
		expect(res.headers['x-seed']).toMatch(/^\d+$/);
	});

	it('a blocked prompt is refused with 422', async () => {
		const res = await api(emu).post('/v1/aura-flow', { prompt: 'something Forbidden here' });
		expect(res.status).toBe(422);
		expect(res.data).toEqual({ error: 'Content blocked by safety filter' });
		expect(emu.getCredits(KEY)).toBe(100);
	});
});

describe('errors', () => {
	it('401 without a key, with a Bearer token, or with a wrong key, on every route', async () => {
		const paths: Array<[string, string]> = [
			['post', '/v1/aura-flow'],
			['post', '/v2/aura-flow'],
			['get', '/v2/requests/abc/status'],
			['get', '/v2/requests/abc'],
		];
		const variants: Array<Record<string, string>> = [{}, { Authorization: `Bearer ${KEY}` }, { 'x-api-key': 'sk-wrong' }];
		for (const [method, path] of paths) {
			for (const headers of variants) {
				const res = await api(emu, null).request({ method, url: path, headers, data: method === 'post' ? {} : undefined });
				expect([path, res.status, res.data]).toEqual([path, 401, { error: 'Invalid or missing API key' }]);
			}
		}
		expect(emu.stats.jobsSubmitted).toBe(0);
	});

	it('400 for non-JSON bodies and for each kind of bad parameter', async () => {
		const client = api(emu);
		const raw = (data: string): Promise<any> => client.post('/v2/aura-flow', data, { headers: { 'Content-Type': 'application/json' }, transformRequest: [(d) => d] });
		const bad = await raw('{"prompt": "unterminated');
		expect([bad.status, bad.data]).toEqual([400, { error: 'Invalid JSON body' }]);
		for (const body of ['[1,2]', 'null', '"text"', '42']) {
			const res = await raw(body);
			expect([body, res.status]).toEqual([body, 400]);
			expect(res.data.error).toMatch(/JSON object/);
		}
		const cases: Array<[object, RegExp]> = [
			[{ width: 4096 }, /width.*512.*2048/],
			[{ height: 100 }, /height.*512.*2048/],
			[{ steps: 0 }, /steps.*1.*100/],
			[{ steps: 2.5 }, /steps must be an integer/],
			[{ steps: '25' }, /steps must be an integer/],
			[{ cfg: 20.5 }, /cfg must be a number between 0 and 20/],
			[{ cfg: '5' }, /cfg/],
			[{ shift: -0.1 }, /shift.*0.*10/],
			[{ output_quality: 101 }, /output_quality.*0.*100/],
			[{ number_of_images: 11 }, /number_of_images.*1.*10/],
			[{ number_of_images: 0 }, /number_of_images/],
			[{ sampler: 'dpmpp_4m' }, /sampler must be one of: euler, euler_cfg_pp/],
			[{ scheduler: 'linear' }, /scheduler must be one of: normal, karras/],
			[{ output_format: 'jpeg' }, /output_format must be one of: webp, jpg, png/],
			[{ prompt: 42 }, /prompt must be a string/],
			[{ negative_prompt: ['x'] }, /negative_prompt must be a string/],
			[{ seed: -1 }, /seed must be an integer/],
			[{ seed: 1.5 }, /seed/],
			[{ seed: 2 ** 60 }, /seed/],
			[{ seed: null }, /seed/],
		];
		for (const [body, message] of cases) {
			const res = await client.post('/v2/aura-flow', body);
			expect([body, res.status]).toEqual([body, 400]);
			expect(res.data.error).toMatch(message);
		}
		expect(emu.stats.jobsSubmitted).toBe(0);
	});

	it('ignores unknown extra parameters and accepts the boundaries', async () => {
		const res = await api(emu).post('/v2/aura-flow', {
			prompt: 'edge',
			whatever: true,
			cfg: 0,
			shift: 10,
			steps: 100,
			width: 2048,
			height: 512,
			output_quality: 0,
			number_of_images: 1,
			seed: Number.MAX_SAFE_INTEGER,
			sampler: 'uni_pc_bh2',
			scheduler: 'ddim_uniform',
			output_format: 'png',
		});
		expect(res.status).toBe(200);
	});

	it('406 for a wrong Content-Type, on v1 and v2', async () => {
		for (const path of ['/v1/aura-flow', '/v2/aura-flow']) {
			const res = await api(emu).post(path, 'prompt=x', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
			expect([path, res.status]).toEqual([path, 406]);
			expect(res.data.error).toMatch(/Content-Type/);
		}
	});

	it('406 for insufficient credits, checked against every requested image', async () => {
		emu.setCredits(KEY, 0.2);
		const client = api(emu);
		const two = await client.post('/v2/aura-flow', { number_of_images: 2 });
		expect([two.status, two.data]).toEqual([406, { error: 'Insufficient credits' }]);
		const v1 = await client.post('/v1/aura-flow', { number_of_images: 2 });
		expect(v1.status).toBe(406);
		expect((await client.post('/v2/aura-flow', { number_of_images: 1 })).status).toBe(200);
		emu.setCredits(KEY, 0);
		expect((await client.post('/v2/aura-flow', {})).status).toBe(406);
	});

	it('credits are deducted on completion, not on submission', async () => {
		Object.assign(emu.options, { queuedMs: 1000, processingMs: 1000 });
		const client = api(emu);
		const { data } = await client.post('/v2/aura-flow', { number_of_images: 3 });
		expect(emu.getCredits(KEY)).toBe(100);
		emu.clock.advance(2000);
		expect(emu.getCredits(KEY)).toBe(99.649);
		expect(emu.stats.imagesGenerated).toBe(3);
		expect((await client.get(`/v2/requests/${data.request_id}`)).data.metrics.remaining_credits).toBe(99.649);
		expect(emu.getCredits(OTHER_KEY)).toBe(100);
	});

	it('404 for unknown paths, unknown ids, other keys’ jobs and expired results', async () => {
		const client = api(emu);
		const nothing = await client.get('/v2/nothing');
		expect([nothing.status, nothing.data]).toEqual([404, { error: 'Not found' }]);
		const unknown = await client.get('/v2/requests/nope/status');
		expect([unknown.status, unknown.data]).toEqual([404, { error: 'Request nope not found' }]);
		expect((await client.get('/v2/requests/nope')).status).toBe(404);

		const { id } = await runJob(client, { prompt: 'mine' });
		const other = api(emu, OTHER_KEY);
		expect((await other.get(`/v2/requests/${id}/status`)).status).toBe(404);
		expect((await other.get(`/v2/requests/${id}`)).data).toEqual({ error: `Request ${id} not found` });
		expect((await client.get(`/v2/requests/${id}`)).status).toBe(200);

		emu.clock.advance(3_600_001);
		expect((await client.get(`/v2/requests/${id}/status`)).status).toBe(404);
		expect((await client.get(`/v2/requests/${id}`)).data).toEqual({ error: `Request ${id} not found` });
	});

	it('405 with an HTML body for a wrong method on a known path', async () => {
		const client = api(emu);
		for (const [method, path] of [
			['get', '/v1/aura-flow'],
			['get', '/v2/aura-flow'],
			['post', '/v2/requests/abc/status'],
			['delete', '/v2/requests/abc'],
		]) {
			const res = await client.request({ method, url: path, responseType: 'text' });
			expect([path, res.status]).toEqual([path, 405]);
			expect(res.headers['content-type']).toMatch(/text\/html/);
			expect(res.data).toMatch(/^<html>/);
		}
	});

	it('422 FAILED from the safety filter, on status and result, without charging', async () => {
		const client = api(emu);
		const { id, final } = await runJob(client, { prompt: 'a FORBIDDEN thing' });
		expect(final.status).toBe(422);
		expect(final.data).toEqual({
			status: 'FAILED',
			error: 'Content blocked by safety filter',
			metrics: expect.any(Object),
			request_id: id,
		});
		const result = await client.get(`/v2/requests/${id}`);
		expect([result.status, result.data.status, result.data.output]).toEqual([422, 'FAILED', undefined]);
		expect(emu.getCredits(KEY)).toBe(100);
	});

	it('429 with x-rate-limit-reset-at-utc and no Retry-After, then recovery after the window', async () => {
		emu.options.rateLimitPerMinute = 3;
		const client = api(emu);
		const start = emu.clock.now();
		for (let i = 0; i < 3; i++) expect((await client.get('/v2/requests/x/status')).status).toBe(404);
		const limited = await client.post('/v2/aura-flow', {});
		expect([limited.status, limited.data]).toEqual([429, { error: 'Rate limit exceeded' }]);
		const reset = Date.parse(limited.headers['x-rate-limit-reset-at-utc']);
		expect(limited.headers['x-rate-limit-reset-at-utc']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
		expect(reset).toBeGreaterThanOrEqual(start + 60_000);
		expect(reset).toBeLessThanOrEqual(emu.clock.now() + 60_000);
		expect(limited.headers['retry-after']).toBeUndefined();
		// The limit is per key.
		expect((await api(emu, OTHER_KEY).post('/v2/aura-flow', {})).status).toBe(200);
		emu.clock.advance(60_000);
		expect((await client.post('/v2/aura-flow', {})).status).toBe(200);
	});
});

describe('stats, log and reset', () => {
	it('records every request without ever keeping or logging the key', async () => {
		const lines: string[] = [];
		emu.options.log = (line) => lines.push(line);
		const client = api(emu);
		await client.post('/v2/aura-flow', { prompt: 'stats' });
		await api(emu, 'sk-not-valid').get('/v2/requests/a');
		await api(emu, null).get('/elsewhere');
		expect(emu.stats.requests.map((r) => [r.origin, r.route, r.method, r.status, r.hadApiKey, r.apiKeyValid])).toEqual([
			['api', 'submit', 'POST', 200, true, true],
			['api', 'result', 'GET', 401, true, false],
			['api', 'other', 'GET', 404, false, false],
		]);
		expect(emu.stats.count('submit')).toBe(1);
		expect(emu.stats.count('other')).toBe(1);
		expect(lines).toHaveLength(3);
		const everything = JSON.stringify({ stats: emu.stats, lines, jobs: [...emu.jobs.values()] });
		expect(everything).not.toContain(KEY);
		expect(everything).not.toContain('sk-not-valid');
	});

	it('reset() clears jobs, stats, faults, clock offset and restores credits', async () => {
		const client = api(emu);
		await runJob(client, {});
		emu.setCredits(KEY, 1);
		emu.clock.advance(5000);
		emu.faults.failNext({ status: 500 });
		emu.reset();
		expect(emu.jobs.size).toBe(0);
		expect(emu.stats.requests).toHaveLength(0);
		expect(emu.faults.pendingCount).toBe(0);
		expect(emu.getCredits(KEY)).toBe(100);
		expect(Math.abs(emu.clock.now() - Date.now())).toBeLessThan(1000);
		expect((await client.get('/v2/requests/x')).status).toBe(404);
	});

	it('the completion timer charges credits even when nobody polls', async () => {
		await api(emu).post('/v2/aura-flow', {});
		await waitFor(async () => (emu.getCredits(KEY) === 99.883 ? true : undefined));
	});
});

describe('jobs map', () => {
	it('exposes a live status and error on each job', async () => {
		Object.assign(emu.options, { queuedMs: 10_000, processingMs: 10_000 });
		const client = api(emu);
		const ok = (await client.post('/v2/aura-flow', { prompt: 'fine' })).data.request_id;
		const bad = (await client.post('/v2/aura-flow', { prompt: 'forbidden' })).data.request_id;
		expect([emu.jobs.get(ok)?.status, emu.jobs.get(ok)?.error]).toEqual(['QUEUED', undefined]);
		emu.clock.advance(10_000);
		expect(emu.jobs.get(ok)?.status).toBe('PROCESSING');
		emu.clock.advance(10_000);
		expect(emu.jobs.get(ok)?.status).toBe('COMPLETED');
		expect([emu.jobs.get(bad)?.status, emu.jobs.get(bad)?.error]).toEqual(['FAILED', 'Content blocked by safety filter']);
	});
});

describe('start-up', () => {
	it('frees the API port when the CDN port cannot be bound', async () => {
		const taken = new URL(emu.cdnUrl).port;
		await expect(startEmulator({ cdnPort: Number(taken) })).rejects.toThrow(/EADDRINUSE/);
	});
});
