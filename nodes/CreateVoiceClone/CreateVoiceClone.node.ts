import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { PROVIDERS } from '../shared/providers';
import { createVoiceClones } from './createVoiceClones';
import { createVoiceCloneProperties } from './properties';

const providerNames = Object.fromEntries(PROVIDERS.map((provider) => [provider.id, provider.displayName]));

export class CreateVoiceClone implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Create Voice Clone',
		name: 'createVoiceClone',
		icon: { light: 'file:voiceClone.svg', dark: 'file:voiceClone.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${JSON.stringify(providerNames)}[$parameter["provider"]] }}`,
		description: 'Clone a voice from audio samples in binary data, with Buena AI or Bland AI',
		defaults: { name: 'Create Voice Clone' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: PROVIDERS.map((provider) => ({
			name: provider.credentialType,
			required: true,
			displayOptions: { show: { provider: [provider.id] } },
		})),
		properties: createVoiceCloneProperties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await createVoiceClones(this)];
	}
}
