import {
	NodeOperationError,
	type IDisplayOptions,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeProperties,
} from 'n8n-workflow';

import { shownWhere } from '../execution/displayOptions';

/**
 * One operation of a node: its entry in the Operation list, its fields (without the condition that
 * shows them for it: the node adds that) and what it does with the node's input.
 */
export interface NodeOperation {
	name: string;
	value: string;
	action: string;
	description: string;
	properties: INodeProperties[];
	/** Runs on all input items: the output items, each with its `pairedItem`. */
	run(context: IExecuteFunctions): Promise<INodeExecutionData[]>;
}

type Conditions = NonNullable<IDisplayOptions['show']>;

/** The same operation under another name, e.g. "Clone" for a create where the service says so. */
export function renamed(
	operation: NodeOperation,
	names: Pick<NodeOperation, 'name' | 'value' | 'action'> & Partial<Pick<NodeOperation, 'description'>>,
): NodeOperation {
	return { ...operation, ...names };
}

/** The Operation field: the operations sorted by name, as n8n lists them; `show` places it under a resource. */
export function operationProperty(
	operations: readonly NodeOperation[],
	defaultValue: string,
	show?: Conditions,
): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		...(show ? { displayOptions: { show } } : {}),
		default: defaultValue,
		options: [...operations]
			.sort((a, b) => a.name.localeCompare(b.name))
			.map(({ name, value, action, description }) => ({ name, value, action, description })),
	};
}

/** Every operation's fields, each shown only for its operation (and where `show` also holds). */
export function operationFields(operations: readonly NodeOperation[], show: Conditions = {}): INodeProperties[] {
	return operations.flatMap((operation) => shownWhere(operation.properties, { ...show, operation: [operation.value] }));
}

/** Runs the operation the node is set to (one for all items: the Operation field takes no expression). */
export async function runOperation(
	context: IExecuteFunctions,
	operations: readonly NodeOperation[],
): Promise<INodeExecutionData[]> {
	const value = context.getNodeParameter('operation', 0) as string;
	const operation = operations.find((candidate) => candidate.value === value);
	if (!operation) {
		throw new NodeOperationError(context.getNode(), `Unknown operation "${value}"`, {
			description: `The operations are ${operations.map((candidate) => `"${candidate.value}"`).join(', ')}.`,
		});
	}
	return await operation.run(context);
}
