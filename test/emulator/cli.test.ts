import axios from 'axios';
import { ChildProcess, spawn } from 'child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { main } from './cli';
import { waitFor } from './helpers';

const CLI = join(__dirname, 'cli.ts');

/** The ready file's JSON, or undefined while it is missing or half written. */
function readJson(path: string): any {
	try {
		return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
	} catch {
		return undefined;
	}
}

describe('npm run emulator (cli.ts)', () => {
	let child: ChildProcess | undefined;
	let dir: string;

	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), 'aura-emulator-'));
	});
	afterEach(() => {
		if (child && child.exitCode === null) child.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	});

	it('starts on a random port, prints its URLs and key, serves, and stops on SIGTERM', async () => {
		const readyFile = join(dir, 'ready.json');
		let stdout = '';
		child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CLI, '--port', '0', '--once-ready-file', readyFile], {
			env: { ...process.env, EMULATOR_API_KEY: 'sk-cli-key', EMULATOR_QUEUED_MS: '5', EMULATOR_PROCESSING_MS: '5' },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr?.on('data', (d: Buffer) => (stdout += d.toString()));
		const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));

		const ready = await waitFor(async () => readJson(readyFile), 30_000, 50);
		expect(ready).toEqual({ baseUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), cdnUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), apiKey: 'sk-cli-key' });
		expect(ready.cdnUrl).not.toBe(ready.baseUrl);
		await waitFor(async () => (stdout.includes('API Key to') ? true : undefined), 10_000, 20);
		expect(stdout).toContain(ready.baseUrl);
		expect(stdout).toContain(ready.cdnUrl);
		expect(stdout).toContain(`Base URL to ${ready.baseUrl} and API Key to sk-cli-key`);

		const res = await axios.post(`${ready.baseUrl}/v2/aura-flow`, { prompt: 'cli' }, { headers: { 'x-api-key': 'sk-cli-key' } });
		expect(res.data.status).toBe('QUEUED');
		// The request log is on stdout and never contains the key except in the banner.
		await waitFor(async () => (stdout.includes('POST /v2/aura-flow') ? true : undefined), 10_000, 20);
		expect(stdout.split('\n').filter((l) => l.includes('sk-cli-key'))).toHaveLength(2);

		child.kill('SIGTERM');
		expect(await exited).toBe(0);
	});

	it('main() can be called in-process', async () => {
		const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
		try {
			const { emulator, apiKey } = await main(['--port', '0', '--quiet'], { EMULATOR_API_KEY: 'sk-main', EMULATOR_RATE_LIMIT: '5' });
			expect(apiKey).toBe('sk-main');
			expect(emulator.options.rateLimitPerMinute).toBe(5);
			expect(emulator.options.cdnPort).not.toBe(8200);
			const res = await axios.get(`${emulator.baseUrl}/v2/requests/x`, { headers: { 'x-api-key': 'sk-main' }, validateStatus: () => true });
			expect(res.status).toBe(404);
			await emulator.close();
			expect(log).toHaveBeenCalledWith(expect.stringContaining(emulator.baseUrl));
		} finally {
			log.mockRestore();
		}
	});
});
