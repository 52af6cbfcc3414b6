import { VOICE_STATUSES, type VoiceStatus } from '../providers/types';
import { newestFirst } from '../voices/newestFirst';

/** What the trigger reports: a voice appeared, finished training, or failed training. */
export type VoiceEvent = 'created' | 'ready' | 'failed';
export const VOICE_EVENTS: readonly VoiceEvent[] = ['created', 'ready', 'failed'];

type Outcome = 'ready' | 'failed';

/** The least the trigger needs to know about a listed voice. */
export interface ListedVoice {
	voiceId: string;
	status: VoiceStatus;
	createdAt?: string | null;
}

/**
 * What the trigger keeps in the workflow's static data between polls: for each voice still
 * listed, its last status, followed by any outcome already reported that is not that status
 * (`"ready"`, `"processing"`, `"processing+ready"`). `account` names the provider and
 * credential the memory belongs to, so switching either starts afresh instead of reporting a
 * whole other account as new.
 */
export interface TriggerMemory {
	version: 1;
	account: string;
	voices: Record<string, string>;
}

export interface VoiceEventItem<V extends ListedVoice> {
	event: VoiceEvent;
	voice: V;
}

interface DetectOptions {
	/** Provider and credential, e.g. `buena:credentialId`. */
	account: string;
	/** The events the user asked for; others are remembered but not reported. */
	events: readonly VoiceEvent[];
	/** On the first poll (no memory), report the voices that already exist. */
	includeExisting: boolean;
}

interface Detection<V extends ListedVoice> {
	events: Array<VoiceEventItem<V>>;
	memory: TriggerMemory;
}

interface Remembered {
	status: VoiceStatus;
	done: Set<Outcome>;
}

function isOutcome(status: VoiceStatus): status is Outcome {
	return status === 'ready' || status === 'failed';
}

function parseEntry(value: unknown): Remembered | undefined {
	if (typeof value !== 'string') return undefined;
	const [head, ...rest] = value.split('+');
	const status = VOICE_STATUSES.find((s) => s === head);
	if (!status) return undefined;
	const done = new Set<Outcome>(rest.filter((r): r is Outcome => r === 'ready' || r === 'failed'));
	if (isOutcome(status)) done.add(status);
	return { status, done };
}

function formatEntry({ status, done }: Remembered): string {
	return [status, ...[...done].filter((outcome) => outcome !== status).sort()].join('+');
}

/** The memory when it is usable for this account; anything else counts as no memory. */
export function readMemory(stored: unknown, account: string): TriggerMemory | undefined {
	if (!stored || typeof stored !== 'object') return undefined;
	const memory = stored as Partial<TriggerMemory>;
	if (memory.version !== 1 || memory.account !== account) return undefined;
	if (!memory.voices || typeof memory.voices !== 'object') return undefined;
	return { version: 1, account, voices: memory.voices };
}

/** Voices without a creation date count as the newest: they are reported after the dated ones. */
const byAge = newestFirst('newest');

/**
 * Compares the voices listed now with what the previous poll remembered. Each voice is reported
 * at most once per event: `created` the first time it is listed, `ready` / `failed` the first
 * time it is seen with that status (also when it is first listed already trained). Voices no
 * longer listed are forgotten. Events come oldest voice first, a voice's `created` before its
 * outcome.
 */
export function detectVoiceEvents<V extends ListedVoice>(
	previous: TriggerMemory | undefined,
	current: readonly V[],
	options: DetectOptions,
): Detection<V> {
	const firstPoll = previous === undefined || previous.account !== options.account;
	const before = firstPoll ? {} : previous.voices;
	const wanted = new Set(options.events);
	const voices: Record<string, string> = {};
	const handled = new Set<string>();
	const found: Array<VoiceEventItem<V> & { order: number }> = [];
	const report = (event: VoiceEvent, voice: V, order: number) => {
		if (wanted.has(event)) found.push({ event, voice, order });
	};

	current.forEach((voice, order) => {
		if (!voice.voiceId || handled.has(voice.voiceId)) return;
		handled.add(voice.voiceId);
		const remembered = Object.prototype.hasOwnProperty.call(before, voice.voiceId)
			? (parseEntry(before[voice.voiceId]) ?? { status: 'processing', done: new Set<Outcome>() })
			: undefined;
		const silent = firstPoll && !options.includeExisting;
		const done = new Set<Outcome>(remembered?.done ?? []);
		if (!remembered && !silent) report('created', voice, order);
		if (isOutcome(voice.status) && !done.has(voice.status)) {
			if (!silent) report(voice.status, voice, order);
			done.add(voice.status);
		}
		voices[voice.voiceId] = formatEntry({ status: voice.status, done });
	});

	found.sort((a, b) => byAge(b.voice, a.voice) || a.order - b.order);
	return {
		events: found.map(({ event, voice }) => ({ event, voice })),
		memory: { version: 1, account: options.account, voices },
	};
}

/**
 * For a manual test run: the newest voice that one of the chosen events could be about (any
 * voice for `created`, a trained one for `ready`, a failed one for `failed`), with that event.
 * Voices without a creation date count as newer the later they are listed.
 */
export function newestMatchingVoice<V extends ListedVoice>(
	current: readonly V[],
	events: readonly VoiceEvent[],
): VoiceEventItem<V> | undefined {
	let newest: VoiceEventItem<V> | undefined;
	for (const voice of current) {
		const event: VoiceEvent | undefined =
			isOutcome(voice.status) && events.includes(voice.status)
				? voice.status
				: events.includes('created')
					? 'created'
					: undefined;
		if (!event) continue;
		// As new as the newest so far or newer: of voices created at the same time, the last listed wins.
		if (!newest || byAge(voice, newest.voice) <= 0) newest = { event, voice };
	}
	return newest;
}
