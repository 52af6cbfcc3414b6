import type { INodeProperties } from 'n8n-workflow';

import { deleteVoice } from './delete.operation';
import { get } from './get.operation';
import { getAll } from './getAll.operation';
import { speak } from './speak.operation';
import type { VoiceOperation } from './types';
import { update } from './update.operation';

/** Every operation, found by its value: the router looks it up here, no switch. */
export const OPERATIONS: Readonly<Record<string, VoiceOperation>> = Object.fromEntries(
	[deleteVoice, get, getAll, speak, update].map((operation) => [operation.value, operation]),
);

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'getAll',
	options: Object.values(OPERATIONS).map(({ name, value, action, description }) => ({ name, value, action, description })),
};

export const operationProperties: INodeProperties[] = Object.values(OPERATIONS).flatMap((operation) => operation.properties);
