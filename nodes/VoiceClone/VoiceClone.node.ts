import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { operationFields, operationProperty, runOperation } from '../shared/node/operation';
import {
	providerCredentials,
	providerNameExpression,
	providerNamesText,
	providerProperty,
} from '../shared/providers/nodeDescription';
import { VOICE_OPERATIONS } from '../shared/voiceOperations/operations';
import { searchVoices } from '../shared/voices/searchVoices';

const operations = Object.values(VOICE_OPERATIONS);

/** The selected operation's name, for the subtitle ("Buena AI: Get Many"). */
const operationNameExpression = `${JSON.stringify(
	Object.fromEntries(operations.map((operation) => [operation.value, operation.name])),
)}[$parameter["operation"]]`;

export class VoiceClone implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voice Clone',
		name: 'voiceClone',
		icon: { light: 'file:voiceClones.svg', dark: 'file:voiceClones.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${providerNameExpression} + ": " + ${operationNameExpression} }}`,
		description: `List, get, rename, delete and hear cloned voices, with ${providerNamesText()}`,
		defaults: { name: 'Voice Clone' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: providerCredentials,
		properties: [providerProperty, operationProperty(operations, 'getAll'), ...operationFields(operations)],
	};

	methods = {
		listSearch: { searchVoices },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await runOperation(this, operations)];
	}
}
