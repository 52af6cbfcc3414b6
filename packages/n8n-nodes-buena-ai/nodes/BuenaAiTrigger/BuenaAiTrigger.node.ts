import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import { pollVoiceEvents } from '../shared/trigger/pollVoiceEvents';
import { voiceCloneTriggerProperties } from '../shared/trigger/properties';

export class BuenaAiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Buena AI Trigger',
		name: 'buenaAiTrigger',
		icon: { light: 'file:buena.svg', dark: 'file:buena.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ [].concat($parameter["events"] || []).join(", ") }}',
		description: 'Starts the workflow when a Buena AI voice clone appears, finishes training or fails',
		defaults: { name: 'Buena AI Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'buenaAiApi', required: true }],
		properties: voiceCloneTriggerProperties,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollVoiceEvents(this);
	}
}
