/**
 * Every HTTP failure of the contract, and the transport faults around it, reach the user as
 * one clear error: what happened and what to do. Paid calls are never sent twice.
 */
import { createServer } from 'node:net';

import { API_KEY, useEmulator } from '../support/fixture';
import { binaryBytes } from '../support/run-workflow';
import { MAGIC } from '../support/images';

const fixture = useEmulator();
const small = { width: 512, height: 512 };
const generate = (options: Record<string, unknown> = {}, prompt = 'a harbour') =>
	fixture.runNode({ operation: 'generate', prompt, imageOptions: small, options });

function errorOf(result: Awaited<ReturnType<typeof generate>>) {
	const error = result.error('Aura Flow');
	expect(error).toBeDefined();
	return error!;
}

describe('HTTP statuses of the contract', () => {
	test('400: the server-side validation message is passed on', async () => {
		fixture.emulator.faults.failNext({ route: 'submit', status: 400, body: { error: 'steps must be <= 100' } });
		const error = errorOf(await generate());
		expect(error.message).toBe('Segmind rejected the request as invalid (400): steps must be <= 100');
		expect(error.httpCode).toBe('400');
	});

	test('401: a wrong key is named as the problem, and the wrong key is not echoed', async () => {
		const wrongKey = 'sk-wrong-key-1234567890';
		const result = await fixture.runNode({ operation: 'generate', prompt: 'x', imageOptions: small }, { apiKey: wrongKey });
		const error = errorOf(result);
		expect(error.message).toBe('Segmind rejected the API key (401 Unauthorized)');
		expect(error.description).toMatch(/Segmind API' credential/);
		expect(result.serialized).not.toContain(wrongKey);
	});

	test('403: forbidden', async () => {
		fixture.emulator.faults.failNext({ route: 'submit', status: 403, body: { error: 'Forbidden' } });
		expect(errorOf(await generate()).message).toBe('Segmind refused access (403 Forbidden)');
	});

	test('404 on Get Result: unknown request id, with the 1-hour retention explained', async () => {
		const result = await fixture.runNode({ operation: 'getResult', requestId: 'no-such-request' });
		const error = errorOf(result);
		expect(error.message).toBe('Unknown or expired request ID "no-such-request" (404)');
		expect(error.description).toMatch(/1 hour/);
		// The key-leak check after each test reads this transcript: it must hold error texts too.
		const asJson = (text: string) => JSON.stringify(text).slice(1, -1);
		expect(result.serialized).toContain(asJson(error.message));
		expect(result.serialized).toContain(asJson(error.description!));
	});

	test('404 after the retention window: an expired result', async () => {
		const submitted = await fixture.runNode({ operation: 'submit', prompt: 'old news', imageOptions: small });
		const requestId = submitted.output('Aura Flow')[0].json.requestId as string;
		fixture.emulator.clock.advance(3_600_001);
		const status = await fixture.runNode({ operation: 'getStatus', requestId });
		expect(errorOf(status).message).toBe(`Unknown or expired request ID "${requestId}" (404)`);
	});

	test('404 on submit: the base URL is wrong', async () => {
		const result = await fixture.run({
			nodes: [{ name: 'Aura Flow', parameters: { operation: 'submit', prompt: 'x' } }],
			baseUrl: `${fixture.emulator.baseUrl}/not-segmind`,
		});
		expect(errorOf(result).message).toBe('Segmind endpoint not found (404)');
		expect(errorOf(result).description).toMatch(/Base URL/);
	});

	test('406: insufficient credits, before any job is queued', async () => {
		fixture.emulator.setCredits(API_KEY, 0);
		const error = errorOf(await generate());
		expect(error.message).toBe('Insufficient credits on your Segmind account (406)');
		expect(fixture.emulator.stats.jobsSubmitted).toBe(0);
	});

	test('422: a FAILED job reports the server detail and its request id', async () => {
		const error = errorOf(await generate({}, 'something forbidden'));
		expect(error.message).toMatch(/^Aura Flow job [0-9a-f-]{36} failed: Content blocked by safety filter$/);
		expect(error.context?.requestId).toEqual(expect.any(String));
	});

	test('422: a job failed by the server mid-way', async () => {
		fixture.emulator.faults.failNextJob({ error: 'GPU out of memory' });
		expect(errorOf(await generate()).message).toMatch(/failed: GPU out of memory$/);
	});

	test('429 with no retries left: the reset time and the plans are explained', async () => {
		fixture.emulator.options.rateLimitPerMinute = 1;
		await fixture.runNode({ operation: 'submit', prompt: 'first' });
		const error = errorOf(await generate({ maxRetries: 0 }));
		fixture.emulator.options.rateLimitPerMinute = 0;
		expect(error.message).toBe('Rate limited by Segmind (429)');
		expect(error.description).toMatch(/5 \(Free\) or 50 \(Pro\) requests per minute\. The limit resets at \d{4}-\d\d-\d\dT/);
	});

	test('429 is retried after the reset time, even for a paid submit (it was not accepted)', async () => {
		const resetAt = new Date(Date.now() + 300).toISOString();
		fixture.emulator.faults.failNext({
			route: 'submit',
			status: 429,
			body: { error: 'Rate limit exceeded' },
			headers: { 'x-rate-limit-reset-at-utc': resetAt },
		});
		const result = await generate({ maxRetries: 1 });
		expect(result.error('Aura Flow')).toBeUndefined();
		expect(result.output('Aura Flow')).toHaveLength(1);
		expect(fixture.emulator.stats.count('submit')).toBe(2);
		expect(fixture.emulator.stats.jobsSubmitted).toBe(1);
	});

	test('500 on submit: fails without resubmitting (the job may exist; never pay twice)', async () => {
		fixture.emulator.faults.failNext({ route: 'submit', status: 500, body: { error: 'boom' } });
		const error = errorOf(await generate({ maxRetries: 3 }));
		expect(error.message).toBe('Segmind had an internal server error (500)');
		expect(error.description).toMatch(/not resubmitted automatically/);
		expect(fixture.emulator.stats.count('submit')).toBe(1);
	});

	test('500/502/504 on reads are retried and the image still arrives', async () => {
		fixture.emulator.faults.failNext({ route: 'status', status: 500, body: { error: 'boom' } });
		fixture.emulator.faults.failNext({ route: 'result', status: 502, body: '<html>Bad Gateway</html>' });
		fixture.emulator.faults.failNext({ route: 'cdn', status: 504, body: 'timeout' });
		const result = await generate({ maxRetries: 2 });
		expect(result.error('Aura Flow')).toBeUndefined();
		expect(MAGIC.webp(binaryBytes(result.output('Aura Flow')[0]))).toBe(true);
		expect(fixture.emulator.stats.count('submit')).toBe(1);
	});

	test.each([
		[502, 'Segmind is temporarily unavailable (502)'],
		[504, 'Segmind timed out (504)'],
	])('%i with no retries left', async (status, message) => {
		fixture.emulator.faults.failNext({ route: 'result', status, body: '<html>gateway</html>' });
		const error = errorOf(await generate({ maxRetries: 0 }));
		expect(error.message).toBe(message);
		expect(error.context?.requestId).toEqual(expect.any(String));
	});

	test('504 in sync mode suggests the queue mode', async () => {
		fixture.emulator.faults.failNext({ route: 'v1', status: 504, body: { error: 'Timeout' } });
		const error = errorOf(await generate({ mode: 'sync' }));
		expect(error.message).toBe('Segmind timed out (504)');
		expect(error.description).toMatch(/Queue mode/);
		expect(fixture.emulator.stats.count('v1')).toBe(1);
	});
});

describe('waiting, timeouts and dropped jobs', () => {
	test('the wait timeout fails with the request id, and Get Result fetches the job later', async () => {
		fixture.emulator.options.processingMs = 60_000;
		const result = await generate({ waitTimeout: 1, pollInterval: 0.1, maxPollInterval: 0.2 });
		fixture.emulator.options.processingMs = 60;
		const error = errorOf(result);
		const requestId = /job ([0-9a-f-]{36}) did not complete within 1 s/.exec(error.message)?.[1];
		expect(requestId).toBeDefined();
		expect(error.description).toContain(`Get Result operation and request ID ${requestId}`);

		fixture.emulator.clock.advance(61_000);
		const later = await fixture.runNode({ operation: 'getResult', requestId });
		expect(later.output('Aura Flow')[0].json).toMatchObject({ requestId, status: 'COMPLETED' });
	});

	test('a job dropped before completion becomes a 404 with the request id', async () => {
		fixture.emulator.options.processingMs = 2000;
		const pending = generate({ pollInterval: 0.05, maxPollInterval: 0.05 });
		const jobId = await new Promise<string>((resolve) => {
			const timer = setInterval(() => {
				const [id] = [...fixture.emulator.jobs.keys()];
				if (id) {
					clearInterval(timer);
					resolve(id);
				}
			}, 5);
		});
		fixture.emulator.faults.dropJob(jobId);
		const error = errorOf(await pending);
		fixture.emulator.options.processingMs = 60;
		expect(error.message).toBe(`Unknown or expired request ID "${jobId}" (404)`);
	});
});

describe('transport faults', () => {
	test('a reset connection on a read is retried', async () => {
		fixture.emulator.faults.resetNext({ route: 'status' });
		const result = await generate({ maxRetries: 1 });
		expect(result.error('Aura Flow')).toBeUndefined();
	});

	test('a reset connection on submit is not retried (the server may have taken the job)', async () => {
		fixture.emulator.faults.resetNext({ route: 'submit' });
		const error = errorOf(await generate({ maxRetries: 3 }));
		expect(error.message).toMatch(/^Could not reach Segmind at http:\/\/127\.0\.0\.1:\d+: the connection was reset \(ECONNRESET\)$/);
		expect(error.description).toMatch(/not resubmitted/);
		expect(fixture.emulator.stats.count('submit')).toBe(1);
	});

	test('malformed JSON: a read is asked again, a submit answer is not resent', async () => {
		fixture.emulator.faults.malformedJsonNext({ route: 'status' });
		expect((await generate({ maxRetries: 1 })).error('Aura Flow')).toBeUndefined();

		fixture.emulator.faults.malformedJsonNext({ route: 'submit' });
		const error = errorOf(await generate({ maxRetries: 3 }));
		expect(error.message).toBe('Segmind sent an unusable response: the body is not valid JSON');
		expect(fixture.emulator.stats.count('submit')).toBe(2); // one per Generate run
	});

	test('a truncated image download is retried; with no retries it is reported', async () => {
		fixture.emulator.faults.truncateImageNext({ route: 'cdn' });
		expect((await generate({ maxRetries: 1 })).error('Aura Flow')).toBeUndefined();

		fixture.emulator.faults.truncateImageNext({ route: 'cdn' });
		const error = errorOf(await generate({ maxRetries: 0 }));
		expect(error.message).toMatch(/^(Could not reach the image host|Segmind sent an unusable response: the image download was cut short)/);
	});

	test('a wrong Content-Type header does not fool the node: the bytes decide the MIME type', async () => {
		fixture.emulator.faults.wrongContentTypeNext({ route: 'cdn', contentType: 'application/octet-stream' });
		const [item] = (await generate()).output('Aura Flow');
		expect(item.binary!.data.mimeType).toBe('image/webp');
	});

	test('a page that is not an image is refused', async () => {
		fixture.emulator.faults.failNext({ route: 'cdn', status: 200, body: '<html>Access denied</html>' });
		const error = errorOf(await generate());
		expect(error.message).toMatch(/image 1 of 1 is not a PNG, JPEG or WebP file \(\d+ bytes, content type text\/html/);
	});

	test('a request past the client timeout (sync mode) fails as a timeout and is not resent', async () => {
		fixture.emulator.faults.slowNext({ route: 'v1', delayMs: 3000 });
		const error = errorOf(await generate({ mode: 'sync', waitTimeout: 1 }));
		expect(error.message).toMatch(/^Could not reach Segmind at .*: the (request|connection) timed out \((ECONNABORTED|ETIMEDOUT)\)$/);
		expect(fixture.emulator.stats.count('v1')).toBe(1);
	});

	test('a refused connection (nothing listening) is retried, then explained', async () => {
		const port = await freePort();
		const result = await fixture.run({
			nodes: [{ name: 'Aura Flow', parameters: { operation: 'submit', prompt: 'x', options: { maxRetries: 1 } } }],
			baseUrl: `http://127.0.0.1:${port}`,
		});
		expect(errorOf(result).message).toBe(`Could not reach Segmind at http://127.0.0.1:${port}: the connection was refused (ECONNREFUSED)`);
	});

	test('an invalid base URL names the credential field', async () => {
		const result = await fixture.run({
			nodes: [{ name: 'Aura Flow', parameters: { operation: 'submit', prompt: 'x' } }],
			baseUrl: 'ftp://example.invalid',
		});
		expect(errorOf(result).message).toMatch(/Base URL of the 'Segmind API' credential must start with https:\/\//);
		expect(fixture.emulator.stats.requests).toHaveLength(0);
	});
});

describe('Continue On Fail and cancellation', () => {
	test('a failed job becomes an error item with its request id; the other items carry on', async () => {
		const result = await fixture.runNode(
			{ operation: 'generate', prompt: '={{ $json.prompt }}', imageOptions: small },
			{
				onError: 'continueRegularOutput',
				input: [{ json: { prompt: 'a tree' } }, { json: { prompt: 'a forbidden tree' } }, { json: { prompt: 'a bush' } }],
			},
		);
		const items = result.output('Aura Flow');
		expect(items).toHaveLength(3);
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(items[0].binary?.data).toBeDefined();
		expect(items[1].binary).toBeUndefined();
		expect(items[1].json).toMatchObject({
			error: expect.stringMatching(/failed: Content blocked by safety filter/),
			httpCode: '422',
			requestId: expect.any(String),
			description: expect.any(String),
		});
		expect(items[2].binary?.data).toBeDefined();
	});

	test('cancelling the execution stops polling at once', async () => {
		fixture.emulator.options.processingMs = 60_000;
		const started = Date.now();
		const result = await fixture.run({
			nodes: [
				{
					name: 'Aura Flow',
					parameters: { operation: 'generate', prompt: 'x', imageOptions: small, options: { pollInterval: 0.05, maxPollInterval: 0.05 } },
				},
			],
			cancelAfterMs: 400,
		});
		fixture.emulator.options.processingMs = 60;
		const checksAtCancel = fixture.emulator.stats.count('status');
		await new Promise((resolve) => setTimeout(resolve, 300));
		expect(fixture.emulator.stats.count('status')).toBe(checksAtCancel);
		expect(result.run.status).toBe('canceled');
		// Far below the 600 s wait timeout: the run ended because it was cancelled.
		expect(Date.now() - started).toBeLessThan(30_000);
	});
});

function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}
