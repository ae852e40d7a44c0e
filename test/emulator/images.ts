/**
 * Real, decodable images for the emulator: an SVG scene (gradient sky, glow, bokeh and
 * rolling hills) drawn from a PRNG seeded by a hash of everything that should change
 * the picture, rendered and encoded by sharp. Same inputs → same bytes; other seed → other picture.
 */
import { createHash } from 'crypto';
import sharp from 'sharp';
import { AuraFlowParams, CONTENT_TYPES, OutputFormat } from './contract';

export interface RenderedImage {
	data: Buffer;
	contentType: string;
	ext: OutputFormat;
}

/**
 * What decides the picture. Format and quality only change the encoding, and
 * number_of_images is left out so image k is the same whether 1 or 10 were asked for.
 */
export function sceneHash(params: AuraFlowParams, index: number): string {
	const p = params;
	const material = [p.prompt, p.negative_prompt, p.seed, p.cfg, p.shift, p.steps, p.width, p.height, p.sampler, p.scheduler, index];
	return createHash('sha256').update(JSON.stringify(material)).digest('hex');
}

/** mulberry32: tiny, fast and good enough to place shapes. */
function prng(hashHex: string): () => number {
	let a = parseInt(hashHex.slice(0, 8), 16) >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const r1 = (n: number): string => n.toFixed(1);

export function buildSvg(params: AuraFlowParams, index: number): string {
	const { width: w, height: h } = params;
	const rnd = prng(sceneHash(params, index));
	const hue = rnd() * 360;
	// Guidance "strength" shows as saturation, so cfg visibly matters.
	const sat = Math.round(35 + params.cfg * 3);
	const hsl = (dh: number, l: number, s = sat): string => `hsl(${Math.round((hue + dh + 360) % 360)},${s}%,${l}%)`;
	const angle = rnd();
	const parts: string[] = [];
	parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`);
	parts.push('<defs>');
	parts.push(
		`<linearGradient id="sky" x1="${r1(angle)}" y1="0" x2="${r1(1 - angle)}" y2="1">` +
			`<stop offset="0" stop-color="${hsl(0, 18)}"/><stop offset="0.6" stop-color="${hsl(40, 45)}"/>` +
			`<stop offset="1" stop-color="${hsl(80, 72)}"/></linearGradient>`,
	);
	parts.push(
		`<radialGradient id="glow"><stop offset="0" stop-color="${hsl(60, 92, 90)}" stop-opacity="0.95"/>` +
			`<stop offset="0.35" stop-color="${hsl(50, 75)}" stop-opacity="0.5"/>` +
			`<stop offset="1" stop-color="${hsl(40, 60)}" stop-opacity="0"/></radialGradient>`,
	);
	parts.push('</defs>');
	parts.push(`<rect width="${w}" height="${h}" fill="url(#sky)"/>`);
	const size = Math.min(w, h);
	parts.push(`<circle cx="${r1(w * (0.2 + rnd() * 0.6))}" cy="${r1(h * (0.15 + rnd() * 0.3))}" r="${r1(size * (0.2 + rnd() * 0.2))}" fill="url(#glow)"/>`);
	// More steps → more detail, the way a longer sampling run "adds" detail.
	const bokeh = 8 + Math.min(32, Math.round(params.steps / 3));
	for (let i = 0; i < bokeh; i++) {
		const r = size * (0.005 + rnd() * rnd() * 0.06);
		parts.push(`<circle cx="${r1(rnd() * w)}" cy="${r1(rnd() * h * 0.7)}" r="${r1(r)}" fill="${hsl(rnd() * 120 - 60, 85, 80)}" fill-opacity="${(0.15 + rnd() * 0.5).toFixed(2)}"/>`);
	}
	for (let layer = 0; layer < 4; layer++) {
		const base = h * (0.55 + layer * 0.11);
		const segments = 3 + Math.floor(rnd() * 3);
		let d = `M0,${h} L0,${r1(base - rnd() * h * 0.1)}`;
		for (let s = 1; s <= segments; s++) {
			const x = (w * s) / segments;
			const cx = x - w / segments / 2;
			d += ` Q${r1(cx)},${r1(base - h * (0.05 + rnd() * 0.2))} ${r1(x)},${r1(base - rnd() * h * 0.08)}`;
		}
		d += ` L${w},${h} Z`;
		parts.push(`<path d="${d}" fill="${hsl(160 + layer * 25, 30 - layer * 6, sat - 10)}" fill-opacity="0.92"/>`);
	}
	parts.push('</svg>');
	return parts.join('');
}

/** Encode settings. png is lossless, so output_quality is ignored there (fixed zlib level 6). */
function encode(pipeline: sharp.Sharp, format: OutputFormat, quality: number): sharp.Sharp {
	const q = Math.max(1, Math.min(100, Math.round(quality))); // sharp's lossy range is 1–100
	switch (format) {
		case 'webp':
			return pipeline.webp({ quality: q, effort: 2 });
		case 'jpg':
			return pipeline.jpeg({ quality: q });
		case 'png':
			return pipeline.png({ compressionLevel: 6 });
	}
}

// Polling clients fetch the same image repeatedly (result, CDN, v1 retries); a small LRU keeps that cheap.
const CACHE_SIZE = 8;
const cache = new Map<string, Promise<Buffer>>();

export function renderImage(params: AuraFlowParams, index: number): Promise<RenderedImage> {
	const format = params.output_format;
	const key = `${sceneHash(params, index)}|${format}|${format === 'png' ? '' : params.output_quality}`;
	let pending = cache.get(key);
	if (pending) {
		cache.delete(key); // re-insert to mark as most recently used
	} else {
		pending = encode(sharp(Buffer.from(buildSvg(params, index))).removeAlpha(), format, params.output_quality).toBuffer();
		pending.catch(() => cache.delete(key));
	}
	cache.set(key, pending);
	while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
	return pending.then((data) => ({ data, contentType: CONTENT_TYPES[format], ext: format }));
}

export function clearImageCache(): void {
	cache.clear();
}
