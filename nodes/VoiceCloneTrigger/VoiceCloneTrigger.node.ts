import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';

import {
	providerCredentials,
	providerNameExpression,
	providerNamesText,
	providerProperty,
} from '../shared/providers/nodeDescription';
import { pollVoiceEvents } from '../shared/trigger/pollVoiceEvents';
import { voiceCloneTriggerProperties } from '../shared/trigger/properties';

export class VoiceCloneTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Voice Clone Trigger',
		name: 'voiceCloneTrigger',
		icon: { light: 'file:voiceCloneTrigger.svg', dark: 'file:voiceCloneTrigger.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: `={{ ${providerNameExpression} + ": " + [].concat($parameter["events"] || []).join(", ") }}`,
		description: `Starts the workflow when a cloned voice appears, finishes training or fails, with ${providerNamesText()}`,
		defaults: { name: 'Voice Clone Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: providerCredentials,
		properties: [providerProperty, ...voiceCloneTriggerProperties],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollVoiceEvents(this);
	}
}
