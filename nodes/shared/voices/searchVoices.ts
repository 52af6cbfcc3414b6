import {
	NodeApiError,
	type ILoadOptionsFunctions,
	type INodeListSearchItems,
	type INodeListSearchResult,
	type JsonObject,
} from 'n8n-workflow';

import type { VoiceRecord } from '../providers/types';
import { selectedProvider } from '../providers/selectedProvider';
import { deadlineReason } from '../transport/deadline';
import { connectProvider, providerApi } from '../transport/providerApi';
import { newestFirst } from './newestFirst';

/** The longest one search of a picker may take: the editor's list spins meanwhile. */
export const SEARCH_TIMEOUT_MS = 15_000;

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
 * A search that ran out of time, as the editor shows it under "Could not load list": a
 * NodeApiError, because n8n passes its message, HTTP code and description to the list (of any
 * other error only the message). No dashes in the message: the editor splits it at dashes.
 */
function searchTimeoutError(context: ILoadOptionsFunctions, providerName: string, reason: string, error: unknown): NodeApiError {
	const httpCode = (error as { httpCode?: unknown }).httpCode;
	return new NodeApiError(context.getNode(), { message: reason } as JsonObject, {
		message: `The voice list did not load within ${SEARCH_TIMEOUT_MS / 1000} s: ${reason}`,
		description: `${providerName} did not list the voices in time. Open the list again in a moment, or choose By ID and enter the voice ID.`,
		httpCode: typeof httpCode === 'string' ? httpCode : undefined,
	});
}

/**
 * The "From List" of every voice picker: the voices of the account behind the node's credential,
 * newest first, searched by name or ID. Each search lists the whole account (every page, for a
 * provider that pages its list) and filters it here: the provider is not asked to search. One
 * search, retries and rate-limit waits included, takes at most SEARCH_TIMEOUT_MS.
 */
export async function searchVoices(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const provider = selectedProvider(this);
	const deadline = Date.now() + SEARCH_TIMEOUT_MS;
	const api = providerApi(await connectProvider(this, provider, 0, { deadline }));
	const needle = filter?.trim().toLowerCase();
	const listed = await provider.listVoices(api).catch((error: unknown) => {
		const reason = deadlineReason(error);
		throw reason === undefined ? error : searchTimeoutError(this, provider.displayName, reason, error);
	});
	const voices = listed.filter(
		(voice) =>
			!needle || voice.name.toLowerCase().includes(needle) || voice.voiceId.toLowerCase().includes(needle),
	);
	// Newest first; voices without a creation date last, in the provider's order.
	return { results: voices.sort(newestFirst('oldest')).map(voiceListItem) };
}
