import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { RunMemory } from '../execution/runMemory';
import type { NodeOperation } from '../node/operation';
import type { ProviderApi, VoiceProvider } from '../providers/types';

/** What an item operation gets for one input item. */
interface OperationInput {
	context: IExecuteFunctions;
	provider: VoiceProvider;
	/** Requests for this item, through the provider's credential, within the item's Timeout. */
	api: ProviderApi;
	itemIndex: number;
	/**
	 * What earlier tries of this node run did, per item (see runMemory.ts), for an operation whose
	 * requests must not be repeated by n8n's Retry On Fail. Forgotten once every item succeeded.
	 */
	runMemory<T extends IDataObject>(): RunMemory<T>;
}

/** An operation on one voice at a time: each input item runs it once (see runEachItem). */
export interface VoiceOperation extends Omit<NodeOperation, 'run'> {
	/** The output items of one input item; the router adds `pairedItem`. */
	execute(input: OperationInput): Promise<INodeExecutionData[]>;
	/** What the item does, for an error that says it did not finish in time: `Get voice "vc_1"`. */
	subject(context: IExecuteFunctions, itemIndex: number): string;
}
