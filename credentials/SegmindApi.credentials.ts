import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/** A probe id no job will ever have: asking for it costs nothing and needs a valid key. */
export const CREDENTIAL_PROBE_REQUEST_ID = 'n8n-credential-check';

export class SegmindApi implements ICredentialType {
	name = 'segmindApi';

	displayName = 'Segmind API';

	icon = { light: 'file:../nodes/AuraFlow/auraFlow.svg', dark: 'file:../nodes/AuraFlow/auraFlow.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-aura-flow/n8n-nodes-aura-flow#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your Segmind API key, from the API Keys page of the Segmind console',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.segmind.com',
			description:
				'Leave as is for Segmind. Point it at a compatible server (e.g. the local sandbox of `npm run emulator`) to develop without spending credits.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { 'x-api-key': '={{$credentials.apiKey}}' },
		},
	};

	/**
	 * Asks for the status of a job that cannot exist: a valid key gets 404 (not found), a bad
	 * one 401/403. Only those two codes count as failures, so no credits are ever spent.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: `/v2/requests/${CREDENTIAL_PROBE_REQUEST_ID}/status`,
			method: 'GET',
			ignoreHttpStatusErrors: { ignore: true, except: [401, 403] },
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'Segmind rejected the API key (401): check the key.' },
			},
			{
				type: 'responseCode',
				properties: { value: 403, message: 'Segmind refused this API key (403): check its permissions.' },
			},
		],
	};
}
