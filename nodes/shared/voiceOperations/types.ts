import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { NodeOperation } from '../node/operation';
import type { ProviderApi, VoiceProvider } from '../providers/types';

/** What an item operation gets for one input item. */
interface OperationInput {
	context: IExecuteFunctions;
	provider: VoiceProvider;
	/** Requests for this item, through the provider's credential. */
	api: ProviderApi;
	itemIndex: number;
}

/** An operation on one voice at a time: each input item runs it once (see runEachItem). */
export interface VoiceOperation extends Omit<NodeOperation, 'run'> {
	/** The output items of one input item; the router adds `pairedItem`. */
	execute(input: OperationInput): Promise<INodeExecutionData[]>;
}
