import { bland } from './bland';
import { buena } from './buena';
import type { VoiceProvider } from './types';

/**
 * Every provider this package's nodes offer. A new provider is one module plus one line here. A
 * single-service package has its own copy of this file, listing only its provider.
 */
export const PROVIDERS: readonly VoiceProvider[] = [buena, bland];

export type { VoiceProvider } from './types';
