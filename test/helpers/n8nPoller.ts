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
	Workflow,
	type IDataObject,
	type INode,
	type INodeExecutionData,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { ensureCoreInstance, singleNodeSetup, type SingleNodeOptions } from './n8nCoreInstance';

export interface PollerOptions extends SingleNodeOptions {
	/** The workflow's static data at the start, as n8n would load it from the database. */
	staticData?: IDataObject;
}

/** One active workflow with the trigger in it; each `poll()` is one tick of n8n's schedule. */
export class Poller {
	readonly workflow: Workflow;
	readonly node: INode;
	private readonly additionalData: IWorkflowExecuteAdditionalData;

	constructor(options: PollerOptions) {
		ensureCoreInstance('poller', { scheduling: true });
		const { node, nodeTypes, additionalData } = singleNodeSetup('poller', options);
		this.node = node;
		this.workflow = new Workflow({
			id: 'poller-workflow',
			name: 'poller',
			nodes: [this.node],
			connections: {},
			nodeTypes,
			staticData: structuredClone(options.staticData ?? {}),
			settings: { executionOrder: 'v1' },
			active: true,
		});
		this.additionalData = additionalData;
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
