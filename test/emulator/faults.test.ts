import axios from 'axios';
import { Emulator, startEmulator } from './server';
import { api, FAST, fetchBytes, runJob, waitFor } from './helpers';

let emu: Emulator;

beforeAll(async () => {
	emu = await startEmulator(FAST);
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const small = { prompt: 'fault', seed: 1, width: 512, height: 512 };

/** The error an axios call fails with (or a failure if it does not). */
async function failure(p: Promise<unknown>): Promise<any> {
	try {
		await p;
	} catch (err) {
		return err;
	}
	throw new Error('expected the request to fail');
}

describe('request faults', () => {
	it('failNext answers the given status, body and headers, then the route works again', async () => {
		const client = api(emu);
		emu.faults.failNext({ status: 503, body: { error: 'Service Unavailable' }, headers: { 'x-why': 'fault' }, route: 'submit' });
		// Another route is not affected.
		expect((await client.get('/v2/requests/x')).status).toBe(404);
		const res = await client.post('/v2/aura-flow', small);
		expect([res.status, res.data, res.headers['x-why']]).toEqual([503, { error: 'Service Unavailable' }, 'fault']);
		expect(emu.stats.jobsSubmitted).toBe(0);
		expect((await client.post('/v2/aura-flow', small)).status).toBe(200);
	});

	it('failNext count and HTML bodies; the default route is any API route but not the CDN', async () => {
		const client = api(emu);
		const { id } = await runJob(client, small);
		const output = (await client.get(`/v2/requests/${id}`)).data.output;
		emu.faults.failNext({ status: 502, body: '<html><body>Bad Gateway</body></html>', count: 2 });
		expect((await fetchBytes(output)).status).toBe(200);
		for (let i = 0; i < 2; i++) {
			const res = await client.get(`/v2/requests/${id}/status`, { responseType: 'text' });
			expect(res.status).toBe(502);
			expect(res.headers['content-type']).toMatch(/text\/html/);
		}
		expect((await client.get(`/v2/requests/${id}/status`)).status).toBe(200);
		expect(emu.faults.pendingCount).toBe(0);
	});

	it('failNext can imitate a rate limit without a body', async () => {
		emu.faults.failNext({ status: 429, headers: { 'x-rate-limit-reset-at-utc': '2030-01-01T00:00:00.000Z' }, route: 'status' });
		const res = await api(emu).get('/v2/requests/x/status');
		expect([res.status, res.data, res.headers['x-rate-limit-reset-at-utc']]).toEqual([429, { error: 'Too Many Requests' }, '2030-01-01T00:00:00.000Z']);
	});

	it('slowNext delays past a client timeout, then answers normally', async () => {
		emu.faults.slowNext({ delayMs: 400, route: 'status' });
		const err = await failure(api(emu).get('/v2/requests/x/status', { timeout: 100 }));
		expect(axios.isAxiosError(err) && err.code).toBe('ECONNABORTED');
		// The slow fault was used up: the next call is prompt.
		expect((await api(emu).get('/v2/requests/x/status', { timeout: 5000 })).status).toBe(404);
		emu.faults.slowNext({ delayMs: 150 });
		const started = Date.now();
		expect((await api(emu).get('/v2/requests/x')).status).toBe(404);
		expect(Date.now() - started).toBeGreaterThanOrEqual(140);
	});

	it('resetNext drops the connection without an answer', async () => {
		emu.faults.resetNext({ route: 'submit' });
		const err = await failure(api(emu).post('/v2/aura-flow', small));
		expect(err.response).toBeUndefined();
		expect(['ECONNRESET', 'EPIPE']).toContain(err.code);
		expect(emu.stats.requests[0]).toMatchObject({ route: 'submit', status: 0 });
		expect((await api(emu).post('/v2/aura-flow', small)).status).toBe(200);
	});

	it('malformedJsonNext sends 200 application/json that does not parse', async () => {
		emu.faults.malformedJsonNext({ route: 'result' });
		const res = await api(emu).get('/v2/requests/x', { responseType: 'text', transformResponse: [(d) => d] });
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('application/json');
		expect(() => JSON.parse(res.data)).toThrow();
	});

	it('wrongContentTypeNext keeps the body but labels it otherwise', async () => {
		emu.faults.wrongContentTypeNext({ route: 'submit' });
		const res = await api(emu).post('/v2/aura-flow', small, { responseType: 'text', transformResponse: [(d) => d] });
		expect(res.status).toBe(200);
		expect(res.headers['content-type']).toBe('text/html');
		expect(JSON.parse(res.data).status).toBe('QUEUED');
		emu.faults.wrongContentTypeNext({ contentType: 'application/octet-stream', route: 'v1' });
		const v1 = await api(emu).post('/v1/aura-flow', small, { responseType: 'arraybuffer' });
		expect(v1.headers['content-type']).toBe('application/octet-stream');
	});

	it('truncateImageNext cuts CDN and v1 images short under a full Content-Length', async () => {
		const client = api(emu);
		const { id } = await runJob(client, small);
		const output = (await client.get(`/v2/requests/${id}`)).data.output;
		emu.faults.truncateImageNext({ route: 'cdn' });
		// JSON answers on the API origin are not images: the CDN fault waits for the image.
		expect((await client.get(`/v2/requests/${id}`)).status).toBe(200);
		const cut = await failure(fetchBytes(output));
		// Headers arrived (200), the body did not: the client sees an aborted stream.
		expect(axios.isAxiosError(cut)).toBe(true);
		expect(cut.message).toMatch(/aborted|socket hang up|ECONNRESET/i);
		expect((await fetchBytes(output)).status).toBe(200);

		emu.faults.truncateImageNext({ route: 'v1' });
		await failure(client.post('/v1/aura-flow', small, { responseType: 'arraybuffer' }));
		expect((await client.post('/v1/aura-flow', small, { responseType: 'arraybuffer' })).status).toBe(200);
	});

	it('CDN faults: failNext, resetNext and wrongContentTypeNext with route cdn', async () => {
		const client = api(emu);
		const { id } = await runJob(client, small);
		const output = (await client.get(`/v2/requests/${id}`)).data.output;
		emu.faults.failNext({ status: 500, route: 'cdn' });
		expect((await fetchBytes(output)).status).toBe(500);
		emu.faults.resetNext({ route: 'cdn' });
		expect((await failure(fetchBytes(output))).response).toBeUndefined();
		emu.faults.wrongContentTypeNext({ route: 'cdn' });
		expect((await fetchBytes(output)).headers['content-type']).toBe('text/html');
		expect((await fetchBytes(output)).headers['content-type']).toBe('image/webp');
	});

	it('clear() drops pending faults', async () => {
		emu.faults.failNext({ status: 500, count: 5 });
		emu.faults.failNextJob();
		emu.faults.clear();
		expect(emu.faults.pendingCount).toBe(0);
		expect((await api(emu).post('/v2/aura-flow', small)).status).toBe(200);
	});
});

describe('job faults', () => {
	it('failJob makes a job FAILED (422) from now on, even once completed', async () => {
		const client = api(emu);
		const { id } = await runJob(client, small);
		expect(emu.faults.failJob(id, 'GPU fell over')).toBe(true);
		for (const path of [`/v2/requests/${id}/status`, `/v2/requests/${id}`]) {
			const res = await client.get(path);
			expect([res.status, res.data.status, res.data.error, res.data.request_id]).toEqual([422, 'FAILED', 'GPU fell over', id]);
			expect(res.data.metrics).toEqual(expect.any(Object));
		}
		expect(emu.faults.failJob('unknown')).toBe(false);
	});

	it('failJob on a queued job fails it at once', async () => {
		Object.assign(emu.options, { queuedMs: 60_000 });
		try {
			const { data } = await api(emu).post('/v2/aura-flow', small);
			emu.faults.failJob(data.request_id);
			const res = await api(emu).get(`/v2/requests/${data.request_id}/status`);
			expect([res.status, res.data.error]).toEqual([422, 'Inference failed']);
		} finally {
			emu.options.queuedMs = FAST.queuedMs;
		}
	});

	it('dropJob forgets a job: 404 before completion', async () => {
		Object.assign(emu.options, { queuedMs: 60_000 });
		try {
			const { data } = await api(emu).post('/v2/aura-flow', small);
			expect(emu.faults.dropJob(data.request_id)).toBe(true);
			expect((await api(emu).get(`/v2/requests/${data.request_id}/status`)).status).toBe(404);
		} finally {
			emu.options.queuedMs = FAST.queuedMs;
		}
	});

	it('failNextJob makes the next submitted jobs end FAILED after processing', async () => {
		const client = api(emu);
		emu.faults.failNextJob({ error: 'CUDA out of memory', count: 2 });
		const seen: string[][] = [];
		for (let i = 0; i < 2; i++) {
			const { final, seen: s } = await runJob(client, small);
			expect([final.status, final.data.error]).toEqual([422, 'CUDA out of memory']);
			seen.push(s);
		}
		const ok = await runJob(client, small);
		expect(ok.final.status).toBe(200);
		expect(emu.getCredits('sk-emulator-test-key')).toBeCloseTo(100 - 0.117, 6);
		await waitFor(async () => (emu.faults.pendingCount === 0 ? true : undefined));
	});
});
