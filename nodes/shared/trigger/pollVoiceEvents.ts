import {
	NodeOperationError,
	type IDataObject,
	type INodeExecutionData,
	type IPollFunctions,
} from 'n8n-workflow';

import type { VoiceProvider, VoiceRecord } from '../providers/types';
import { selectedProvider } from '../providers/selectedProvider';
import { pollProviderApi } from './pollProviderApi';
import {
	detectVoiceEvents,
	newestMatchingVoice,
	readMemory,
	VOICE_EVENTS,
	type VoiceEvent,
	type VoiceEventItem,
} from './voiceEvents';

interface TriggerSettings {
	provider: VoiceProvider;
	events: VoiceEvent[];
	includeExisting: boolean;
	nameContains: string;
}

function readSettings(context: IPollFunctions): TriggerSettings {
	const node = context.getNode();
	const provider = selectedProvider(context);
	const rawEvents = [context.getNodeParameter('events', [])].flat() as unknown[];
	const unknown = rawEvents.filter((event) => !VOICE_EVENTS.includes(event as VoiceEvent));
	if (unknown.length) {
		throw new NodeOperationError(node, `Unknown event ${unknown.map((e) => JSON.stringify(e)).join(', ')} in Events`, {
			description: `Events can be ${VOICE_EVENTS.map((e) => `"${e}"`).join(', ')}.`,
		});
	}
	if (!rawEvents.length) {
		throw new NodeOperationError(node, 'No event chosen in Events', {
			description: 'Choose at least one event that starts the workflow.',
		});
	}
	const options = context.getNodeParameter('options', {}) as IDataObject;
	return {
		provider,
		events: rawEvents as VoiceEvent[],
		includeExisting: options.includeExisting === true,
		nameContains: typeof options.nameContains === 'string' ? options.nameContains.trim().toLowerCase() : '',
	};
}

/** The provider and credential the memory belongs to: another of either starts afresh. */
function accountKey(context: IPollFunctions, provider: VoiceProvider): string {
	const credential = context.getNode().credentials?.[provider.credentialType];
	return `${provider.id}:${credential?.id ?? credential?.name ?? ''}`;
}

function toItem({ event, voice }: VoiceEventItem<VoiceRecord>): INodeExecutionData {
	return { json: { event, ...voice } as unknown as IDataObject };
}

/**
 * One poll: a single list of the account's voices, compared with what the previous poll noted in
 * the workflow's static data. Returns one item per event, or null when nothing happened.
 */
export async function pollVoiceEvents(context: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const settings = readSettings(context);
	const { provider } = settings;
	const api = await pollProviderApi(context, provider);
	const voices = await provider.listVoices(api);
	const nameMatches = (voice: VoiceRecord) =>
		!settings.nameContains || voice.name.toLowerCase().includes(settings.nameContains);

	if (context.getMode() === 'manual') {
		const newest = newestMatchingVoice(voices.filter(nameMatches), settings.events);
		return newest ? [[toItem(newest)]] : null;
	}

	const account = accountKey(context, provider);
	const staticData = context.getWorkflowStaticData('node');
	const detection = detectVoiceEvents(readMemory(staticData, account), voices, {
		account,
		events: settings.events,
		includeExisting: settings.includeExisting,
		now: Date.now(),
	});
	const { memory } = detection;
	const keys = ['version', 'account', 'voices', 'missing'] as const;
	if (keys.some((key) => JSON.stringify(staticData[key]) !== JSON.stringify(memory[key]))) {
		// Assigned key by key: n8n's static data object notes each change, and saves it with the next execution.
		staticData.version = memory.version;
		staticData.account = memory.account;
		staticData.voices = memory.voices;
		staticData.missing = memory.missing;
	}
	const items = detection.events.filter(({ voice }) => nameMatches(voice)).map(toItem);
	return items.length ? [items] : null;
}
