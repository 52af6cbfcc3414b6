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
import { createVoiceClones } from '../shared/create/createVoiceClones';
import { createVoiceCloneProperties } from '../shared/create/properties';

export class CreateVoiceClone implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Create Voice Clone',
		name: 'createVoiceClone',
		icon: { light: 'file:voiceClone.svg', dark: 'file:voiceClone.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${providerNameExpression} }}`,
		description: `Clone a voice from audio samples in binary data, with ${providerNamesText()}`,
		defaults: { name: 'Create Voice Clone' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: providerCredentials,
		properties: [providerProperty, ...createVoiceCloneProperties],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await createVoiceClones(this)];
	}
}
