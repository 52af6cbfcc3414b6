import type { AccountSnapshot, CloneRequest, CreatedVoice, VoiceProvider } from '../providers/types';
import type { RunVoice } from './cloneBatch';
import type { NameConflictMode } from './settings';

/** What to do with one clone, decided from the account's snapshot and what the run knows since. */
export type CloneDecision =
	| { kind: 'upload' }
	/** "Use the Existing Voice": output this voice, upload nothing. */
	| { kind: 'reuse'; voice: CreatedVoice }
	/** "Fail the Item" (or a provider that refuses a taken name): this voice holds the name. */
	| { kind: 'nameTaken'; voice: CreatedVoice }
	/** An earlier item of the run found the account full. */
	| { kind: 'accountFilledByRun' }
	| { kind: 'accountFull'; voiceCount: number; maxVoices: number }
	/** Full only if the run's uploads under way all make a voice: wait for one to settle, then decide again. */
	| { kind: 'waitForUploads' };

/** What the run knows besides the snapshot. */
export interface RunSoFar {
	/** Voices the run made, oldest first. */
	created: readonly RunVoice[];
	uploadsInFlight: number;
	accountFoundFull: boolean;
}

/**
 * The voice holding the name: the newest one the run made with it (it is newer than anything the
 * snapshot listed), else the newest the snapshot listed.
 */
function voiceHoldingName(
	provider: VoiceProvider,
	name: string,
	snapshot: AccountSnapshot,
	created: readonly RunVoice[],
): CreatedVoice | undefined {
	const mine = [...created].reverse().find((voice) => provider.sameVoiceName(voice.name, name));
	return mine?.voice ?? snapshot.voiceNamed(name);
}

/**
 * Decides one clone without asking the API: the name conflict first (a voice to reuse is found
 * even on a full account), then the account's limit, counting the voices the run created that
 * the snapshot does not show and the uploads still under way.
 */
export function decideClone(
	provider: VoiceProvider,
	request: CloneRequest,
	ifNameExists: NameConflictMode,
	snapshot: AccountSnapshot,
	run: RunSoFar,
): CloneDecision {
	if (ifNameExists !== 'createAnother') {
		const existing = voiceHoldingName(provider, request.name, snapshot, run.created);
		if (existing) return ifNameExists === 'useExisting' ? { kind: 'reuse', voice: existing } : { kind: 'nameTaken', voice: existing };
	}
	if (run.accountFoundFull) return { kind: 'accountFilledByRun' };
	const maxVoices = provider.maxVoices(request);
	if (maxVoices === undefined) return { kind: 'upload' };
	const voiceCount = snapshot.voiceCount + run.created.filter((voice) => !snapshot.voiceIds.has(voice.voiceId)).length;
	if (voiceCount + run.uploadsInFlight < maxVoices) return { kind: 'upload' };
	if (!run.uploadsInFlight) return { kind: 'accountFull', voiceCount, maxVoices };
	return { kind: 'waitForUploads' };
}
