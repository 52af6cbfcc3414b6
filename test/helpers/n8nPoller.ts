/**
 * Runs a polling trigger's `poll()` in-process with n8n-core's real `PollContext`, the context
 * n8n's ActiveWorkflows hands a poller: parameters with their defaults, `getCredentials` and
 * `helpers.httpRequestWithAuthentication` through our credential types' real `authenticate`,
 * `getMode()`, and `getWorkflowStaticData('node')` on a real `Workflow` whose static data lives
 * between polls exactly as it does in an active workflow of `n8n start` (in memory, on the
 * Workflow object; n8n writes it to the database after activation and with each emitted
 * execution).
 *
 * What it does not do: the cron schedule and the database. The e2e tests cover those in a real
 * `n8n start` (test/e2e/trigger.e2e.test.ts).
 */
import { PollContext } from 'n8n-core';
import {
	ApplicationError,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type INodeParameters,
	type INodeType,
	type INodeTypes,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { ensureCoreInstance, testAdditionalData } from './n8nCoreInstance';
import { RunnerCredentialTypes, RunnerCredentialsHelper, loadPackageCredentialTypes } from './n8nCredentials';

const PACKAGE_NODE_PREFIX = 'n8n-nodes-voice-clone';

class SingleNodeTypes implements INodeTypes {
	constructor(
		private readonly name: string,
		private readonly type: INodeType,
	) {}

	getByName(nodeType: string): INodeType {
		if (nodeType !== this.name) throw new ApplicationError(`Unknown node type "${nodeType}" in the test poller`);
		return this.type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

export interface PollerOptions {
	nodeType: INodeType;
	parameters: INodeParameters;
	/** Credential data by credential type name; the node references each as `cred-<type>`. */
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** The workflow's static data at the start, as n8n would load it from the database. */
	staticData?: IDataObject;
	/** Credential id the node references (default `cred-<type>`). */
	credentialId?: string;
}

/** One active workflow with the trigger in it; each `poll()` is one tick of n8n's schedule. */
export class Poller {
	readonly workflow: Workflow;
	readonly node: INode;
	private readonly additionalData: IWorkflowExecuteAdditionalData;

	constructor(options: PollerOptions) {
		ensureCoreInstance('poller', { scheduling: true });
		const typeName = `${PACKAGE_NODE_PREFIX}.${options.nodeType.description.name}`;
		this.node = {
			id: 'poller-node',
			name: options.nodeType.description.defaults.name ?? options.nodeType.description.displayName,
			type: typeName,
			typeVersion: 1,
			position: [0, 0],
			parameters: structuredClone(options.parameters),
			credentials: Object.fromEntries(
				Object.keys(options.credentials).map((type) => [
					type,
					{ id: options.credentialId ?? `cred-${type}`, name: `${type} (test)` },
				]),
			),
		};
		this.workflow = new Workflow({
			id: 'poller-workflow',
			name: 'poller',
			nodes: [this.node],
			connections: {},
			nodeTypes: new SingleNodeTypes(typeName, options.nodeType),
			staticData: structuredClone(options.staticData ?? {}),
			settings: { executionOrder: 'v1' },
			active: true,
		});
		const credentialsHelper = new RunnerCredentialsHelper(
			new RunnerCredentialTypes(loadPackageCredentialTypes()),
			structuredClone(options.credentials),
		);
		this.additionalData = testAdditionalData(credentialsHelper, 'poller');
	}

	/**
	 * One poll in `mode`: 'trigger' is a scheduled poll of an active workflow, 'manual' the
	 * editor's "Fetch Test Event". Resolves with what poll() returned (null: nothing to emit).
	 */
	async poll(mode: WorkflowExecuteMode = 'trigger'): Promise<INodeExecutionData[][] | null> {
		const node = this.workflow.getNode(this.node.name) as INode;
		const context = new PollContext(this.workflow, node, this.additionalData, mode, 'activate');
		const type = this.workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (!type.poll) throw new ApplicationError('The node type has no poll()');
		return await type.poll.call(context);
	}

	/** The node's static data as n8n would save it (without n8n's change marker). */
	nodeStaticData(): IDataObject {
		const data = this.workflow.getStaticData('node', this.node);
		return JSON.parse(JSON.stringify(data)) as IDataObject;
	}

	/** Whether n8n would now write the static data to the database (its change marker). */
	staticDataChanged(): boolean {
		return (this.workflow.staticData as IDataObject).__dataChanged === true;
	}

	/** What n8n does after saving the static data: clear the change marker. */
	markStaticDataSaved(): void {
		(this.workflow.staticData as IDataObject).__dataChanged = false;
	}
}

/** The JSON of each emitted item, or null. */
export function emittedJson(result: INodeExecutionData[][] | null): IDataObject[] | null {
	return result === null ? null : result.flat().map((item) => item.json);
}
