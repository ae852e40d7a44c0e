/* eslint-disable */
/**
 * End to end in a real n8n 2.41.1 (Node 24, installed by scripts/n8n-install.sh into .cache/n8n):
 * the package is `npm pack`ed and installed into <N8N_USER_FOLDER>/.n8n/nodes like a community
 * node, the credential and workflows are imported with the n8n CLI, and each workflow is run once
 * with `n8n execute` against the in-process Segmind emulator.
 *
 * Needs `npm run build` first (`npm test` does it). The first run installs n8n (~7 min, ~3 GB).
 * Set AURA_E2E_SKIP=1 to skip this suite.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

import { DEFAULT_API_KEY, startEmulator, type Emulator } from '../emulator/server';
import {
	CREDENTIAL_TYPE,
	N8nHarness,
	NODE_TYPE,
	PACKAGE_NAME,
	REPO_ROOT,
	loadExample,
	nodeError,
	nodeOutput,
	segmindCredential,
	type ExecuteResult,
} from './n8n-harness';

jest.setTimeout(15 * 60_000);

const BAD_KEY = 'sk-e2e-wrong-key-7f3a9c21d4';
const GOOD = { id: 'segmindAccount1', name: 'Segmind account' };
const BAD = { id: 'segmindBadKey1', name: 'Segmind bad key' };
const timings: Record<string, number> = {};
const describeE2e = process.env.AURA_E2E_SKIP === '1' ? describe.skip : describe;

function continueOnFailWorkflow() {
	const cred = { [CREDENTIAL_TYPE]: { ...GOOD } };
	return {
		id: 'e2eContinueOnFail',
		name: 'e2e: continue on fail',
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			{ id: 'c1', name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], parameters: {} },
			{
				id: 'c2',
				name: 'Prompts',
				type: 'n8n-nodes-base.code',
				typeVersion: 2,
				position: [200, 0],
				parameters: {
					// The emulator fails jobs whose prompt holds a "forbidden" word (like a safety block).
					jsCode: "return ['a calm lake at dawn', 'a forbidden picture', 'a snowy mountain'].map((prompt) => ({ json: { prompt } }));",
				},
			},
			{
				id: 'c3',
				name: 'Generate Image',
				type: NODE_TYPE,
				typeVersion: 1,
				position: [400, 0],
				onError: 'continueRegularOutput',
				parameters: {
					operation: 'generate',
					prompt: '={{ $json.prompt }}',
					imageOptions: { width: 512, height: 512, output_format: 'png' },
					options: { pollInterval: 0.2 },
				},
				credentials: cred,
			},
		],
		connections: {
			Start: { main: [[{ node: 'Prompts', type: 'main', index: 0 }]] },
			Prompts: { main: [[{ node: 'Generate Image', type: 'main', index: 0 }]] },
		},
	};
}

async function expectImageFile(file: string, width: number, height: number, format: 'webp' | 'jpeg' | 'png') {
	expect(existsSync(file)).toBe(true);
	const meta = await sharp(file).metadata();
	expect({ width: meta.width, height: meta.height, format: meta.format }).toEqual({ width, height, format });
	// Decodes fully (not just a header): raw pixel buffer of the right size.
	const { info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
	expect([info.width, info.height]).toEqual([width, height]);
}

function expectNoSecret(run: ExecuteResult) {
	expect(run.redactions ?? 0).toBe(0);
	const text = run.stdout + run.stderr + JSON.stringify(run.execution ?? {});
	expect(text).not.toContain(BAD_KEY);
	expect(text).not.toContain(DEFAULT_API_KEY);
}

describeE2e('real n8n 2.41 with the packed community node', () => {
	let emulator: Emulator;
	let h: N8nHarness;
	const runs: Record<string, ExecuteResult> = {};
	const t0 = Date.now();

	/** Executes each workflow once (n8n start-up costs ~5 s a run), remembering the result. */
	async function run(id: string): Promise<ExecuteResult> {
		if (!runs[id]) {
			runs[id] = await h.execute(id);
			timings[`n8n execute ${id}`] = runs[id].durationMs;
			if (!runs[id].execution) {
				// Help debugging: what n8n printed (already redacted).
				console.log(`n8n execute ${id} printed no execution JSON:\n${runs[id].stdout.slice(-3000)}\n${runs[id].stderr.slice(-3000)}`);
			}
		}
		return runs[id];
	}

	/** Runs a workflow that must succeed, with the key printed nowhere. */
	async function runOk(id: string): Promise<ExecuteResult> {
		const r = await run(id);
		expect(r.errorMessage).toBeUndefined();
		expect(r.success).toBe(true);
		expectNoSecret(r);
		return r;
	}

	beforeAll(async () => {
		if (!existsSync(join(REPO_ROOT, 'dist', 'nodes', 'AuraFlow', 'AuraFlow.node.js'))) {
			throw new Error('dist/ is missing: run `npm run build` (npm test does) before the e2e suite');
		}
		let t = Date.now();
		const install = spawnSync('bash', [join(REPO_ROOT, 'scripts', 'n8n-install.sh')], { cwd: REPO_ROOT, encoding: 'utf8' });
		timings['scripts/n8n-install.sh'] = Date.now() - t;
		if (install.status !== 0) throw new Error(`scripts/n8n-install.sh failed:\n${install.stdout}\n${install.stderr}`);

		emulator = await startEmulator({ queuedMs: 300, processingMs: 700 });
		h = await N8nHarness.create({ secrets: [DEFAULT_API_KEY, BAD_KEY] });

		t = Date.now();
		await h.installPackage();
		timings['npm pack + install into .n8n/nodes'] = Date.now() - t;

		t = Date.now();
		await h.importCredentials([
			segmindCredential({ ...GOOD, apiKey: DEFAULT_API_KEY, baseUrl: emulator.baseUrl }),
			segmindCredential({ ...BAD, apiKey: BAD_KEY, baseUrl: emulator.baseUrl }),
		]);
		timings['n8n import:credentials'] = Date.now() - t;

		t = Date.now();
		await h.importWorkflows([
			loadExample('generate-and-save'),
			loadExample('submit-wait-fetch'),
			loadExample('batch-prompts'),
			loadExample('generate-and-save', { id: 'e2eBadKey', name: 'e2e: bad key', credential: BAD }),
			continueOnFailWorkflow(),
		]);
		timings['n8n import:workflow (5)'] = Date.now() - t;
	});

	afterAll(async () => {
		await h?.cleanup();
		await emulator?.close();
		timings['whole suite'] = Date.now() - t0;
		console.log(
			'e2e timings (ms):\n' +
				Object.entries(timings)
					.map(([k, v]) => `  ${k}: ${v}`)
					.join('\n'),
		);
	});

	test('the packed package is installed as a community node (no n8n-workflow copy, no extra deps)', () => {
		const installed = join(h.nodesDir, 'node_modules', PACKAGE_NAME);
		expect(existsSync(join(installed, 'dist', 'nodes', 'AuraFlow', 'AuraFlow.node.js'))).toBe(true);
		expect(existsSync(join(installed, 'dist', 'credentials', 'SegmindApi.credentials.js'))).toBe(true);
		// --legacy-peer-deps: the peer n8n-workflow comes from n8n itself, not from the package.
		expect(existsSync(join(h.nodesDir, 'node_modules', 'n8n-workflow'))).toBe(false);
		const top = readdirSync(join(h.nodesDir, 'node_modules')).filter((d) => !d.startsWith('.'));
		expect(top).toEqual([PACKAGE_NAME]);
	});

	test('examples/generate-and-save.json: n8n loads node + credential, generates and writes a 1024x1024 webp', async () => {
		const r = await runOk('auraFlowGenerateAndSave');

		const generated = nodeOutput(r.execution, 'Generate Image');
		expect(generated).toHaveLength(1);
		const item = generated[0];
		expect(item.json).toMatchObject({ status: 'COMPLETED', imageIndex: 0, mimeType: 'image/webp' });
		expect(item.json.requestId).toEqual(expect.any(String));
		expect(item.json.fileName).toMatch(/\.webp$/);
		expect(item.binary?.data).toMatchObject({ mimeType: 'image/webp', fileExtension: 'webp' });
		expect(item.binary.data.bytes ?? 1).toBeGreaterThan(0);

		const saved = nodeOutput(r.execution, 'Save Image');
		expect(saved).toHaveLength(1);
		expect(saved[0].json.fileName).toBe(`output/${item.json.fileName}`);
		await expectImageFile(resolve(h.cwd, saved[0].json.fileName), 1024, 1024, 'webp');

		// The credential's key reached the API (generic header auth), and never the CDN.
		expect(emulator.stats.requests.some((q) => q.origin === 'api' && q.apiKeyValid)).toBe(true);
		expect(emulator.stats.cdnRequestsWithApiKey).toBe(0);
	});

	test('examples/submit-wait-fetch.json: submit → Wait → Get Status → Get Result → 768x768 png on disk', async () => {
		const r = await runOk('auraFlowSubmitWaitFetch');

		const submitted = nodeOutput(r.execution, 'Submit Job');
		expect(submitted).toHaveLength(1);
		const requestId = submitted[0].json.requestId;
		expect(requestId).toEqual(expect.any(String));
		expect(submitted[0].json.status).toBe('QUEUED');
		expect(submitted[0].binary).toBeUndefined();

		const status = nodeOutput(r.execution, 'Get Status');
		expect(status[0].json).toMatchObject({ requestId, status: 'COMPLETED' }); // 5 s Wait > 1 s job

		const result = nodeOutput(r.execution, 'Get Result');
		expect(result).toHaveLength(1);
		expect(result[0].json).toMatchObject({ requestId, seed: 42, mimeType: 'image/png' });
		expect(result[0].binary?.data?.mimeType).toBe('image/png');

		const saved = nodeOutput(r.execution, 'Save Image');
		await expectImageFile(resolve(h.cwd, saved[0].json.fileName), 768, 768, 'png');
	});

	test('examples/batch-prompts.json: Code node with 3 prompts → 3 different 768x512 jpgs', async () => {
		const r = await runOk('auraFlowBatchPrompts');

		const generated = nodeOutput(r.execution, 'Generate Image');
		expect(generated).toHaveLength(3);
		expect(generated.map((i: any) => i.pairedItem?.item ?? i.pairedItem)).toEqual([0, 1, 2]);
		const saved = nodeOutput(r.execution, 'Save Image');
		expect(saved).toHaveLength(3);
		const files = saved.map((i: any) => resolve(h.cwd, i.json.fileName));
		expect(new Set(files).size).toBe(3);
		for (const f of files) await expectImageFile(f, 768, 512, 'jpeg');
		const requestIds = generated.map((i: any) => i.json.requestId);
		expect(new Set(requestIds).size).toBe(3);
	});

	test('a wrong API key fails the workflow with a clear 401 message, and the key is printed nowhere', async () => {
		const r = await run('e2eBadKey');
		expect(r.success).toBe(false);
		expect(r.execution).toBeDefined();
		const err = nodeError(r.execution, 'Generate Image') ?? r.execution?.data?.resultData?.error;
		expect(err).toBeDefined();
		const text = [err.message, err.description, r.errorMessage].filter(Boolean).join(' | ');
		expect(text).toMatch(/401/);
		expect(text).toMatch(/api key/i);
		expect(r.execution.data.resultData.lastNodeExecuted).toBe('Generate Image');
		expect(nodeOutput(r.execution, 'Save Image')).toHaveLength(0);
		expectNoSecret(r);
		expect(emulator.stats.requests.some((q) => q.hadApiKey && !q.apiKeyValid && q.status === 401)).toBe(true);
	});

	test('onError "continueRegularOutput": the failed prompt becomes an item with json.error, the others succeed', async () => {
		const r = await runOk('e2eContinueOnFail');

		const out = nodeOutput(r.execution, 'Generate Image');
		expect(out).toHaveLength(3);
		const paired = (i: any) => i.pairedItem?.item ?? i.pairedItem;
		const failed = out.filter((i: any) => i.json.error);
		expect(failed).toHaveLength(1);
		expect(paired(failed[0])).toBe(1);
		expect(String(failed[0].json.error)).toMatch(/fail|block|safety|forbidden|422/i);
		expect(failed[0].binary).toBeUndefined();

		const ok = out.filter((i: any) => !i.json.error);
		expect(ok.map(paired)).toEqual([0, 2]);
		for (const i of ok) expect(i.binary?.data).toMatchObject({ mimeType: 'image/png', fileExtension: 'png' });
	});

	test("n8n's editor API: node and credential types are served, and the credential Test tells a right key from a wrong one", async () => {
		const logs: string[] = [];
		const server = await h.start((line) => logs.push(line));
		try {
			const base = `http://127.0.0.1:${h.port}`;
			const owner = { email: 'owner@example.com', firstName: 'E2e', lastName: 'Owner', password: 'E2e-owner-passw0rd' };
			const setup = await h.setupOwner(owner);
			expect(setup.status).toBe(200);
			const login = await fetch(`${base}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
			});
			expect(login.status).toBe(200);
			const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
			expect(cookie).toMatch(/^n8n-auth=/);

			// What the editor loads to draw the node panel: our node and credential are in it.
			const nodeTypes = await (await fetch(`${base}/types/nodes.json`, { headers: { cookie } })).json();
			const auraFlow = (nodeTypes as any[]).find((t) => t.name === NODE_TYPE);
			expect(auraFlow).toBeDefined();
			expect(auraFlow.properties.map((p: any) => p.name)).toEqual(expect.arrayContaining(['operation', 'prompt', 'imageOptions', 'requestId', 'options']));
			const credentialTypes = await (await fetch(`${base}/types/credentials.json`, { headers: { cookie } })).json();
			expect((credentialTypes as any[]).map((t) => t.name)).toContain(CREDENTIAL_TYPE);

			// The Test button of the credential dialog: POST /rest/credentials/test.
			const before = emulator.stats.requests.length;
			const jobsBefore = emulator.stats.jobsSubmitted;
			const testCredential = async (id: string, name: string, apiKey: string) => {
				const res = await fetch(`${base}/rest/credentials/test`, {
					method: 'POST',
					headers: { 'content-type': 'application/json', cookie },
					body: JSON.stringify({ credentials: { id, name, type: CREDENTIAL_TYPE, data: { apiKey, baseUrl: emulator.baseUrl } } }),
				});
				expect(res.status).toBe(200);
				return ((await res.json()) as any).data as { status: string; message: string };
			};
			const good = await testCredential(GOOD.id, GOOD.name, DEFAULT_API_KEY);
			expect(good.status).toBe('OK');
			const bad = await testCredential(BAD.id, BAD.name, BAD_KEY);
			expect(bad.status).toBe('Error');
			expect(bad.message).toMatch(/401/);
			expect(bad.message).not.toContain(BAD_KEY);

			// Only status probes reached Segmind, no job was submitted (no credits spent). n8n-core's
			// httpRequestWithAuthentication resends a request once after a 401 (its credential
			// refresh hook, meant for OAuth), so the bad key shows up as one or two 401s.
			const probes = emulator.stats.requests.slice(before);
			expect(probes.every((q) => q.method === 'GET' && /\/v2\/requests\/[^/]+\/status$/.test(q.path))).toBe(true);
			expect(probes[0].status).toBe(404);
			expect(probes.slice(1).length).toBeGreaterThanOrEqual(1);
			expect(probes.slice(1).length).toBeLessThanOrEqual(2);
			expect(probes.slice(1).every((q) => q.status === 401)).toBe(true);
			expect(emulator.stats.jobsSubmitted).toBe(jobsBefore);
		} catch (error) {
			// n8n's own lines (already redacted) say why a REST call misbehaved.
			console.log(`n8n start printed:\n${logs.slice(-60).join('\n')}`);
			throw error;
		} finally {
			await server.stop();
		}
		const text = logs.join('\n');
		expect(text).not.toContain(BAD_KEY);
		expect(text).not.toContain(DEFAULT_API_KEY);
	});
});
