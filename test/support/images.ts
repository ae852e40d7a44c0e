import sharp from 'sharp';

/** What an image really is, read from its bytes by an independent decoder (libvips via sharp). */
export async function decodeImage(bytes: Buffer) {
	const metadata = await sharp(bytes).metadata();
	return { format: metadata.format, width: metadata.width, height: metadata.height };
}

export const MAGIC = {
	webp: (b: Buffer) => b.toString('ascii', 0, 4) === 'RIFF' && b.toString('ascii', 8, 12) === 'WEBP',
	jpg: (b: Buffer) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
	png: (b: Buffer) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
};
