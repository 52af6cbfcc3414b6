/**
 * Runs one of our node types in-process inside a real n8n-core execution.
 *
 * A two-node workflow is built — a source node ("Input") that emits the test's items, connected
 * to the node under test — and executed with n8n-core's `WorkflowExecute`, the same engine the
 * n8n server uses. The node therefore gets n8n's real `ExecuteContext`: parameter and expression
 * resolution, `getCredentials`, `helpers.httpRequestWithAuthentication` (axios) with our
 * credential types' real `authenticate`, the binary data helpers backed by a real
 * `BinaryDataService` ("default" = in memory, "filesystem" = files in a temp dir),
 * `continueOnFail`, the error output, paired items and the execution cancel signal.
 *
 * Modelled on n8n's own harness (n8n-io/n8n packages/core/nodes-testing/node-test-harness.ts),
 * minus nock and workflow JSON files: network calls are real, so point credentials at a local
 * server on 127.0.0.1.
 *
 * Runs are serialised within a process: the binary data service is a DI-container singleton in
 * n8n-core and each run installs its own (mode and storage dir), so two runs must not overlap.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import {
	BinaryDataService,
	ErrorReporter,
	ExecutionLifecycleHooks,
	WorkflowExecute,
	type BinaryDataConfig,
} from 'n8n-core';
import {
	NodeConnectionTypes,
	Workflow,
	createRunExecutionData,
	type IBinaryData,
	type IBinaryKeyData,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type IPairedItemData,
	type IRun,
	type IRunExecutionData,
	type ITaskData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { PACKAGE_NAME } from '../e2e/harness/versions';
import {
	coreContainer as Container,
	TestNodeTypes,
	ensureCoreInstance,
	nodeCredentials,
	packageNodeTypeName,
	silentLogger,
	testAdditionalData,
	testCredentialsHelper,
} from './n8nCoreInstance';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** A binary given as raw bytes; the runner stores it with the real `prepareBinaryData`. */
export interface RawBinaryInput {
	data: Buffer;
	/** Used as the file name and to guess the MIME type when `mimeType` is not given. */
	fileName?: string;
	mimeType?: string;
}

/** An input item: like INodeExecutionData, but binaries may be given as raw bytes. */
export interface RunnerInputItem {
	json: IDataObject;
	binary?: Record<string, IBinaryData | RawBinaryInput>;
	/**
	 * Binaries put under `json._files` instead, stored like `binary` and merged into any
	 * `json._files` given: what n8n 2.x hands the next node in a workflow whose binary mode is
	 * "combined" (n8n-core's convertBinaryData; the n8n-core here is 1.x and does not convert).
	 */
	files?: Record<string, IBinaryData | RawBinaryInput>;
	/** Default `{ item: 0 }` (all input items come from the one trigger item). */
	pairedItem?: INodeExecutionData['pairedItem'];
	error?: INodeExecutionData['error'];
}

export type OnErrorSetting = 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';

export interface RunNodeOptions {
	/** The node under test, e.g. `new CreateVoiceClone()`. Versioned node types are accepted. */
	nodeType: INodeType | IVersionedNodeType;
	/** Node parameters; expressions are allowed (`'={{ $json.voiceId }}'`). Defaults are filled in. */
	parameters: INodeParameters;
	/** Credential data by credential type name, e.g. `{ buenaApi: { apiKey, baseUrl } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Items fed to the node; default one empty item. */
	input?: RunnerInputItem[];
	/** Where `prepareBinaryData` stores binaries: in the item ("default") or in files. */
	binaryDataMode?: 'default' | 'filesystem';
	/** The legacy node setting `continueOnFail`. */
	continueOnFail?: boolean;
	/** The node setting "On Error". */
	onError?: OnErrorSetting;
	/** Cancel the execution (the real cancel: WorkflowExecute's abort signal) after this many real milliseconds. */
	cancelAfterMs?: number;
	/**
	 * Cancel the execution when the promise this returns resolves; called as the execution starts.
	 * E.g. `() => clock.sleep(300)` (test/helpers/virtualClock.ts) or "once the sandbox got the request".
	 */
	cancelWhen?: () => Promise<unknown>;
	/** typeVersion of the node; default the node type's (default/latest) version. */
	typeVersion?: number;
	/** Name of the node under test; default the node type's default name. */
	nodeName?: string;
	/** Execution mode; default 'manual' (a test run from the editor). */
	mode?: WorkflowExecuteMode;
	/** Credential types besides the package's own (package.json `n8n.credentials`). */
	credentialTypes?: ICredentialType[];
	/** Other node settings (alwaysOutputData, executeOnce, retryOnFail, …). */
	nodeSettings?: Partial<Omit<INode, 'id' | 'name' | 'type' | 'typeVersion' | 'parameters' | 'position'>>;
}

