/**
 * Shared set-up for the node's suites: one emulator per file (reset before each test), a
 * helper that runs the node through WorkflowExecute against it, and a check after every test
 * that the API key appears nowhere in what n8n recorded.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_API_KEY, startEmulator } from '../emulator/server';
import type { Emulator, EmulatorOptions } from '../emulator/server';
import type { RunOptions, RunResult, WorkflowNode } from './run-workflow';
import { N8N_LOG_FILE, runWorkflow } from './run-workflow';
import { existsSync, readFileSync } from 'node:fs';

export const API_KEY = DEFAULT_API_KEY;

/** Fast polling so the emulator's short jobs finish in a few checks. */
export const FAST_POLLING = { pollInterval: 0.02, maxPollInterval: 0.05 };

export interface Fixture {
	emulator: Emulator;
	run(options: Omit<RunOptions, 'credentials'> & { apiKey?: string; baseUrl?: string }): Promise<RunResult>;
	/** A one-node workflow: Aura Flow with these parameters, fast polling merged into options. */
	runNode(parameters: IDataObject, extra?: Partial<WorkflowNode> & { input?: RunOptions['input']; apiKey?: string }): Promise<RunResult>;
}

export function useEmulator(options: EmulatorOptions = { queuedMs: 30, processingMs: 60 }): Fixture {
	const fixture = {} as Fixture;
	const transcripts: string[] = [];
	beforeAll(async () => {
		fixture.emulator = await startEmulator(options);
	});
	beforeEach(() => {
		fixture.emulator.reset();
		transcripts.length = 0;
	});
	afterEach(() => {
		// Every test doubles as a leak check: the key is in no item, error or log n8n kept.
		for (const transcript of transcripts) expect(transcript).not.toContain(API_KEY);
		expect(fixture.emulator.stats.cdnRequestsWithApiKey).toBe(0);
	});
	afterAll(async () => {
		await fixture.emulator?.close();
		// n8n's log of the whole file's runs (its logger writes there, see run-workflow.ts).
		expect(existsSync(N8N_LOG_FILE)).toBe(true);
		const log = readFileSync(N8N_LOG_FILE, 'utf8');
		expect(log).toMatch(/Workflow execution started/);
		expect(log).not.toContain(API_KEY);
	});
	fixture.run = async ({ apiKey, baseUrl, ...rest }) => {
		const result = await runWorkflow({
			...rest,
			credentials: { apiKey: apiKey ?? API_KEY, baseUrl: baseUrl ?? fixture.emulator.baseUrl },
		});
		transcripts.push(result.serialized);
		return result;
	};
	fixture.runNode = async (parameters, extra = {}) => {
		const { input, apiKey, ...node } = extra;
		const options = { ...FAST_POLLING, ...((parameters.options as IDataObject) ?? {}) };
		return await fixture.run({
			nodes: [{ name: 'Aura Flow', ...node, parameters: { ...parameters, options } }],
			input,
			apiKey,
		});
	};
	return fixture;
}
