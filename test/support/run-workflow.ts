/**
 * Runs workflow JSON through n8n-core's real WorkflowExecute, with this package loaded by
 * n8n's own PackageDirectoryLoader from the built dist/ (so `npm run build` comes first), the
 * way n8n's NodeTestHarness does. Nothing of the node is mocked; the host parts n8n would
 * provide (credential store, lifecycle hooks) are small real implementations.
 */
import { ExecutionLifecycleHooks, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
} from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IHttpRequestOptions,
	INode,
	INodeExecutionData,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	IConnections,
	IDataObject,
	INodeProperties,
} from 'n8n-workflow';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

process.env.N8N_USER_FOLDER ??= mkdtempSync(path.join(tmpdir(), 'aura-flow-n8n-'));
// n8n's own logger writes to a file the suites read back: the key must not be in it either.
process.env.N8N_LOG_OUTPUT = 'file';
process.env.N8N_LOG_LEVEL = 'debug';
process.env.N8N_LOG_FILE_LOCATION = path.join(process.env.N8N_USER_FOLDER, 'n8n.log');
export const N8N_LOG_FILE = process.env.N8N_LOG_FILE_LOCATION;

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-aura-flow';
export const NODE_TYPE = `${PACKAGE_NAME}.auraFlow`;

let loaderPromise: Promise<PackageDirectoryLoader> | undefined;

export function loadPackage(): Promise<PackageDirectoryLoader> {
	loaderPromise ??= (async () => {
		const loader = new PackageDirectoryLoader(REPO_ROOT);
		await loader.loadAll();
		return loader;
	})();
	return loaderPromise;
}

function nodeTypesOf(loader: PackageDirectoryLoader): INodeTypes {
	const byName = (name: string) => {
		const short = name.startsWith(`${PACKAGE_NAME}.`) ? name.slice(PACKAGE_NAME.length + 1) : name;
		const loaded = loader.nodeTypes[short];
		if (!loaded) throw new Error(`Unknown node type ${name}`);
		return loaded.type;
	};
	return {
		getByName: byName,
		getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(byName(name), version),
		getKnownTypes: () => ({}),
	};
}

/** Resolves `={{$credentials.x}}` in a generic credential's header/query templates, as n8n does. */
function resolveTemplate(template: string, credentials: ICredentialDataDecryptedObject): string {
	if (!template.startsWith('=')) return template;
	return template
		.slice(1)
		.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, key: string) => String(credentials[key] ?? ''));
}

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly types: Record<string, ICredentialType>,
		private readonly store: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions) {
		const authenticate = this.types[typeName]?.authenticate;
		if (!authenticate || typeof authenticate === 'function' || authenticate.type !== 'generic') return requestOptions;
		const headers = { ...(requestOptions.headers ?? {}) } as IDataObject;
		for (const [name, template] of Object.entries(authenticate.properties.headers ?? {})) {
			headers[name] = resolveTemplate(String(template), credentials);
		}
		return { ...requestOptions, headers };
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not needed by these tests');
	}

	async getDecrypted(_data: unknown, _details: unknown, type: string): Promise<ICredentialDataDecryptedObject> {
		const found = this.store[type];
		if (!found) throw new Error(`No test credentials of type ${type}`);
		// Defaults of the credential type apply as in n8n (e.g. the Base URL).
		const defaults: ICredentialDataDecryptedObject = {};
		for (const property of this.types[type]?.properties ?? []) defaults[property.name] = property.default as string;
		return { ...defaults, ...found };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types[type]?.properties ?? [];
	}
}

export interface WorkflowNode {
	name: string;
	parameters: IDataObject;
	/** Defaults to this package's Aura Flow node. */
	type?: string;
	onError?: INode['onError'];
	continueOnFail?: boolean;
}