export interface RunNodeResult {
	/** The node's outputs: main (and the error output when onError = continueErrorOutput). */
	outputs: INodeExecutionData[][];
	/**
	 * The error the node threw, as the real object (NodeApiError, NodeOperationError, …:
	 * httpCode, description, context.itemIndex are there). Set whenever the node threw — also
	 * when continueOnFail / onError let the workflow go on with the input items (n8n then still
	 * reports status 'error'). Undefined when the node returned normally, including when it
	 * turned a failure into an item itself (`if (this.continueOnFail())`).
	 */
	error?: Error;
	/** Wall time of the workflow execution: for reports only; tests assert on a VirtualClock (test/helpers/virtualClock.ts). */
	durationMs: number;
	/** 'success' | 'error' | 'canceled' | … as n8n reports it. */
	status: IRun['status'];
	/** The full run, for anything else (runData of both nodes, metadata, …). */
	run: IRun;
	/**
	 * The bytes of every binary in `outputs`, read with the real BinaryDataService before the
	 * run's storage dir was removed: `binaries[output][item][property]`.
	 */
	binaries: Array<Array<Record<string, Buffer>>>;
	/** The request options each `authenticate` call returned (headers the credential added, …). */
	authenticatedRequests: Array<{ type: string; options: IDataObject }>;
	/** The node under test as it was in the workflow (name, type, credentials, settings). */
	node: INode;
}

/** Name of the source node that emits the input items (usable in `$('Input')` expressions). */
export const INPUT_NODE_NAME = 'Input';

