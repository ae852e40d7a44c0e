/** Handlers of the API origin; auth, rate limiting and faults already ran in server.ts. */
import { randomUUID } from 'crypto';
import { AuraFlowParams, validateParams } from './contract';
import { renderImage } from './images';
import { createJob, Job, JobFields, jobError, jobMetrics, jobStatus } from './jobs';
import type { Ctx, EmulatorServer } from './server';

const SAFETY_ERROR = 'Content blocked by safety filter';

/** Content-Type, strict JSON, parameters, credits: shared by v1 and v2 submit. Undefined once answered. */
function parseSubmission(emu: EmulatorServer, ctx: Ctx): AuraFlowParams | undefined {
	const type = String(ctx.req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (type !== 'application/json') {
		emu.sendError(ctx, 406, 'Content-Type must be application/json');
		return undefined;
	}
	if (ctx.bodyTooLarge) {
		emu.sendError(ctx, 413, 'Request body too large');
		return undefined;
	}
	let body: unknown;
	try {
		body = JSON.parse(ctx.body.toString('utf8'));
	} catch {
		emu.sendError(ctx, 400, 'Invalid JSON body');
		return undefined;
	}
	const checked = validateParams(body);
	if (!checked.ok) {
		emu.sendError(ctx, 400, checked.error);
		return undefined;
	}
	const credits = emu.getCredits(ctx.apiKey as string) ?? 0;
	if (credits < emu.options.costPerImage * checked.params.number_of_images) {
		emu.sendError(ctx, 406, 'Insufficient credits');
		return undefined;
	}
	return checked.params;
}

function isBlocked(emu: EmulatorServer, params: AuraFlowParams): boolean {
	const prompt = params.prompt.toLowerCase();
	return emu.options.safetyBlockedWords.some((w) => w.length > 0 && prompt.includes(w.toLowerCase()));
}

/** Sync generation: waits the whole (scaled) timeline, then answers with the first image's bytes. */
export async function handleV1(emu: EmulatorServer, ctx: Ctx): Promise<void> {
	const params = parseSubmission(emu, ctx);
	if (!params) return;
	const { queuedMs, processingMs, timeScale } = emu.options;
	await emu.sleep((queuedMs + processingMs) * timeScale);
	if (emu.isGone(ctx)) return;
	if (isBlocked(emu, params)) return emu.sendError(ctx, 422, SAFETY_ERROR);
	const image = await renderImage(params, 0);
	// Billed like the job it stands for: every requested image, though only the first is returned.
	const remaining = emu.charge(ctx.keyHash as string, emu.options.costPerImage * params.number_of_images);
	emu.stats.imagesGenerated++;
	emu.send(
		ctx,
		200,
		{
			'Content-Type': image.contentType,
			'x-remaining-credits': String(remaining),
			'x-seed': String(params.seed),
			'x-inference-time': String(processingMs / 1000),
		},
		image.data,
		true,
	);
}

function urlsFor(ctx: Ctx, id: string): { status_url: string; response_url: string } {
	const base = `${ctx.apiBase}/v2/requests/${encodeURIComponent(id)}`;
	return { status_url: `${base}/status`, response_url: base };
}

export async function handleSubmit(emu: EmulatorServer, ctx: Ctx): Promise<void> {
	const params = parseSubmission(emu, ctx);
	if (!params) return;
	const { queuedMs, processingMs, timeScale } = emu.options;
	const injected = emu.faults.takeJobFailure();
	const fields: JobFields = {
		id: randomUUID(),
		ownerHash: ctx.keyHash as string,
		params,
		submittedAt: emu.clock.now(),
		queuedMs: queuedMs * timeScale,
		processingMs: processingMs * timeScale,
		nominalQueuedMs: queuedMs,
		nominalProcessingMs: processingMs,
		failure: isBlocked(emu, params) ? SAFETY_ERROR : injected,
		settled: false,
	};
	const job = createJob(fields, emu.clock.now);
	emu.addJob(job);
	const urls = urlsFor(ctx, job.id);
	emu.sendJson(ctx, 200, { request_id: job.id, status: 'QUEUED', poll_url: urls.status_url, ...urls });
}

/** The caller's job, or undefined once a 404 was sent (unknown, other key's, expired). */
function findJob(emu: EmulatorServer, ctx: Ctx): { job: Job; now: number } | undefined {
	const id = ctx.id as string;
	const job = emu.jobs.get(id);
	const now = emu.clock.now();
	const expired = job && now - job.submittedAt > emu.options.retentionMs;
	if (!job || job.ownerHash !== ctx.keyHash || expired) {
		emu.sendError(ctx, 404, `Request ${id} not found`);
		return undefined;
	}
	// Settle after reading `now`, so a job that is COMPLETED at `now` has its images.
	emu.settle(job);
	return { job, now };
}

function sendFailed(emu: EmulatorServer, ctx: Ctx, job: Job, now: number): void {
	emu.sendJson(ctx, 422, { status: 'FAILED', error: jobError(job), metrics: jobMetrics(job, 'FAILED', now), request_id: job.id });
}

export async function handleStatus(emu: EmulatorServer, ctx: Ctx): Promise<void> {
	const found = findJob(emu, ctx);
	if (!found) return;
	const { job, now } = found;
	const status = jobStatus(job, now);
	const metrics = jobMetrics(job, status, now);
	if (status === 'FAILED') return sendFailed(emu, ctx, job, now);
	if (status === 'COMPLETED') return emu.sendJson(ctx, 200, { status, request_id: job.id, metrics });
	emu.sendJson(ctx, 200, { status, request_id: job.id, ...urlsFor(ctx, job.id), metrics });
}

export async function handleResult(emu: EmulatorServer, ctx: Ctx): Promise<void> {
	const found = findJob(emu, ctx);
	if (!found) return;
	const { job, now } = found;
	const status = jobStatus(job, now);
	const metrics = jobMetrics(job, status, now);
	if (status === 'FAILED') return sendFailed(emu, ctx, job, now);
	if (status !== 'COMPLETED' || !job.images) return emu.sendJson(ctx, 200, { status, request_id: job.id, metrics });
	const images = (await job.images).map((img, k) => ({
		url: `${ctx.cdnBase}/images/${encodeURIComponent(job.id)}/${k}.${img.ext}`,
		content_type: img.contentType,
		file_name: `${job.id}-${k}.${img.ext}`,
		file_size: img.data.length,
	}));
	emu.sendJson(ctx, 200, {
		status,
		request_id: job.id,
		metrics: {
			inference_time: metrics.inference_time,
			cost: job.cost,
			remaining_credits: job.remainingCredits,
			queue_time: metrics.queue_time,
			total_time: metrics.total_time,
		},
		output: images[0].url,
		images,
		seed: job.params.seed,
	});
}
