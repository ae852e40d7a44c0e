/* eslint-disable */
/**
 * The n8n half of `npm run main` and `npm run editor` (called by scripts/main-job.sh and scripts/editor.sh,
 * which build the package, install n8n and start the emulator first).
 *
 *   ts-node --transpile-only scripts/n8n-run.ts main   [example ...]   # run example workflows headless
 *   ts-node --transpile-only scripts/n8n-run.ts editor                 # n8n start with everything imported
 *
 * Reads AURA_API_KEY and AURA_BASE_URL from the environment (never from argv, so the key is not
 * visible in `ps`), and never prints the key.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import sharp from 'sharp';

import {
	CREDENTIAL_ID,
	CREDENTIAL_NAME,
	N8nHarness,
	NODE_TYPE,
	REPO_ROOT,
	loadExample,
	nodeOutput,
	segmindCredential,
} from '../test/e2e/n8n-harness';

const EXAMPLES = ['generate-and-save', 'submit-wait-fetch', 'batch-prompts'];
const say = (line: string) => console.log(`[n8n] ${line}`);

function envOrDie(name: string): string {
	const v = process.env[name];
	if (!v) {
		console.error(`${name} is not set`);
		process.exit(2);
	}
	return v;
}

async function setup(workName: string) {
	const apiKey = envOrDie('AURA_API_KEY');
	const baseUrl = envOrDie('AURA_BASE_URL');
	const workDir = join(REPO_ROOT, '.n8n-e2e', workName);
	rmSync(workDir, { recursive: true, force: true });
	const outputDir = resolve(process.env.AURA_OUTPUT_DIR ?? join(REPO_ROOT, 'output'));
	mkdirSync(outputDir, { recursive: true });
	const h = await N8nHarness.create({
		workDir,
		cwd: REPO_ROOT, // the examples write to output/ relative to n8n's working folder
		outputDir,
		secrets: [apiKey],
		log: say,
		keepWorkDir: workName === 'editor',
	});
	say(`N8N_USER_FOLDER=${relative(REPO_ROOT, workDir)}  output folder=${relative(REPO_ROOT, outputDir) || '.'}`);
	await h.installPackage();
	await h.importCredentials([segmindCredential({ apiKey, baseUrl })]);
	say(`credential "${CREDENTIAL_NAME}" (${CREDENTIAL_ID}) → ${baseUrl}`);
	return h;
}

async function describeImage(path: string): Promise<string> {
	const size = statSync(path).size;
	try {
		const m = await sharp(path).metadata();
		return `${m.width}x${m.height} ${m.format}, ${size} bytes`;
	} catch (e) {
		return `${size} bytes, NOT a readable image (${(e as Error).message})`;
	}
}

async function main(examples: string[]) {
	const h = await setup('main');
	let failed = 0;
	try {
		const workflows = examples.map((name) => loadExample(name));
		await h.importWorkflows(workflows);
		for (const [i, wf] of workflows.entries()) {
			say(`running examples/${examples[i]}.json ("${wf.name}") in n8n with ${NODE_TYPE} ...`);
			const run = await h.execute(wf.id);
			if (!run.success) {
				failed++;
				console.error(`FAILED: ${run.errorMessage ?? 'unknown error'}`);
				if (!run.execution) console.error(run.stdout.slice(-4000) + run.stderr.slice(-4000));
				continue;
			}
			const saved = nodeOutput(run.execution, 'Save Image');
			if (!saved.length) {
				failed++;
				console.error('FAILED: the workflow wrote no file');
				continue;
			}
			for (const item of saved) {
				const file = resolve(h.cwd, String(item.json.fileName));
				const desc = existsSync(file) ? await describeImage(file) : 'MISSING';
				console.log(`  ${relative(process.cwd(), file)}  (${desc}; seed ${item.json.seed ?? '?'}, request ${item.json.requestId ?? '?'})`);
			}
		}
	} finally {
		await h.cleanup();
	}
	if (failed) {
		console.error(`${failed} workflow(s) failed`);
		process.exit(1);
	}
}

async function editor() {
	const h = await setup('editor');
	await h.importWorkflows(EXAMPLES.map((name) => loadExample(name)));
	say('starting the n8n editor (takes ~10 s)...');
	const verbose = process.env.AURA_N8N_VERBOSE === '1';
	const server = await h.start((line) => {
		// Offline, n8n complains about its own online services (api.n8n.io): harmless, not shown.
		const noise = /api\.n8n\.io|ENOTFOUND|^\s*at |Python task runner/.test(line);
		if (verbose || (!noise && /error|warn/i.test(line))) console.log(`  n8n| ${line}`);
	});
	const email = process.env.AURA_OWNER_EMAIL ?? 'owner@example.com';
	const password = process.env.AURA_OWNER_PASSWORD ?? `Aura-${randomBytes(6).toString('hex')}1`;
	let login = '';
	try {
		const res = await h.setupOwner({ email, firstName: 'Aura', lastName: 'Owner', password });
		login = res.ok
			? `log in as ${email} / ${password}`
			: `create the owner account in the browser (automatic setup answered ${res.status})`;
	} catch (e) {
		login = `create the owner account in the browser (${(e as Error).message})`;
	}
	console.log('');
	console.log(`  n8n editor:  ${server.url}`);
	console.log(`  ${login}`);
	console.log(`  credential:  "${CREDENTIAL_NAME}" (Segmind API) is ready; the example workflows are imported`);
	console.log(`  files:       the Save Image nodes write to ${relative(process.cwd(), h.outputDir) || '.'}/`);
	console.log('  Ctrl-C stops n8n.');
	console.log('');
	let stopping = false;
	const stop = async () => {
		if (stopping) return;
		stopping = true;
		say('stopping n8n...');
		await server.stop();
		await h.cleanup();
		process.exit(0);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	server.child.on('exit', (code) => {
		if (!stopping) {
			console.error(`n8n exited (${code})`);
			process.exit(1);
		}
	});
}

const [mode, ...rest] = process.argv.slice(2);
const run = mode === 'editor' ? editor() : mode === 'main' ? main(rest.length ? rest : ['generate-and-save']) : undefined;
if (!run) {
	console.error('usage: n8n-run.ts main [example ...] | editor');
	process.exit(2);
}
run.catch((e) => {
	console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
	process.exit(1);
});
