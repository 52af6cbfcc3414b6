/**
 * Calls a node type's `listSearch` method in-process with n8n-core's real `LoadOptionsContext`,
 * the context the n8n server builds when the editor opens a resource locator's "From list":
 * the node's current parameters (with defaults), `getCredentials` and
 * `helpers.httpRequestWithAuthentication` through our credential types' real `authenticate`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ExternalSecretsProxy, InstanceSettings, LoadOptionsContext } from 'n8n-core';
import {
	ApplicationError,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeListSearchResult,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { RunnerCredentialTypes, RunnerCredentialsHelper, loadPackageCredentialTypes } from './n8nCredentials';

interface DiContainer {
	set<T>(type: abstract new (...args: never[]) => T, instance: T): void;
}
interface SilentLogger {
	error(message: string): void;
	warn(message: string): void;
	info(message: string): void;
	debug(message: string): void;
	scoped(scopes: unknown): SilentLogger;
}
// n8n-core reads its services from its own @n8n/di container (see n8nRunner.ts for why).
const coreRequire = createRequire(require.resolve('n8n-core'));
const { Container } = coreRequire('@n8n/di') as { Container: DiContainer };
const { Logger } = coreRequire('@n8n/backend-common') as { Logger: abstract new (...args: never[]) => SilentLogger };
const silentLogger: SilentLogger = {
	error: () => undefined,
	warn: () => undefined,
	info: () => undefined,
	debug: () => undefined,
	scoped: () => silentLogger,
};

let instanceDir: string | undefined;
function ensureInstance(): void {
	if (instanceDir) return;
	instanceDir = mkdtempSync(path.join(tmpdir(), 'n8n-list-search-'));
	Container.set(Logger, silentLogger);
	Container.set(
		InstanceSettings,
		new InstanceSettings(
			{
				n8nFolder: path.join(instanceDir, '.n8n'),
				userHome: instanceDir,
				encryptionKey: 'n8n-list-search-test-key',
				enforceSettingsFilePermissions: false,
			} as unknown as ConstructorParameters<typeof InstanceSettings>[0],
			silentLogger as unknown as ConstructorParameters<typeof InstanceSettings>[1],
		),
	);
}
if (typeof afterAll === 'function') {
	afterAll(() => {
		if (instanceDir) rmSync(instanceDir, { recursive: true, force: true });
		instanceDir = undefined;
	});
}

export interface ListSearchOptions {
	nodeType: INodeType;
	/** The node's parameters as the editor has them when the list opens. */
	parameters: INodeParameters;
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The `searchListMethod` of the resource locator. */
	method: string;
	/** The resource locator being searched, e.g. 'voiceId'. */
	parameterName: string;
	/** What the user typed in the list's search box. */
	filter?: string;
}

export async function listSearch(options: ListSearchOptions): Promise<INodeListSearchResult> {
	ensureInstance();
	const typeName = `n8n-nodes-voice-clone.${options.nodeType.description.name}`;
	const type = options.nodeType;
	const nodeTypes: INodeTypes = {
		getByName: () => type,
		getByNameAndVersion: (_name: string, version?: number) => NodeHelpers.getVersionedNodeType(type, version),
		getKnownTypes: () => ({}) as IDataObject,
	};
	const node: INode = {
		id: 'list-search-node',
		name: type.description.defaults.name ?? type.description.displayName,
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: structuredClone(options.parameters),
		credentials: Object.fromEntries(
			Object.keys(options.credentials).map((credentialType) => [credentialType, { id: `cred-${credentialType}`, name: credentialType }]),
		),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes, settings: { executionOrder: 'v1' } });
	const additionalData = {
		credentialsHelper: new RunnerCredentialsHelper(
			new RunnerCredentialTypes(loadPackageCredentialTypes()),
			structuredClone(options.credentials),
		),
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		userId: 'list-search-user',
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
	} as unknown as IWorkflowExecuteAdditionalData;
	const workflowNode = workflow.getNode(node.name) as INode;
	const context = new LoadOptionsContext(workflow, workflowNode, additionalData, `parameters.${options.parameterName}`);
	const method = type.methods?.listSearch?.[options.method];
	if (!method) throw new ApplicationError(`The node type has no listSearch method "${options.method}"`);
	return await method.call(context, options.filter);
}
