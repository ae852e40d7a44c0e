import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ModelSpec } from '../spec/auraFlow.spec';
import { badResponse } from '../transport/errors';
import { downloadImage } from '../transport';

/** Image formats by their first bytes: the bytes decide, not a header that may be wrong. */
const SIGNATURES: Array<{ mimeType: string; extension: string; matches: (b: Buffer) => boolean }> = [
	{
		mimeType: 'image/png',
		extension: 'png',
		matches: (b) => b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
	},
	{
		mimeType: 'image/jpeg',
		extension: 'jpg',
		matches: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
	},
	{
		mimeType: 'image/webp',
		extension: 'webp',
		matches: (b) =>
			b.length >= 12 && b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WEBP',
	},
];

export function sniffImage(bytes: Buffer) {
	return SIGNATURES.find((signature) => signature.matches(bytes));
}

/** Image URLs of a result: `images[].url` when present, else `output` (a URL or a list of them). */
export function imageUrlsOf(result: IDataObject): string[] {
	if (Array.isArray(result.images)) {
		const urls = (result.images as IDataObject[])
			.map((image) => (typeof image === 'string' ? image : image?.url))
			.filter((url): url is string => typeof url === 'string' && url.length > 0);
		if (urls.length > 0) return urls;
	}
	const output = result.output;
	if (typeof output === 'string' && output) return [output];
	if (Array.isArray(output)) return output.filter((url): url is string => typeof url === 'string' && url.length > 0);
	return [];
}

export interface ImageContext {
	itemIndex: number;
	baseUrl: string;
	requestId?: string;
	seed?: number;
	binaryPropertyName: string;
	maxRetries: number;
	/** JSON fields shared by every image of this job. */
	json: IDataObject;
}

export function fileNameFor(spec: ModelSpec, ctx: Pick<ImageContext, 'requestId' | 'seed'>, index: number, extension: string) {
	const parts = [spec.id];
	if (ctx.requestId) parts.push(ctx.requestId.slice(0, 8));
	if (ctx.seed !== undefined) parts.push(String(ctx.seed));
	parts.push(String(index));
	return `${parts.join('-')}.${extension}`;
}

/** Checks the bytes are an image, stores them in n8n's binary store, and builds the output item. */
export async function imageItem(
	ctx: IExecuteFunctions,
	spec: ModelSpec,
	image: { bytes: Buffer; contentType?: string; url?: string },
	index: number,
	count: number,
	context: ImageContext,
): Promise<INodeExecutionData> {
	const kind = sniffImage(image.bytes);
	if (!kind) {
		throw badResponse(
			ctx.getNode(),
			{ call: 'download', itemIndex: context.itemIndex, baseUrl: context.baseUrl, requestId: context.requestId },
			`image ${index + 1} of ${count} is not a PNG, JPEG or WebP file (${image.bytes.length} bytes, content type ${image.contentType ?? 'none'})`,
		);
	}
	const fileName = fileNameFor(spec, context, index, kind.extension);
	const binary = await ctx.helpers.prepareBinaryData(image.bytes, fileName, kind.mimeType);
	return {
		json: {
			...context.json,
			imageIndex: index,
			imageCount: count,
			...(image.url ? { imageUrl: image.url } : {}),
			fileName,
			mimeType: kind.mimeType,
			fileSize: image.bytes.length,
		},
		binary: { [context.binaryPropertyName]: binary },
	};
}

/** Downloads every image of a finished job, one output item per image. */
export async function downloadImageItems(
	ctx: IExecuteFunctions,
	spec: ModelSpec,
	urls: string[],
	context: ImageContext,
): Promise<INodeExecutionData[]> {
	const items: INodeExecutionData[] = [];
	for (const [index, url] of urls.entries()) {
		const download = await downloadImage(ctx, url, {
			itemIndex: context.itemIndex,
			baseUrl: context.baseUrl,
			requestId: context.requestId,
			maxRetries: context.maxRetries,
			timeoutMs: 120_000,
		});
		items.push(await imageItem(ctx, spec, { ...download, url }, index, urls.length, context));
	}
	return items;
}
