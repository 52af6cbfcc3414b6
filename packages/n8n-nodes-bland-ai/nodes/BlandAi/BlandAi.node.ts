import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { createOperation } from '../shared/create/operation';
import { operationFields, operationProperty, renamed, runOperation } from '../shared/node/operation';
import { VOICE_OPERATIONS } from '../shared/voiceOperations/operations';
import { searchVoices } from '../shared/voices/searchVoices';

const voiceResource = { resource: ['voice'] };

// Bland calls making a voice "cloning" and its only change a rename: the operations say so. Its
// voices are usable at once, so there is no Wait for Training.
const voiceOperations = [
	renamed(createOperation, { name: 'Clone', value: 'clone', action: 'Clone a voice' }),
	VOICE_OPERATIONS.get,
	VOICE_OPERATIONS.getAll,
	renamed(VOICE_OPERATIONS.update, {
		name: 'Rename',
		value: 'rename',
		action: 'Rename a voice',
		description: 'Give a voice a new name',
	}),
	VOICE_OPERATIONS.deleteVoice,
	VOICE_OPERATIONS.speak,
];

export class BlandAi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Bland AI',
		name: 'blandAi',
		icon: { light: 'file:bland.svg', dark: 'file:bland.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description: 'Clone voices from audio samples with Bland AI, and list, rename, delete and hear them',
		defaults: { name: 'Bland AI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'blandAiApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [{ name: 'Voice', value: 'voice' }],
				default: 'voice',
			},
			operationProperty(voiceOperations, 'clone', voiceResource),
			...operationFields(voiceOperations, voiceResource),
		],
	};

	methods = {
		listSearch: { searchVoices },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await runOperation(this, voiceOperations)];
	}
}
