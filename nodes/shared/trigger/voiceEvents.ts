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
 * What the trigger keeps in the workflow's static data between polls. A voice's entry is its last
 * status, followed by any outcome already reported that is not that status (`"ready"`,
 * `"processing"`, `"processing+ready"`). `voices` holds the voices the latest poll listed;
 * `missing` those it knew that the latest listing left out, with when a poll first missed them.
 * `account` names the provider and credential the memory belongs to, so switching either starts
 * afresh instead of reporting a whole other account as new.
 *
 * Version 1 had no `missing` (it forgot a voice as soon as a listing left it out); it is still read.
 */
export interface TriggerMemory {
	version: 2;
	account: string;
	voices: Record<string, string>;
	missing: Record<string, MissingVoice>;
}

export interface MissingVoice {
	/** The voice's entry when it was last listed. */
	status: string;
	/** When a poll first missed it: ISO 8601, by the n8n host's clock. */
	since: string;
}

/**
 * How long a voice the listing no longer shows is remembered, and how many such voices at most.
 *
 * A voice a listing leaves out is usually still there: a provider hiccup, a page that shifted
 * while it was read, a replica that lags. Forgetting it would report it `created` (and its outcome
 * again) when it is listed again. A deleted voice does not come back (its id is not given to a
 * new voice), so remembering it only costs space. Hence:
 * - a missing voice is remembered until 30 days after the poll that first missed it: always
 *   through at least one more poll, whatever Poll Times says, and far longer than a hiccup or a
 *   lagging listing lasts;
 * - of the voices that polls before the latest one missed too, at most 500 are remembered (those
 *   missing longest are dropped first): under 50 KB of static data. A voice only the latest poll
 *   missed is never dropped, so one empty or short listing forgets nothing, however large the
 *   account.
 * A voice that comes back after it was dropped counts as new.
 */
export const MISSING_VOICE_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;
export const MAX_MISSING_VOICES = 500;

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
	/** The time of this poll (epoch ms): when the voices it does not list went missing. */
	now: number;
}

interface Detection<V extends ListedVoice> {
	events: Array<VoiceEventItem<V>>;
	memory: TriggerMemory;
}

interface Remembered {
	status: VoiceStatus;
	done: Set<Outcome>;
}

const hasOwn = (record: object, key: string) => Object.prototype.hasOwnProperty.call(record, key);

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

/** The same record with its keys in order: the memory reads the same however the provider orders its list. */
function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
	const sorted: Record<string, T> = {};
	for (const key of Object.keys(record).sort()) sorted[key] = record[key];
	return sorted;
}

function readMissing(stored: unknown): Record<string, MissingVoice> {
	const missing: Record<string, MissingVoice> = {};
	if (!stored || typeof stored !== 'object') return missing;
	for (const [voiceId, value] of Object.entries(stored as Record<string, unknown>)) {
		const entry = (value ?? {}) as Partial<MissingVoice>;
		// An entry that cannot be read still says the voice was seen: better kept than reported again.
		missing[voiceId] = {
			status: typeof entry.status === 'string' ? entry.status : '',
			since: typeof entry.since === 'string' ? entry.since : '',
		};
	}
	return missing;
}

/** The memory when it is usable for this account (version 1 or 2); anything else counts as no memory. */
export function readMemory(stored: unknown, account: string): TriggerMemory | undefined {
	if (!stored || typeof stored !== 'object') return undefined;
	const memory = stored as { version?: unknown; account?: unknown; voices?: unknown; missing?: unknown };
	if ((memory.version !== 1 && memory.version !== 2) || memory.account !== account) return undefined;
	if (!memory.voices || typeof memory.voices !== 'object') return undefined;
	return {
		version: 2,
		account,
		voices: memory.voices as Record<string, string>,
		missing: memory.version === 2 ? readMissing(memory.missing) : {},
	};
}

/**
 * The voices `previous` knew that `listed` does not show, as MISSING_VOICE_RETENTION_MS and
 * MAX_MISSING_VOICES say to keep them. A `since` that cannot be read counts as now.
 */