export async function runNode(options: RunNodeOptions): Promise<RunNodeResult> {
	const run = queue.then(async () => await runNodeNow(options));
	queue = run.catch(() => undefined);
	return await run;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * A real BinaryDataService for one run, as n8n's start-up initialises it: the filesystem manager
 * is always available (N8N_AVAILABLE_BINARY_DATA_MODES defaults to "filesystem") and `mode`
 * (N8N_DEFAULT_BINARY_DATA_MODE) decides where new binaries go.
 */
async function installBinaryDataService(
	mode: 'default' | 'filesystem',
	storagePath: string,
): Promise<BinaryDataService> {
	const config = {
		mode,
		availableModes: ['filesystem'],
		localStoragePath: storagePath,
		signingSecret: 'n8n-runner-test-signing-secret',
		dbMaxFileSize: 512,
	} as unknown as BinaryDataConfig;
	const service = new BinaryDataService(
		config,
		Container.get(ErrorReporter),
		silentLogger as unknown as ConstructorParameters<typeof BinaryDataService>[2],
	);
	await service.init();
	Container.set(BinaryDataService, service);
	return service;
}

// ---------------------------------------------------------------------------------------------
// Node types
// ---------------------------------------------------------------------------------------------

const INPUT_NODE_TYPE = `${PACKAGE_NAME}-test.runnerInput`;

function isRawBinary(value: IBinaryData | RawBinaryInput): value is RawBinaryInput {
	return Buffer.isBuffer(value.data);
}

/**
 * The source node: emits the test's items, turning raw binaries into real n8n binary data with
 * this execution's `prepareBinaryData` (so they are stored under this execution, per mode).
 */
function createInputNodeType(items: RunnerInputItem[]): INodeType {
	return {
		description: {
			displayName: 'Runner Input',
			name: 'runnerInput',
			group: ['input'],
			version: 1,
			description: 'Emits the items of a runNode() test',
			defaults: { name: INPUT_NODE_NAME },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const output: INodeExecutionData[] = [];
			for (const item of items) {
				const out: INodeExecutionData = {
					json: structuredClone(item.json),
					pairedItem: item.pairedItem ?? { item: 0 },
				};
				if (item.error) out.error = item.error;
				const store = async (given: Record<string, IBinaryData | RawBinaryInput>) => {
					const binary: IBinaryKeyData = {};
					for (const [key, value] of Object.entries(given)) {
						binary[key] = isRawBinary(value)
							? await this.helpers.prepareBinaryData(value.data, value.fileName, value.mimeType)
							: value;
					}
					return binary;
				};
				if (item.binary) out.binary = await store(item.binary);
				if (item.files) {
					const existing = out.json._files as IDataObject | undefined;
					out.json._files = { ...existing, ...(await store(item.files)) } as unknown as IDataObject;
				}
				output.push(out);
			}
			return [output];
		},
	};
}

/**
 * The node under test, wrapped only to keep the error it throws: WorkflowExecute stores a
 * spread copy (`{ ...error, message, stack }`) in the run data, which loses the class.
 */
function captureErrors(
	nodeType: INodeType | IVersionedNodeType,
	onError: (error: Error) => void,
): INodeType | IVersionedNodeType {
	const wrap = (type: INodeType): INodeType => {
		const execute = type.execute;
		if (!execute) return type;
		return Object.assign(Object.create(type) as INodeType, {
			async execute(this: IExecuteFunctions) {
				try {
					return await execute.call(this);
				} catch (error) {
					if (error instanceof Error) onError(error);
					throw error;
				}
			},
		});
	};
	if (!('nodeVersions' in nodeType)) return wrap(nodeType);
	const nodeVersions = Object.fromEntries(
		Object.entries(nodeType.nodeVersions).map(([version, type]) => [version, wrap(type)]),
	);
	return Object.assign(Object.create(nodeType) as IVersionedNodeType, {
		nodeVersions,
		getNodeType(version?: number) {
			return nodeVersions[version ?? nodeType.currentVersion] ?? wrap(nodeType.getNodeType(version));
		},
	});
}

function defaultTypeVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version, defaultVersion } = nodeType.description;
	if (defaultVersion !== undefined) return defaultVersion;
	return Array.isArray(version) ? Math.max(...version) : version;
}

