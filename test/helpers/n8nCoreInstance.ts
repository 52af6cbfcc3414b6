/**
 * What n8n's start-up sets up before any node context can run in-process: a logger and
 * InstanceSettings on a temp folder, in n8n-core's own @n8n/di container (see n8nRunner.ts for
 * why its copy), with the background timers that n8n-core's services start made unable to keep
 * jest from exiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { ExternalSecretsProxy, InstanceSettings } from 'n8n-core';
import {
	ApplicationError,
	NodeHelpers,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type ICredentialsHelper,
	type IDataObject,
	type INode,
	type INodeCredentials,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { PACKAGE_NAME } from '../e2e/harness/versions';
import { RunnerCredentialTypes, RunnerCredentialsHelper, loadPackageCredentialTypes } from './n8nCredentials';

interface DiContainer {
	get<T>(type: abstract new (...args: never[]) => T): T;
	set<T>(type: abstract new (...args: never[]) => T, instance: T): void;
}
interface SilentLogger {
	error(message: string): void;
	warn(message: string): void;
	info(message: string): void;
	debug(message: string): void;
	scoped(scopes: unknown): SilentLogger;
}

/*
 * n8n-core looks up its services in the `Container` of *its own* `@n8n/di`. The package's
 * top-level node_modules/@n8n/di is another version (pulled in by @n8n/node-cli), with another
 * Container, so importing '@n8n/di' here would configure a container n8n-core never reads. Both
 * the container and the Logger class (the DI token) are therefore taken from where n8n-core
 * resolves them.
 */
const coreRequire = createRequire(require.resolve('n8n-core'));
export const { Container: coreContainer } = coreRequire('@n8n/di') as { Container: DiContainer };
const Container = coreContainer;
const { Logger } = coreRequire('@n8n/backend-common') as { Logger: abstract new (...args: never[]) => SilentLogger };

export const silentLogger: SilentLogger = {
	error: () => undefined,
	warn: () => undefined,
	info: () => undefined,
	debug: () => undefined,
	scoped: () => silentLogger,
};

/**
 * Services whose constructors start an interval: every context gets the SSH tunnel helpers
 * (SSHClientsManager, a 60 s cleanup), a poll context also the scheduling helpers
 * (ScheduledTaskManager, a logging interval). Unref'd, not stopped: they still work meanwhile.
 * The scheduler is created only where it is used: creating it elsewhere delays jest's exit.
 */
type TimerService = [module: string, service: string, timer: string];
const SSH_TIMER: TimerService = ['./execution-engine/ssh-clients-manager', 'SSHClientsManager', 'cleanupTimer'];
const SCHEDULER_TIMER: TimerService = ['./execution-engine/scheduled-task-manager', 'ScheduledTaskManager', 'logInterval'];

let instanceDir: string | undefined;

/**
 * Sets the instance up once per test file (jest loads this module afresh for each) or process:
 *  - Logger: a silent one (the real one would build winston transports from env config);
 *  - InstanceSettings: real, but on a temp n8n folder with a fixed encryption key, so nothing is
 *    read from or written to ~/.n8n. Node contexts read it; the Cipher (credentials) uses its key.
 * ErrorReporter, GlobalConfig, Cipher, ExecutionContextService are left to the container: they
 * construct from env defaults without side effects.
 */
export function ensureCoreInstance(name: string, { scheduling = false } = {}): void {
	if (instanceDir) return;
	instanceDir = mkdtempSync(path.join(tmpdir(), `n8n-${name}-`));
	Container.set(Logger, silentLogger);
	Container.set(
		InstanceSettings,
		new InstanceSettings(
			{
				n8nFolder: path.join(instanceDir, '.n8n'),
				userHome: instanceDir,
				encryptionKey: `n8n-${name}-test-encryption-key`,
				enforceSettingsFilePermissions: false,
			} as unknown as ConstructorParameters<typeof InstanceSettings>[0],
			silentLogger as unknown as ConstructorParameters<typeof InstanceSettings>[1],
		),
	);
	for (const [modulePath, serviceName, timerName] of scheduling ? [SSH_TIMER, SCHEDULER_TIMER] : [SSH_TIMER]) {
		const service = (coreRequire(modulePath) as Record<string, abstract new (...args: never[]) => unknown>)[serviceName];
		const timer = (Container.get(service) as Record<string, NodeJS.Timeout | undefined>)[timerName];
		timer?.unref();
	}
}

