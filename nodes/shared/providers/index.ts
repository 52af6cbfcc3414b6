import { bland } from './bland';
import { buena } from './buena';
import type { VoiceProvider } from './types';

/** Every provider the nodes offer. A new provider is one module plus one line here. */
export const PROVIDERS: readonly VoiceProvider[] = [buena, bland];

export function providerById(id: string): VoiceProvider | undefined {
	return PROVIDERS.find((provider) => provider.id === id);
}

export type { VoiceProvider } from './types';
