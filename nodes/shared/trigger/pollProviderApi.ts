import type { IPollFunctions } from 'n8n-workflow';

import type { ProviderApi, VoiceProvider } from '../providers/types';
import { connectProvider, providerApi } from '../transport/providerApi';

/**
 * How long one poll may spend on its list request, retries and rate-limit waits included. Polls
 * come at most once a minute; a poll still waiting when the next one starts would only repeat
 * the same question.
 */
const POLL_DEADLINE_MS = 45_000;

/** Provider requests for one poll, bound to its credential and deadline. */
export async function pollProviderApi(context: IPollFunctions, provider: VoiceProvider): Promise<ProviderApi> {
	const connection = await connectProvider(context, provider, 0, { deadline: Date.now() + POLL_DEADLINE_MS });
	return providerApi(connection);
}