/** Removes the temp n8n folder; a later `ensureCoreInstance` sets everything up again. */
export function disposeCoreInstance(): void {
	if (instanceDir) rmSync(instanceDir, { recursive: true, force: true });
	instanceDir = undefined;
}
// jest's sandboxed `process` never emits 'exit': there, after each test file.
if (typeof afterAll === 'function') afterAll(disposeCoreInstance);
else process.once('exit', disposeCoreInstance);

/** What n8n's server hands every node context, for a context run in-process by `who`. */
export function testAdditionalData(
	credentialsHelper: ICredentialsHelper,
	who: string,
): IWorkflowExecuteAdditionalData {
	const unavailable = (what: string) => async () => {
		throw new ApplicationError(`${what} is not available in the test ${who}`);
	};
	return {
		credentialsHelper,
		executionId: undefined,
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		userId: `${who}-user`,
		variables: {},
		externalSecretsProxy: new ExternalSecretsProxy(),
		executeWorkflow: unavailable('executeWorkflow'),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: unavailable('Task runners (Code node)'),
		setExecutionStatus: () => undefined,
		sendDataToUI: () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** The node types a test workflow knows, by full type name (`<package>.<name>`). */
export class TestNodeTypes implements INodeTypes {
	constructor(
		private readonly types: Record<string, INodeType | IVersionedNodeType>,
		private readonly who: string,
	) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types[nodeType];
		if (!type) throw new ApplicationError(`Unknown node type "${nodeType}" in the test ${this.who}`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** The type name n8n gives one of our node types: the package name as prefix. */
export function packageNodeTypeName(nodeType: INodeType | IVersionedNodeType): string {
	return `${PACKAGE_NAME}.${nodeType.description.name}`;
}

/** The node's reference to each credential type: id `id(type)`, name `<type> (test)`. */
export function nodeCredentials(types: string[], id: (type: string) => string): INodeCredentials {
	return Object.fromEntries(types.map((type) => [type, { id: id(type), name: `${type} (test)` }]));
}

/** A credentials helper with the package's credential types (and `extraTypes`) holding `credentials`. */
export function testCredentialsHelper(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	extraTypes: ICredentialType[] = [],
): RunnerCredentialsHelper {
	return new RunnerCredentialsHelper(
		new RunnerCredentialTypes([...loadPackageCredentialTypes(), ...extraTypes]),
		structuredClone(credentials),
	);
}

export interface SingleNodeOptions {
	nodeType: INodeType;
	parameters: INodeParameters;
	/** Credential data by credential type name; the node references each as `cred-<type>`. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Credential id the node references instead of `cred-<type>`. */
	credentialId?: string;
}

/**
 * One of our node types alone in a workflow, for a context run in-process by `who`: the node
 * (default name, version 1), the node types that know it, and what n8n hands its context.
 */
export function singleNodeSetup(
	who: string,
	options: SingleNodeOptions,
): { node: INode; nodeTypes: TestNodeTypes; additionalData: IWorkflowExecuteAdditionalData } {
	const type = options.nodeType;
	const typeName = packageNodeTypeName(type);
	const node: INode = {
		id: `${who.replace(/ /g, '-')}-node`,
		name: type.description.defaults.name ?? type.description.displayName,
		type: typeName,
		typeVersion: 1,
		position: [0, 0],
		parameters: structuredClone(options.parameters),
		credentials: nodeCredentials(Object.keys(options.credentials), (t) => options.credentialId ?? `cred-${t}`),
	};
	return {
		node,
		nodeTypes: new TestNodeTypes({ [typeName]: type }, who),
		additionalData: testAdditionalData(testCredentialsHelper(options.credentials), who),
	};
}
