/**
 * A Segmind-compatible server on loopback: the API origin (v1 sync, v2 submit/status/result)
 * and a separate CDN origin serving the images, as Segmind's own images host does.
 * Node's http module only; jobs follow an emulator clock that tests can advance.
 */
import { randomUUID } from 'crypto';
import http, { IncomingMessage, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { handleResult, handleStatus, handleSubmit, handleV1 } from './api';
import { handleCdn } from './cdn';
import { Faults, RouteName } from './faults';
import { hashKey, HTML_405, round6, safeDecode } from './http-util';
import { renderImage } from './images';
import { Job, jobStatus } from './jobs';
import { RequestRecord, Stats } from './stats';

export type { RouteName, Fault, FailFault, SlowFault, WrongContentTypeFault, FailJobFault } from './faults';
export type { RequestRecord } from './stats';
export type { Job, JobStatus } from './jobs';
export { Faults } from './faults';
export { Stats } from './stats';

export interface EmulatorOptions {
	host?: string;
	port?: number;
	cdnPort?: number;
	/** Valid keys → credits in USD. */
	apiKeys?: Record<string, { credits: number }>;
	costPerImage?: number;
	/** 0 = off. Counts every request to the API origin per key in a fixed 60 s window of the emulator clock. */
	rateLimitPerMinute?: number;
	queuedMs?: number;
	processingMs?: number;
	/** Multiplies every timeline duration (v1 wait, v2 queued/processing), read at submission. */
	timeScale?: number;
	retentionMs?: number;
	safetyBlockedWords?: string[];
	/** Request log; lines never contain the API key. */
	log?: (line: string) => void;
}

export interface ResolvedEmulatorOptions {
	host: string;
	/** The ports actually bound. */
	port: number;
	cdnPort: number;
	apiKeys: Record<string, { credits: number }>;
	costPerImage: number;
	rateLimitPerMinute: number;
	queuedMs: number;
	processingMs: number;
	timeScale: number;
	retentionMs: number;
	safetyBlockedWords: string[];
	log?: (line: string) => void;
}

export interface EmulatorClock {
	now(): number;
	advance(ms: number): void;
}

export interface Emulator {
	baseUrl: string;
	cdnUrl: string;
	/** Live settings: tests may change rateLimitPerMinute, timeScale, credits… at runtime. */
	options: ResolvedEmulatorOptions;
	clock: EmulatorClock;
	faults: Faults;
	stats: Stats;
	jobs: Map<string, Job>;
	setCredits(apiKey: string, credits: number): void;
	/** Current credits of a key (undefined for an unknown key). */
	getCredits(apiKey: string): number | undefined;
	/** Clears faults, stats, jobs, clock offset and rate-limit windows; restores the initial keys and credits. */
	reset(): void;
	close(): Promise<void>;
}

export const DEFAULT_API_KEY = 'sk-emulator-test-key';
const MAX_BODY = 1024 * 1024;

/** Per-request state passed to the handlers. */
export interface Ctx {
	req: IncomingMessage;
	res: ServerResponse;
	origin: 'api' | 'cdn';
	route: RouteName | 'other';
	path: string;
	/** Request id from /v2/requests/<id>[/status]. */
	id?: string;
	body: Buffer;
	bodyTooLarge: boolean;
	record: RequestRecord;
	startedAt: number;
	/** Valid key for this request only; never stored beyond it. */
	apiKey?: string;
	keyHash?: string;
	/** Absolute origins to put in URLs, following the Host the client used. */
	apiBase: string;
	cdnBase: string;
}

export class EmulatorServer implements Emulator {
	baseUrl = '';
	cdnUrl = '';
	options: ResolvedEmulatorOptions;
	readonly stats = new Stats();
	readonly jobs = new Map<string, Job>();
	readonly faults: Faults;
	readonly clock: EmulatorClock;

	private offset = 0;
	private closed = false;
	private readonly initialKeys: Record<string, { credits: number }>;
	private readonly windows = new Map<string, { start: number; count: number }>();
	private readonly timers = new Set<NodeJS.Timeout>();
	private readonly sleepers = new Set<() => void>();
	private readonly api = http.createServer((req, res) => void this.handle(req, res, 'api'));
	private readonly cdn = http.createServer((req, res) => void this.handle(req, res, 'cdn'));

	constructor(opts: EmulatorOptions = {}) {
		this.initialKeys = structuredClone(opts.apiKeys ?? { [DEFAULT_API_KEY]: { credits: 100 } });
		this.options = {
			host: opts.host ?? '127.0.0.1',
			port: opts.port ?? 0,
			cdnPort: opts.cdnPort ?? 0,
			apiKeys: structuredClone(this.initialKeys),
			costPerImage: opts.costPerImage ?? 0.117,
			rateLimitPerMinute: opts.rateLimitPerMinute ?? 0,
			queuedMs: opts.queuedMs ?? 300,
			processingMs: opts.processingMs ?? 700,
			timeScale: opts.timeScale ?? 1,
			retentionMs: opts.retentionMs ?? 3_600_000,
			safetyBlockedWords: opts.safetyBlockedWords ?? ['forbidden'],
			log: opts.log,
		};
		this.clock = {
			now: () => Date.now() + this.offset,
			advance: (ms: number) => {
				this.offset += ms;
				this.settleAll();
			},
		};
		this.faults = new Faults({
			failJob: (id, error) => {
				const job = this.jobs.get(id);
				if (job) job.forcedError = error;
				return !!job;
			},
			dropJob: (id) => this.jobs.delete(id),
		});
	}

	async listen(): Promise<void> {
		const bind = (server: http.Server, port: number): Promise<number> =>
			new Promise((resolve, reject) => {
				server.once('error', reject);
				server.listen(port, this.options.host, () => resolve((server.address() as AddressInfo).port));
			});
		this.options.port = await bind(this.api, this.options.port);
		this.options.cdnPort = await bind(this.cdn, this.options.cdnPort);
		// A wildcard bind is still reached through loopback by local clients.
		const host = ['0.0.0.0', '::', ''].includes(this.options.host) ? '127.0.0.1' : this.options.host;
		const h = host.includes(':') ? `[${host}]` : host;
		this.baseUrl = `http://${h}:${this.options.port}`;
		this.cdnUrl = `http://${h}:${this.options.cdnPort}`;
	}

	setCredits(apiKey: string, credits: number): void {
		this.options.apiKeys[apiKey] = { credits };
	}

	getCredits(apiKey: string): number | undefined {
		return Object.prototype.hasOwnProperty.call(this.options.apiKeys, apiKey) ? this.options.apiKeys[apiKey].credits : undefined;
	}

	reset(): void {
		this.faults.clear();
		this.stats.clear();
		this.jobs.clear();
		this.offset = 0;
		this.windows.clear();
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const key of Object.keys(this.options.apiKeys)) delete this.options.apiKeys[key];
		Object.assign(this.options.apiKeys, structuredClone(this.initialKeys));
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		for (const t of this.timers) clearTimeout(t);
		this.timers.clear();
		for (const wake of this.sleepers) wake();
		const stop = (server: http.Server): Promise<void> =>
			new Promise((resolve) => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
		await Promise.all([stop(this.api), stop(this.cdn)]);
	}

	// ---- used by the handlers ----

	/** A wait that close() cuts short, so a slow fault never keeps the process alive. */
	sleep(ms: number): Promise<void> {
		if (ms <= 0 || this.closed) return Promise.resolve();
		return new Promise((resolve) => {
			const wake = (): void => {
				clearTimeout(timer);
				this.sleepers.delete(wake);
				resolve();
			};
			const timer = setTimeout(wake, ms);
			this.sleepers.add(wake);
		});
	}

	isGone(ctx: Ctx): boolean {
		return this.closed || ctx.res.destroyed || ctx.res.writableEnded;
	}

	/** Find the configured key a job belongs to (jobs keep only a hash). */
	keyForHash(hash: string): string | undefined {
		return Object.keys(this.options.apiKeys).find((k) => hashKey(k) === hash);
	}

	charge(keyHash: string, amount: number): number {
		const key = this.keyForHash(keyHash);
		if (key === undefined) return 0;
		const account = this.options.apiKeys[key];
		account.credits = round6(account.credits - amount);
		return account.credits;
	}

	addJob(job: Job): void {
		this.jobs.set(job.id, job);
		this.stats.jobsSubmitted++;
		// Wall-clock wake-up so credits are charged even if nobody polls; clock.advance() settles too.
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			this.settle(job);
		}, job.queuedMs + job.processingMs + 5);
		timer.unref();
		this.timers.add(timer);
	}

	/** Completion bookkeeping, done once when the timeline says the job is over. */
	settle(job: Job): void {
		if (job.settled) return;
		const now = this.clock.now();
		if (now - job.submittedAt < job.queuedMs + job.processingMs) return;
		job.settled = true;
		if (jobStatus(job, now) !== 'COMPLETED') return;
		const n = job.params.number_of_images;
		job.cost = round6(this.options.costPerImage * n);
		job.remainingCredits = this.charge(job.ownerHash, job.cost);
		this.stats.imagesGenerated += n;
		job.images = Promise.all(Array.from({ length: n }, (_, k) => renderImage(job.params, k)));
		job.images.catch(() => undefined); // surfaced as a 500 when read, not as an unhandled rejection
	}

	settleAll(): void {
		for (const job of this.jobs.values()) this.settle(job);
	}

	send(ctx: Ctx, status: number, headers: Record<string, string>, body: Buffer | string, isImage = false): void {
		if (this.isGone(ctx)) return;
		const data = typeof body === 'string' ? Buffer.from(body) : body;
		const out: Record<string, string> = { ...headers, 'Content-Length': String(data.length) };
		const wrongType = this.faults.take(['wrongContentType'], ctx.route, ctx.origin);
		if (wrongType) out['Content-Type'] = wrongType.contentType ?? 'text/html';
		const truncate = isImage ? this.faults.take(['truncateImage'], ctx.route, ctx.origin) : undefined;
		ctx.record.status = status;
		this.logLine(ctx, status, truncate ? ' (truncated)' : '');
		ctx.res.writeHead(status, out);
		if (ctx.req.method === 'HEAD') {
			ctx.res.end();
		} else if (truncate) {
			// Declared length stays full: the client sees a body that ends early, then a closed socket.
			ctx.res.write(data.subarray(0, Math.floor(data.length / 2)), () => ctx.res.socket?.destroy());
		} else {
			ctx.res.end(data);
		}
	}

	sendJson(ctx: Ctx, status: number, body: unknown, headers: Record<string, string> = {}): void {
		this.send(ctx, status, { 'Content-Type': 'application/json', ...headers }, JSON.stringify(body));
	}

	sendError(ctx: Ctx, status: number, error: string, headers: Record<string, string> = {}): void {
		this.sendJson(ctx, status, { error }, headers);
	}

	// ---- request pipeline ----

	private async handle(req: IncomingMessage, res: ServerResponse, origin: 'api' | 'cdn'): Promise<void> {
		req.on('error', () => undefined);
		res.on('error', () => undefined);
		const ctx = this.begin(req, res, origin);
		try {
			await this.readBody(ctx);
			this.settleAll();
			const slow = this.faults.take(['slow'], ctx.route, origin);
			if (slow) await this.sleep(slow.delayMs ?? 0);
			if (this.isGone(ctx)) return;
			const fault = this.faults.take(['fail', 'reset', 'malformedJson'], ctx.route, origin);
			if (fault) return this.applyFault(ctx, fault);
			if (origin === 'cdn') return await handleCdn(this, ctx);
			await this.route(ctx);
		} catch (err) {
			this.sendError(ctx, 500, `Internal emulator error: ${(err as Error).message}`);
		}
	}

	private begin(req: IncomingMessage, res: ServerResponse, origin: 'api' | 'cdn'): Ctx {
		const path = (req.url ?? '/').split('?')[0];
		const rawKey = req.headers['x-api-key'];
		const key = typeof rawKey === 'string' ? rawKey : undefined;
		const valid = key !== undefined && Object.prototype.hasOwnProperty.call(this.options.apiKeys, key);
		let hadApiKey = rawKey !== undefined;
		if (origin === 'cdn') {
			// On the CDN any configured key in any header (e.g. Authorization: Bearer) counts as a leak.
			const keys = Object.keys(this.options.apiKeys);
			const values = Object.values(req.headers).flat().filter((v): v is string => typeof v === 'string');
			hadApiKey ||= values.some((v) => keys.some((k) => k.length > 0 && v.includes(k)));
			if (hadApiKey) this.stats.cdnRequestsWithApiKey++;
		}
		let route: RouteName | 'other' = origin === 'cdn' ? 'cdn' : 'other';
		let id: string | undefined;
		if (origin === 'api') {
			let m: RegExpMatchArray | null;
			if (path === '/v1/aura-flow') route = 'v1';
			else if (path === '/v2/aura-flow') route = 'submit';
			else if ((m = path.match(/^\/v2\/requests\/([^/]+)\/status$/))) [route, id] = ['status', m[1]];
			else if ((m = path.match(/^\/v2\/requests\/([^/]+)$/))) [route, id] = ['result', m[1]];
		}
		const record: RequestRecord = {
			origin,
			route,
			method: req.method ?? 'GET',
			path,
			status: 0,
			hadApiKey,
			apiKeyValid: valid,
			at: this.clock.now(),
		};
		this.stats.requests.push(record);
		const host = req.headers.host;
		const safeHost = host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? host : undefined;
		const hostname = safeHost ? safeHost.replace(/:\d+$/, '') : undefined;
		return {
			req,
			res,
			origin,
			route,
			path,
			id: id === undefined ? undefined : safeDecode(id),
			body: Buffer.alloc(0),
			bodyTooLarge: false,
			record,
			startedAt: Date.now(),
			apiKey: valid ? key : undefined,
			keyHash: valid ? hashKey(key as string) : undefined,
			apiBase: safeHost ? `http://${safeHost}` : this.baseUrl,
			cdnBase: hostname ? `http://${hostname}:${this.options.cdnPort}` : this.cdnUrl,
		};
	}

	private readBody(ctx: Ctx): Promise<void> {
		return new Promise((resolve) => {
			const chunks: Buffer[] = [];
			let size = 0;
			ctx.req.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (size > MAX_BODY) ctx.bodyTooLarge = true;
				else chunks.push(chunk);
			});
			ctx.req.on('end', () => {
				ctx.body = Buffer.concat(chunks);
				resolve();
			});
			ctx.req.on('close', () => resolve());
		});
	}

	private applyFault(ctx: Ctx, fault: NonNullable<ReturnType<Faults['take']>>): void {
		if (fault.kind === 'reset') {
			ctx.record.status = 0;
			this.logLine(ctx, 0, ' (reset)');
			const socket = ctx.req.socket as typeof ctx.req.socket & { resetAndDestroy?: () => void };
			if (socket.resetAndDestroy) socket.resetAndDestroy();
			else socket.destroy();
			return;
		}
		if (fault.kind === 'malformedJson') {
			const cut = `{"request_id": "${randomUUID()}", "status": "QUE`;
			return this.send(ctx, 200, { 'Content-Type': 'application/json' }, cut);
		}
		const status = fault.status ?? 500;
		const body = fault.body ?? { error: http.STATUS_CODES[status] ?? 'Error' };
		if (typeof body === 'string') {
			const type = body.trimStart().startsWith('<') ? 'text/html' : 'text/plain';
			return this.send(ctx, status, { 'Content-Type': type, ...fault.headers }, body);
		}
		this.sendJson(ctx, status, body, fault.headers);
	}

	private async route(ctx: Ctx): Promise<void> {
		const allowed = { v1: 'POST', submit: 'POST', status: 'GET', result: 'GET', cdn: 'GET', other: '' }[ctx.route];
		if (!allowed) return this.sendError(ctx, 404, 'Not found');
		if (ctx.req.method !== allowed) {
			return this.send(ctx, 405, { 'Content-Type': 'text/html', Allow: allowed }, HTML_405);
		}
		if (!ctx.apiKey || !ctx.keyHash) return this.sendError(ctx, 401, 'Invalid or missing API key');
		const limited = this.rateLimit(ctx.keyHash);
		if (limited) return this.sendError(ctx, 429, 'Rate limit exceeded', { 'x-rate-limit-reset-at-utc': limited });
		if (ctx.route === 'v1') return handleV1(this, ctx);
		if (ctx.route === 'submit') return handleSubmit(this, ctx);
		if (ctx.route === 'status') return handleStatus(this, ctx);
		return handleResult(this, ctx);
	}

	/** Fixed 60 s window per key on the emulator clock. Returns the reset time when over the limit. */
	private rateLimit(keyHash: string): string | undefined {
		const limit = this.options.rateLimitPerMinute;
		if (!limit || limit <= 0) return undefined;
		const now = this.clock.now();
		let w = this.windows.get(keyHash);
		if (!w || now >= w.start + 60_000) {
			w = { start: now, count: 0 };
			this.windows.set(keyHash, w);
		}
		w.count++;
		return w.count > limit ? new Date(w.start + 60_000).toISOString() : undefined;
	}

	private logLine(ctx: Ctx, status: number, note: string): void {
		const log = this.options.log;
		if (!log) return;
		// Deliberately built from method/path/status only: headers (and so the key) never reach the log.
		const ms = Date.now() - ctx.startedAt;
		log(`[${ctx.origin}] ${ctx.req.method} ${ctx.path} → ${status || 'reset'} ${ctx.route} ${ms}ms${note}`);
	}
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
	const emulator = new EmulatorServer(options);
	try {
		await emulator.listen();
	} catch (err) {
		await emulator.close(); // e.g. the CDN port was taken: do not leave the API port bound
		throw err;
	}
	return emulator;
}
