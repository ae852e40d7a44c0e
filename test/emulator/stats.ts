/** What the emulator saw. Never holds an API key: only whether one was sent and was valid. */
import type { RouteName } from './faults';

export interface RequestRecord {
	origin: 'api' | 'cdn';
	route: RouteName | 'other';
	method: string;
	/** Path without the query string. */
	path: string;
	/** HTTP status sent; 0 while pending or when the socket was reset without an answer. */
	status: number;
	hadApiKey: boolean;
	apiKeyValid: boolean;
	/** Emulator clock (ms) at arrival. */
	at: number;
}

export class Stats {
	requests: RequestRecord[] = [];
	jobsSubmitted = 0;
	imagesGenerated = 0;
	/** CDN requests that carried the key (x-api-key, or a configured key in any header). Must stay 0. */
	cdnRequestsWithApiKey = 0;

	count(route?: RouteName | 'other'): number {
		return route === undefined ? this.requests.length : this.requests.filter((r) => r.route === route).length;
	}

	clear(): void {
		this.requests.length = 0; // same array, so references held by tests stay live
		this.jobsSubmitted = 0;
		this.imagesGenerated = 0;
		this.cdnRequestsWithApiKey = 0;
	}
}
