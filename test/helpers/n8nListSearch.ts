/**
 * Calls a node type's `listSearch` method in-process with n8n-core's real `LoadOptionsContext`,
 * the context the n8n server builds when the editor opens a resource locator's "From list":
 * the node's current parameters (with defaults), `getCredentials` and
 * `helpers.httpRequestWithAuthentication` through our credential types' real `authenticate`.
 */
import { LoadOptionsContext } from 'n8n-core';
import { ApplicationError, Workflow, type INode, type INodeListSearchResult } from 'n8n-workflow';

import { ensureCoreInstance, singleNodeSetup, type SingleNodeOptions } from './n8nCoreInstance';

export interface ListSearchOptions extends Omit<SingleNodeOptions, 'credentialId'> {
	/** The `searchListMethod` of the resource locator. */
	method: string;
	/** The resource locator being searched, e.g. 'voiceId'. */
	parameterName: string;
	/** What the user typed in the list's search box. */
	filter?: string;
}

export async function listSearch(options: ListSearchOptions): Promise<INodeListSearchResult> {
	ensureCoreInstance('list-search');
	const { node, nodeTypes, additionalData } = singleNodeSetup('list search', options);
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes, settings: { executionOrder: 'v1' } });
	const workflowNode = workflow.getNode(node.name) as INode;
	const context = new LoadOptionsContext(workflow, workflowNode, additionalData, `parameters.${options.parameterName}`);
	const method = options.nodeType.methods?.listSearch?.[options.method];
	if (!method) throw new ApplicationError(`The node type has no listSearch method "${options.method}"`);
	return await method.call(context, options.filter);
}
