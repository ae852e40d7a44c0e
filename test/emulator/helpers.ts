/** Shared bits of the emulator's own tests (not a test file itself). */
import axios, { AxiosInstance, AxiosResponse } from 'axios';
import { createHash } from 'crypto';
import type { Emulator } from './server';

export const KEY = 'sk-emulator-test-key';
export const OTHER_KEY = 'sk-emulator-other-key';

export function api(emulator: Emulator, key: string | null = KEY): AxiosInstance {
	return axios.create({
		baseURL: emulator.baseUrl,
		validateStatus: () => true,
		headers: key === null ? {} : { 'x-api-key': key },
		timeout: 20_000,
	});
}

export async function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<AxiosResponse<Buffer>> {
	const res = await axios.get(url, { responseType: 'arraybuffer', validateStatus: () => true, headers, timeout: 20_000 });
	return { ...res, data: Buffer.from(res.data) };
}

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Poll until `check` returns a value; generous deadline, because CI machines are noisy. */
export async function waitFor<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, intervalMs = 10): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await check();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

/** Submit on v2 and poll the status until COMPLETED or FAILED; returns the request id and the seen statuses. */
export async function runJob(client: AxiosInstance, body: object): Promise<{ id: string; seen: string[]; final: AxiosResponse }> {
	const submit = await client.post('/v2/aura-flow', body);
	if (submit.status !== 200) throw new Error(`submit answered ${submit.status}: ${JSON.stringify(submit.data)}`);
	const id: string = submit.data.request_id;
	const seen: string[] = [];
	const final = await waitFor(async () => {
		const res = await client.get(`/v2/requests/${id}/status`);
		seen.push(res.data.status);
		return ['COMPLETED', 'FAILED'].includes(res.data.status) ? res : undefined;
	});
	return { id, seen, final };
}

export const FAST = { queuedMs: 20, processingMs: 40 };
