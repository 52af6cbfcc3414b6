import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import {
	providerCredentials,
	providerNameExpression,
	providerNamesText,
	providerProperty,
} from '../shared/providers/nodeDescription';
import { searchVoices } from '../shared/voices/searchVoices';
import { OPERATIONS, operationProperties, operationProperty } from '../shared/voiceOperations/operations';

/** The selected operation's name, for the subtitle ("Buena AI: Get Many"). */
const operationNameExpression = `${JSON.stringify(
	Object.fromEntries(Object.values(OPERATIONS).map((operation) => [operation.value, operation.name])),
)}[$parameter["operation"]]`;
import { router } from '../shared/voiceOperations/router';

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
		properties: [providerProperty, operationProperty, ...operationProperties],
	};

	methods = {
		listSearch: { searchVoices },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router(this);
	}
}
