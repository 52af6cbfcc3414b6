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
import { longWaitNotice, waitForTrainingFields } from '../shared/waitForTraining/properties';
import { waitForTraining } from '../shared/waitForTraining/waitForTraining';

export class WaitForTraining implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Wait for Training',
		name: 'waitForTraining',
		icon: { light: 'file:waitForTraining.svg', dark: 'file:waitForTraining.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: `={{ ${providerNameExpression} + ($parameter["checkOnce"] ? ": check once" : "") }}`,
		description: `Wait until a cloned voice has finished training and can be used, with ${providerNamesText()}`,
		defaults: { name: 'Wait for Training' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: providerCredentials,
		properties: [longWaitNotice, providerProperty, ...waitForTrainingFields],
	};

	methods = {
		listSearch: { searchVoices },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [await waitForTraining(this)];
	}
}