export interface RunOptions {
	nodes: WorkflowNode[];
	/** Linear chain by default: each node feeds the next. */
	connections?: IConnections;
	input?: INodeExecutionData[];
	credentials?: ICredentialDataDecryptedObject;
	/** Cancel the execution this many ms after start (tests of cancellation). */
	cancelAfterMs?: number;
}

export interface RunResult {
	run: IRun;
	output(nodeName: string): INodeExecutionData[];
	error(nodeName: string): (Error & { description?: string; httpCode?: string; context?: IDataObject }) | undefined;
	/** Every byte of the run as JSON, for "the key never appears" checks. */
	serialized: string;
}

function chain(nodes: WorkflowNode[]): IConnections {
	const connections: IConnections = {};
	for (let i = 0; i + 1 < nodes.length; i++) {
		connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	}
	return connections;
}

export async function runWorkflow(options: RunOptions): Promise<RunResult> {
	const loader = await loadPackage();
	const nodeTypes = nodeTypesOf(loader);
	const credentialTypes: Record<string, ICredentialType> = {};
	for (const [name, loaded] of Object.entries(loader.credentialTypes)) credentialTypes[name] = loaded.type;

	const nodes: INode[] = options.nodes.map((node, index) => ({
		id: `node-${index}`,
		name: node.name,
		type: node.type ?? NODE_TYPE,
		typeVersion: 1,
		position: [index * 200, 0],
		parameters: node.parameters as INode['parameters'],
		credentials: { segmindApi: { id: 'cred-1', name: 'Segmind account' } },
		...(node.onError ? { onError: node.onError } : {}),
		...(node.continueOnFail ? { continueOnFail: true } : {}),
	}));
	const workflow = new Workflow({
		id: 'test-workflow',
		nodes,
		connections: options.connections ?? chain(options.nodes),
		active: false,
		nodeTypes,
	});

	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
		id: 'test-workflow',
		name: 'test',
		nodes,
		connections: workflow.connectionsBySourceNode,
		active: false,
		settings: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	} as never);
	let resolveFinished: (run: IRun) => void = () => {};
	const finished = { promise: new Promise<IRun>((resolve) => (resolveFinished = resolve)) };
	hooks.addHandler('workflowExecuteAfter', (run) => resolveFinished(run));

	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(credentialTypes, {
			segmindApi: options.credentials ?? {},
		}),
		hooks,
		executionId: 'test-execution',
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost/rest',
		instanceBaseUrl: 'http://localhost/',
		formBaseUrl: 'http://localhost:5678/form',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		formTestBaseUrl: 'http://localhost:5678/form-test',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		mcpBaseUrl: 'http://localhost:5678/mcp',
		mcpTestBaseUrl: 'http://localhost:5678/mcp-test',
		variables: {},
		logAiEvent: () => {},
		getRunExecutionData: async () => undefined,
		getRuntimeCredential: async () => undefined,
		executeWorkflow: async () => {
			throw new Error('sub-workflows are not used here');
		},
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: nodes[0], data: { main: [options.input ?? [{ json: {} }]] }, source: null }],
		},
	});

	const execution = new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(workflow);
	if (options.cancelAfterMs !== undefined) setTimeout(() => execution.cancel(), options.cancelAfterMs);
	const run = await Promise.race([execution, finished.promise]).then(async (first) => first ?? (await finished.promise));

	const runData = run.data.resultData.runData;
	return {
		run,
		output: (nodeName) => runData[nodeName]?.[0]?.data?.main?.[0] ?? [],
		error: (nodeName) => runData[nodeName]?.[0]?.error as never,
		// Error messages and stacks are not enumerable, so JSON alone would miss them.
		serialized: JSON.stringify(run, (_key, value: unknown) =>
			value instanceof Error ? { ...value, message: value.message, stack: value.stack } : value,
		),
	};
}

/** The bytes of a binary property, whether n8n kept them inline or in its binary store. */
export function binaryBytes(item: INodeExecutionData, property = 'data'): Buffer {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`item has no binary property "${property}"`);
	return Buffer.from(binary.data, 'base64');
}
