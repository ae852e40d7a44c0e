/**
 * `npm run emulator`: a local Segmind stand-in for trying the node offline.
 * Env: EMULATOR_PORT (8199), EMULATOR_CDN_PORT (8200), EMULATOR_API_KEY, EMULATOR_QUEUED_MS,
 * EMULATOR_PROCESSING_MS, EMULATOR_RATE_LIMIT. Flags: --port, --cdn-port, --once-ready-file <path>, --quiet.
 */
import { writeFileSync } from 'fs';
import { DEFAULT_API_KEY, Emulator, startEmulator } from './server';

export interface CliResult {
	emulator: Emulator;
	apiKey: string;
}

function flag(argv: string[], name: string): string | undefined {
	const i = argv.indexOf(name);
	if (i >= 0) return argv[i + 1];
	const eq = argv.find((a) => a.startsWith(`${name}=`));
	return eq?.slice(name.length + 1);
}

function num(value: string | undefined, what: string): number | undefined {
	if (value === undefined || value === '') return undefined;
	const n = Number(value);
	if (!Number.isFinite(n) || n < 0) throw new Error(`${what} must be a non-negative number, got "${value}"`);
	return n;
}

export async function main(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
	const port = num(flag(argv, '--port') ?? env.EMULATOR_PORT, 'port') ?? 8199;
	// A random API port (0) with no CDN port given gets a random CDN port too, so parallel runs never clash.
	const cdnPort = num(flag(argv, '--cdn-port') ?? env.EMULATOR_CDN_PORT, 'CDN port') ?? (port === 0 ? 0 : 8200);
	const apiKey = env.EMULATOR_API_KEY || DEFAULT_API_KEY;
	const quiet = argv.includes('--quiet');
	const emulator = await startEmulator({
		host: env.EMULATOR_HOST || '127.0.0.1',
		port,
		cdnPort,
		apiKeys: { [apiKey]: { credits: 100 } },
		queuedMs: num(env.EMULATOR_QUEUED_MS, 'EMULATOR_QUEUED_MS'),
		processingMs: num(env.EMULATOR_PROCESSING_MS, 'EMULATOR_PROCESSING_MS'),
		rateLimitPerMinute: num(env.EMULATOR_RATE_LIMIT, 'EMULATOR_RATE_LIMIT'),
		log: quiet ? undefined : (line) => console.log(line),
	});
	console.log(`Segmind emulator API: ${emulator.baseUrl}`);
	console.log(`Segmind emulator CDN: ${emulator.cdnUrl}`);
	console.log(`API key: ${apiKey}`);
	console.log(`Set the Segmind API credential's Base URL to ${emulator.baseUrl} and API Key to ${apiKey}`);
	const readyFile = flag(argv, '--once-ready-file');
	if (readyFile) writeFileSync(readyFile, JSON.stringify({ baseUrl: emulator.baseUrl, cdnUrl: emulator.cdnUrl, apiKey }));
	return { emulator, apiKey };
}

if (require.main === module) {
	main().then(
		({ emulator }) => {
			let stopping = false;
			const stop = (signal: string): void => {
				if (stopping) return;
				stopping = true;
				console.log(`${signal}: stopping the emulator`);
				void emulator.close().then(() => process.exit(0));
			};
			process.on('SIGINT', () => stop('SIGINT'));
			process.on('SIGTERM', () => stop('SIGTERM'));
		},
		(err) => {
			console.error(`emulator failed to start: ${(err as Error).message}`);
			process.exit(1);
		},
	);
}
