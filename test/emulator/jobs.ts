/** v2 jobs: their state is derived from the emulator clock, so clock.advance() moves them along. */
import type { AuraFlowParams } from './contract';
import type { RenderedImage } from './images';

export type JobStatus = 'QUEUED' | 'PROCESSING' | 'COMPLETED' | 'FAILED';

export interface Job {
	id: string;
	/** sha256 of the submitting key: enough to check ownership without keeping the key. */
	ownerHash: string;
	params: AuraFlowParams;
	/** Emulator clock at submission. */
	submittedAt: number;
	/** Timeline on the emulator clock (already multiplied by timeScale at submission). */
	queuedMs: number;
	processingMs: number;
	/** Configured (unscaled) durations: what metrics report, so a "79 s" job says ~79. */
	nominalQueuedMs: number;
	nominalProcessingMs: number;
	/** Set at submission (safety filter, failNextJob): the job ends FAILED after processing. */
	failure?: string;
	/** Set by faults.failJob: FAILED from now on, whatever the timeline says. */
	forcedError?: string;
	/** Completion bookkeeping (credits, stats, rendering) done. */
	settled: boolean;
	cost?: number;
	remainingCredits?: number;
	images?: Promise<RenderedImage[]>;
	/** Live status on the emulator clock (for tests: `emulator.jobs.get(id)?.status`). */
	readonly status: JobStatus;
	/** The failure message once FAILED, else undefined. */
	readonly error: string | undefined;
}

export type JobFields = Omit<Job, 'status' | 'error'>;

/** A job whose `status`/`error` are computed on read from the emulator clock. */
export function createJob(fields: JobFields, now: () => number): Job {
	const job: Job = {
		...fields,
		get status() {
			return jobStatus(job, now());
		},
		get error() {
			return jobStatus(job, now()) === 'FAILED' ? jobError(job) : undefined;
		},
	};
	return job;
}

export function jobStatus(job: Job, now: number): JobStatus {
	if (job.forcedError !== undefined) return 'FAILED';
	const elapsed = now - job.submittedAt;
	if (elapsed < job.queuedMs) return 'QUEUED';
	if (elapsed < job.queuedMs + job.processingMs) return 'PROCESSING';
	return job.failure !== undefined ? 'FAILED' : 'COMPLETED';
}

export function jobError(job: Job): string {
	return job.forcedError ?? job.failure ?? 'Inference failed';
}

/** Metrics in seconds, as far as the job got. */
export function jobMetrics(job: Job, status: JobStatus, now: number): Record<string, number> {
	const queue = job.nominalQueuedMs / 1000;
	const inference = job.nominalProcessingMs / 1000;
	if (status === 'QUEUED') return {};
	if (status === 'PROCESSING') return { queue_time: queue };
	const reachedEnd = now - job.submittedAt >= job.queuedMs + job.processingMs;
	if (status === 'FAILED' && !reachedEnd) return now - job.submittedAt >= job.queuedMs ? { queue_time: queue } : {};
	return { inference_time: inference, queue_time: queue, total_time: round3(queue + inference) };
}

export function round3(n: number): number {
	return Math.round(n * 1000) / 1000;
}
