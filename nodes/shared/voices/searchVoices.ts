import type { ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import type { VoiceRecord } from '../providers/types';
import { selectedProvider } from '../providers/selectedProvider';
import { connectProvider, providerApi } from '../transport/providerApi';
import { newestFirst } from './newestFirst';

/** How a voice reads in the picker: its name (or ID) and, while it is not ready, its status. */
function voiceListItem(voice: VoiceRecord): INodeListSearchItems {
	const label = voice.name || voice.voiceId;
	const progress = voice.status === 'processing' && voice.trainingProgress !== null ? ` ${voice.trainingProgress}%` : '';
	return {
		name: `${label} (${voice.status}${progress})`,
		value: voice.voiceId,
	};
}

/**
 * The "From List" of every voice picker: the voices of the account behind the node's credential,
 * newest first, searched by name or ID. Each search lists the whole account (every page, for a
 * provider that pages its list) and filters it here: the provider is not asked to search.
 */
export async function searchVoices(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const provider = selectedProvider(this);
	const api = providerApi(await connectProvider(this, provider, 0));
	const needle = filter?.trim().toLowerCase();
	const voices = (await provider.listVoices(api)).filter(
		(voice) =>
			!needle || voice.name.toLowerCase().includes(needle) || voice.voiceId.toLowerCase().includes(needle),
	);
	// Newest first; voices without a creation date last, in the provider's order.
	return { results: voices.sort(newestFirst('oldest')).map(voiceListItem) };
}
