/**
 * Fault injection: each fault waits in a queue until the next request(s) on its route
 * consume it. route 'any' (the default) means any request on the API origin; the CDN is
 * only hit by faults that name it (route: 'cdn').
 */
export type RouteName = 'v1' | 'submit' | 'status' | 'result' | 'cdn';
export type FaultRoute = RouteName | 'any';

export interface Fault {
	route?: FaultRoute;
	/** How many matching requests it affects; default 1. */
	count?: number;
}
export interface FailFault extends Fault {
	status: number;
	/** An object is sent as JSON; a string as text/html if it starts with '<', else text/plain. */
	body?: string | object;
	headers?: Record<string, string>;
}
export interface SlowFault extends Fault {
	delayMs: number;
}
export interface WrongContentTypeFault extends Fault {
	contentType?: string;
}
export interface FailJobFault {
	error?: string;
	count?: number;
}

export type FaultKind = 'fail' | 'slow' | 'reset' | 'malformedJson' | 'truncateImage' | 'wrongContentType';

export interface PendingFault {
	kind: FaultKind;
	route: FaultRoute;
	remaining: number;
	status?: number;
	body?: string | object;
	headers?: Record<string, string>;
	delayMs?: number;
	contentType?: string;
}

/** How the server lets faults reach its jobs without Faults knowing about them. */
export interface JobHooks {
	failJob(requestId: string, error: string): boolean;
	dropJob(requestId: string): boolean;
}

export class Faults {
	private pending: PendingFault[] = [];
	private jobFailures: Array<{ error: string; remaining: number }> = [];

	constructor(private readonly hooks: JobHooks) {}

	failNext(f: FailFault): void {
		this.add('fail', f, { status: f.status, body: f.body, headers: f.headers });
	}
	slowNext(f: SlowFault): void {
		this.add('slow', f, { delayMs: f.delayMs });
	}
	resetNext(f: Fault = {}): void {
		this.add('reset', f, {});
	}
	malformedJsonNext(f: Fault = {}): void {
		this.add('malformedJson', f, {});
	}
	/** Only consumed by responses that carry image bytes (v1, CDN). */
	truncateImageNext(f: Fault = {}): void {
		this.add('truncateImage', f, {});
	}
	wrongContentTypeNext(f: WrongContentTypeFault = {}): void {
		this.add('wrongContentType', f, { contentType: f.contentType ?? 'text/html' });
	}
	/** Returns false when no such job exists. */
	failJob(requestId: string, error = 'Inference failed'): boolean {
		return this.hooks.failJob(requestId, error);
	}
	dropJob(requestId: string): boolean {
		return this.hooks.dropJob(requestId);
	}
	failNextJob(f: FailJobFault = {}): void {
		this.jobFailures.push({ error: f.error ?? 'Inference failed', remaining: f.count ?? 1 });
	}
	clear(): void {
		this.pending = [];
		this.jobFailures = [];
	}
	/** Faults not yet consumed (request faults + job failures), handy for asserting "all used". */
	get pendingCount(): number {
		return this.pending.length + this.jobFailures.length;
	}

	/** Server side: consume the oldest fault of one of `kinds` that matches this request. */
	take(kinds: FaultKind[], route: RouteName | 'other', origin: 'api' | 'cdn'): PendingFault | undefined {
		const i = this.pending.findIndex(
			(p) => kinds.includes(p.kind) && (p.route === route || (p.route === 'any' && origin === 'api')),
		);
		if (i < 0) return undefined;
		const fault = this.pending[i];
		if (--fault.remaining <= 0) this.pending.splice(i, 1);
		return fault;
	}
	/** Server side: the error a newly submitted job must end with, if any. */
	takeJobFailure(): string | undefined {
		const next = this.jobFailures[0];
		if (!next) return undefined;
		if (--next.remaining <= 0) this.jobFailures.shift();
		return next.error;
	}

	private add(kind: FaultKind, f: Fault, extra: Partial<PendingFault>): void {
		this.pending.push({ kind, route: f.route ?? 'any', remaining: f.count ?? 1, ...extra });
	}
}