function defaultNodeName(nodeType: INodeType | IVersionedNodeType): string {
	const description = 'nodeVersions' in nodeType
		? nodeType.getNodeType().description
		: nodeType.description;
	return description.defaults.name ?? description.displayName;
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

async function runNodeNow(options: RunNodeOptions): Promise<RunNodeResult> {
	ensureCoreInstance('runner');
	const storageDir = mkdtempSync(path.join(tmpdir(), 'n8n-runner-binary-'));
	try {
		const binaryDataService = await installBinaryDataService(
			options.binaryDataMode ?? 'default',
			storageDir,
		);
		return await execute(options, binaryDataService);
	} finally {
		rmSync(storageDir, { recursive: true, force: true });
	}
}

let executionCounter = 0;

async function execute(
	options: RunNodeOptions,
	binaryDataService: BinaryDataService,
): Promise<RunNodeResult> {
	const executionId = `runner-${process.pid}-${++executionCounter}`;
	const workflowId = 'runner-workflow';
	const mode = options.mode ?? 'manual';

	let thrown: Error | undefined;
	const nodeTypeName = packageNodeTypeName(options.nodeType);
	const nodeTypes = new TestNodeTypes(
		{
			[INPUT_NODE_TYPE]: createInputNodeType(options.input ?? [{ json: {} }]),
			[nodeTypeName]: captureErrors(options.nodeType, (error) => (thrown = error)),
		},
		'runner',
	);

	const credentialsHelper = testCredentialsHelper(options.credentials ?? {}, options.credentialTypes);

	let nodeName = options.nodeName ?? defaultNodeName(options.nodeType);
	if (nodeName === INPUT_NODE_NAME) nodeName = `${nodeName} (under test)`;

	const inputNode: INode = {
		id: 'runner-input',
		name: INPUT_NODE_NAME,
		type: INPUT_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const node: INode = {
		...options.nodeSettings,
		id: 'runner-node-under-test',
		name: nodeName,
		type: nodeTypeName,
		typeVersion: options.typeVersion ?? defaultTypeVersion(options.nodeType),
		position: [220, 0],
		parameters: structuredClone(options.parameters),
	};
	if (options.continueOnFail !== undefined) node.continueOnFail = options.continueOnFail;
	if (options.onError !== undefined) node.onError = options.onError;
	const credentialNames = Object.keys(options.credentials ?? {});
	if (credentialNames.length > 0) {
		node.credentials = nodeCredentials(credentialNames, (type) => `runner-${type}`);
	}

	const connections = {
		[INPUT_NODE_NAME]: {
			main: [[{ node: nodeName, type: NodeConnectionTypes.Main, index: 0 }]],
		},
	};
	const settings = { executionOrder: 'v1' as const };
	// The constructor fills in the parameters' defaults, as when n8n loads a saved workflow.
	const workflow = new Workflow({
		id: workflowId,
		name: 'runNode',
		nodes: [inputNode, node],
		connections,
		nodeTypes,
		settings,
		active: false,
	});

	const now = new Date();
	const workflowData: IWorkflowBase = {
		id: workflowId,
		name: 'runNode',
		active: false,
		isArchived: false,
		activeVersionId: null,
		createdAt: now,
		updatedAt: now,
		nodes: [inputNode, node],
		connections,
		settings,
	};
	const hooks = new ExecutionLifecycleHooks(mode, executionId, workflowData);

	const additionalData: IWorkflowExecuteAdditionalData = {
		...testAdditionalData(credentialsHelper, 'runner'),
		hooks,
		executionId,
	};

	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node: workflow.getNode(INPUT_NODE_NAME) as INode,
					data: { main: [[{ json: {} }]] },
					source: null,
				},
			],
		},
	});

	const workflowExecute = new WorkflowExecute(additionalData, mode, runExecutionData);
	const started = performance.now();
	const execution = workflowExecute.processRunExecutionData(workflow);
	const cancelTimer =
		options.cancelAfterMs === undefined
			? undefined
			: setTimeout(() => execution.cancel(), options.cancelAfterMs);
	let finished = false;
	void options.cancelWhen?.().then(() => {
		if (!finished) execution.cancel();
	});
	let run: IRun;
	try {
		// On cancel WorkflowExecute aborts the signal and still resolves, once the running node
		// has returned or thrown, with status 'canceled'.
		run = await execution;
	} finally {
		finished = true;
		if (cancelTimer) clearTimeout(cancelTimer);
	}
	const durationMs = performance.now() - started;

	const executedNode = workflow.getNode(nodeName) as INode;
	const taskData: ITaskData | undefined = run.data.resultData.runData[nodeName]?.[0];
	const outputs = (taskData?.data?.[NodeConnectionTypes.Main] ?? []).map((items) => items ?? []);

	let error: Error | undefined;
	if (taskData?.error) {
		error = thrown ?? (taskData.error as Error);
	} else if (run.data.resultData.error && !taskData) {
		// The node never ran (e.g. the input node failed, or issues in the workflow).
		error = run.data.resultData.error as Error;
	}

	const binaries = await Promise.all(
		outputs.map(async (items) =>
			await Promise.all(
				items.map(async (item) => {
					const buffers: Record<string, Buffer> = {};
					for (const [key, binary] of Object.entries(item.binary ?? {})) {
						buffers[key] = await binaryDataService.getAsBuffer(binary);
					}
					return buffers;
				}),
			),
		),
	);

	return {
		outputs,
		error,
		durationMs,
		status: run.status,
		run,
		binaries,
		authenticatedRequests: credentialsHelper.authenticatedRequests.map(({ type, options: o }) => ({
			type,
			options: o as unknown as IDataObject,
		})),
		node: executedNode,
	};
}

/** The pairedItem of an output item as a list, whatever form the node gave it in. */
export function pairedItems(item: INodeExecutionData): IPairedItemData[] {
	const { pairedItem } = item;
	if (pairedItem === undefined) return [];
	if (typeof pairedItem === 'number') return [{ item: pairedItem }];
	return Array.isArray(pairedItem) ? pairedItem : [pairedItem];
}
