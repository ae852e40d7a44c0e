/** Small helpers shared by the emulator's handlers. */
import { createHash } from 'crypto';

/** What Segmind's nginx answers for a wrong method: HTML, not JSON. */
export const HTML_405 =
	'<html>\r\n<head><title>405 Not Allowed</title></head>\r\n<body>\r\n<center><h1>405 Not Allowed</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Jobs and rate-limit windows are keyed by this hash, so the key itself is never kept. */
export function hashKey(key: string): string {
	return createHash('sha256').update(key).digest('hex');
}

export const round6 = (n: number): number => Math.round(n * 1e6) / 1e6;

export function safeDecode(s: string): string {
	try {
		return decodeURIComponent(s);
	} catch {
		return s;
	}
}
