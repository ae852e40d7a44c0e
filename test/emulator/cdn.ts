/**
 * The images origin. Like Segmind's CDN it needs no key (a client must not send one:
 * the stats count any that arrive), and files outlive the API's 1 h result retention.
 */
import { jobStatus } from './jobs';
import { HTML_405, safeDecode } from './http-util';
import type { Ctx, EmulatorServer } from './server';

export async function handleCdn(emu: EmulatorServer, ctx: Ctx): Promise<void> {
	const method = ctx.req.method;
	if (method !== 'GET' && method !== 'HEAD') {
		return emu.send(ctx, 405, { 'Content-Type': 'text/html', Allow: 'GET, HEAD' }, HTML_405);
	}
	// Neither retention nor ownership applies here: whoever has the URL gets the file.
	const m = ctx.path.match(/^\/images\/([^/]+)\/(\d+)\.(webp|jpg|png)$/);
	const job = m ? emu.jobs.get(safeDecode(m[1])) : undefined;
	const now = emu.clock.now();
	if (job) emu.settle(job); // after reading `now`, so a job COMPLETED at `now` has its images
	if (!m || !job || jobStatus(job, now) !== 'COMPLETED' || !job.images) return emu.sendError(ctx, 404, 'Not found');
	const index = Number(m[2]);
	if (m[3] !== job.params.output_format || index >= job.params.number_of_images) return emu.sendError(ctx, 404, 'Not found');
	const image = (await job.images)[index];
	emu.send(ctx, 200, { 'Content-Type': image.contentType, 'Cache-Control': 'public, max-age=86400' }, image.data, true);
}
