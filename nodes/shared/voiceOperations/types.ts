import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import type { ProviderApi, VoiceProvider } from '../providers/types';

/** What an operation gets for one input item. */
interface OperationInput {
	context: IExecuteFunctions;
	provider: VoiceProvider;
	/** Requests for this item, through the provider's credential. */
	api: ProviderApi;
	itemIndex: number;
}

/** One operation of the node: its entry in the Operation list, its fields, and what it does with one item. */
export interface VoiceOperation {
	name: string;
	value: string;
	action: string;
	description: string;
	/** Its fields, shown only when it is selected. */
	properties: INodeProperties[];
	/** The output items of one input item; the router adds `pairedItem`. */
	execute(input: OperationInput): Promise<INodeExecutionData[]>;
}
