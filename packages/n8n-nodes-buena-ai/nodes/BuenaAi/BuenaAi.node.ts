import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { createOperation } from '../shared/create/operation';
import { operationFields, operationProperty, runOperation } from '../shared/node/operation';
import { VOICE_OPERATIONS } from '../shared/voiceOperations/operations';
import { searchVoices } from '../shared/voices/searchVoices';
import { waitForTrainingOperation } from '../shared/waitForTraining/operation';

const voiceCloneResource = { resource: ['voiceClone'] };

const voiceCloneOperations = [
	createOperation,
	waitForTrainingOperation,
	VOICE_OPERATIONS.get,
	VOICE_OPERATIONS.getAll,
	VOICE_OPERATIONS.update,
	VOICE_OPERATIONS.deleteVoice,
	VOICE_OPERATIONS.speak,
];

export class BuenaAi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Buena AI',
		name: 'buenaAi',
		icon: { light: 'file:buena.svg', dark: 'file:buena.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Clone voices from audio samples with Buena AI, wait for their training, and manage and hear them',
		defaults: { name: 'Buena AI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'buenaAiApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Voice Clone', value: 'voiceClone' }],
				default: 'voiceClone',
			},
			operationProperty(voiceCloneOperations, 'create', voiceCloneResource),
			...operationFields(voiceCloneOperations, voiceCloneResource),
		],
	};

	methods = {
		listSearch: { searchVoices },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await runOperation(this, voiceCloneOperations)];
	}
}
