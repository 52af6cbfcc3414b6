/**
 * Calls a node type's `listSearch` method in-process with n8n-core's real `LoadOptionsContext`,
 * the context the n8n server builds when the editor opens a resource locator's "From list":
 * the node's current parameters (with defaults), `getCredentials` and
 * `helpers.httpRequestWithAuthentication` through our credential types' real `authenticate`.
 */
import { LoadOptionsContext } from 'n8n-core';
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
} from 'n8n-workflow';

import { ensureCoreInstance, testAdditionalData } from './n8nCoreInstance';
import { RunnerCredentialTypes, RunnerCredentialsHelper, loadPackageCredentialTypes } from './n8nCredentials';

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
	ensureCoreInstance('list-search');
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
	const additionalData = testAdditionalData(
		new RunnerCredentialsHelper(new RunnerCredentialTypes(loadPackageCredentialTypes()), structuredClone(options.credentials)),
		'list search',
	);
	const workflowNode = workflow.getNode(node.name) as INode;
	const context = new LoadOptionsContext(workflow, workflowNode, additionalData, `parameters.${options.parameterName}`);
	const method = type.methods?.listSearch?.[options.method];
	if (!method) throw new ApplicationError(`The node type has no listSearch method "${options.method}"`);
	return await method.call(context, options.filter);
}