function stillMissing(
	previous: TriggerMemory,
	listed: ReadonlySet<string>,
	now: number,
): Record<string, MissingVoice> {
	const nowIso = new Date(now).toISOString();
	const missing: Record<string, MissingVoice> = {};
	// Voices earlier polls missed too, that the cap may drop: [voiceId, since].
	const missedBefore: Array<[string, number]> = [];
	for (const [voiceId, status] of Object.entries(previous.voices)) {
		if (!listed.has(voiceId)) missing[voiceId] = { status, since: nowIso };
	}
	for (const [voiceId, entry] of Object.entries(previous.missing)) {
		if (listed.has(voiceId) || hasOwn(missing, voiceId)) continue;
		const since = Date.parse(entry.since);
		if (Number.isNaN(since)) {
			missing[voiceId] = { status: entry.status, since: nowIso };
		} else if (now - since < MISSING_VOICE_RETENTION_MS) {
			missing[voiceId] = entry;
			missedBefore.push([voiceId, since]);
		}
	}
	// Missing longest first; the id breaks ties, so the same memory always drops the same voices.
	missedBefore.sort(([aId, a], [bId, b]) => a - b || (aId < bId ? -1 : 1));
	const over = Math.max(0, missedBefore.length - MAX_MISSING_VOICES);
	for (const [voiceId] of missedBefore.slice(0, over)) delete missing[voiceId];
	return sortedByKey(missing);
}

/** Voices without a creation date count as the newest: they are reported after the dated ones. */
const byAge = newestFirst('newest');

/**
 * Compares the voices listed now with what the previous polls remembered. Each voice is reported
 * at most once per event: `created` the first time it is listed, `ready` / `failed` the first
 * time it is seen with that status (also when it is first listed already trained). A voice the
 * listing leaves out is remembered as missing (see MISSING_VOICE_RETENTION_MS), so when it is
 * listed again it is not new. Events come oldest voice first, a voice's `created` before its
 * outcome.
 */
export function detectVoiceEvents<V extends ListedVoice>(
	previous: TriggerMemory | undefined,
	current: readonly V[],
	options: DetectOptions,
): Detection<V> {
	const known = previous?.account === options.account ? previous : undefined;
	const silent = !known && !options.includeExisting;
	const wanted = new Set(options.events);
	const voices: Record<string, string> = {};
	const handled = new Set<string>();
	const found: Array<VoiceEventItem<V> & { order: number }> = [];
	const report = (event: VoiceEvent, voice: V, order: number) => {
		if (wanted.has(event) && !silent) found.push({ event, voice, order });
	};
	const rememberedEntry = (voiceId: string): string | undefined => {
		if (!known) return undefined;
		if (hasOwn(known.voices, voiceId)) return known.voices[voiceId];
		if (hasOwn(known.missing, voiceId)) return known.missing[voiceId].status;
		return undefined;
	};

	current.forEach((voice, order) => {
		if (!voice.voiceId || handled.has(voice.voiceId)) return;
		handled.add(voice.voiceId);
		const entry = rememberedEntry(voice.voiceId);
		const remembered =
			entry === undefined ? undefined : (parseEntry(entry) ?? { status: 'processing', done: new Set<Outcome>() });
		const done = new Set<Outcome>(remembered?.done ?? []);
		if (!remembered) report('created', voice, order);
		if (isOutcome(voice.status) && !done.has(voice.status)) {
			report(voice.status, voice, order);
			done.add(voice.status);
		}
		voices[voice.voiceId] = formatEntry({ status: voice.status, done });
	});

	found.sort((a, b) => byAge(b.voice, a.voice) || a.order - b.order);
	return {
		events: found.map(({ event, voice }) => ({ event, voice })),
		memory: {
			version: 2,
			account: options.account,
			voices: sortedByKey(voices),
			missing: known ? stillMissing(known, handled, options.now) : {},
		},
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
