import type { IDataObject } from 'n8n-workflow';

import { asObject } from './parsing';
import type { ProviderApi, VoiceCatalog, VoiceRecord, VoiceState } from './types';
import { selectVoices, speakTextProblems, spokenAudio, voiceRecord } from './voiceRecords';

const NAME = 'Buena AI';
/** `POST /voice-clones/preview` speaks 1–500 characters. */
const BUENA_PREVIEW_MAX_CHARS = 500;

/** The fields from which a clone's training state is read (see parseCloneState in buena.ts). */
const STATE_FIELDS = ['status', 'training_status', 'trainingStatus', 'state', 'isActive', 'is_active', 'error_message', 'errorMessage', 'training_progress', 'trainingProgress', 'progress'];

/** Whether a clone record says anything about its training state; without it, the state is a guess. */
function saysTrainingState(clone: IDataObject): boolean {
	return STATE_FIELDS.some((field) => clone[field] !== undefined && clone[field] !== null);
}

/** The list reading and record parsing of buena.ts, which the voice catalog reuses. */
export interface BuenaRecordParsers {
	/** Every clone of the account, following pagination. */
	listClones(api: ProviderApi): Promise<{ clones: IDataObject[] }>;
	cloneId(clone: IDataObject): string | undefined;
	cloneState(clone: IDataObject, voiceId: string): VoiceState;
}

/**
 * Buena AI's voices: the list (there is no "get one" endpoint, so a voice is found in it),
 * `PUT /voice-clones/{id}`, `DELETE /voice-clones/{id}` and `POST /voice-clones/preview` (MP3).
 */
export function buenaVoiceCatalog(parsers: BuenaRecordParsers): VoiceCatalog {
	const toRecord = (clone: IDataObject): VoiceRecord | undefined => {
		const id = parsers.cloneId(clone);
		if (id === undefined) return undefined;
		return voiceRecord('buena', parsers.cloneState(clone, id), {
			name: clone.name,
			description: clone.description,
			createdAt: clone.createdAt ?? clone.created_at,
		});
	};
	const listAll = async (api: ProviderApi) =>
		(await parsers.listClones(api)).clones.map(toRecord).filter((record): record is VoiceRecord => !!record);
	const find = async (api: ProviderApi, voiceId: string) =>
		(await listAll(api)).find((record) => record.voiceId === voiceId);
	const clonePath = (voiceId: string) => `/voice-clones/${encodeURIComponent(voiceId)}`;

	return {
		voiceStatuses: ['processing', 'ready', 'failed'],
		updatableFields: ['name', 'description'],

		validateVoiceChanges(changes) {
			if (changes.name === undefined && changes.description === undefined) {
				return ['Nothing to update: give a new name, a new description, or both'];
			}
			return changes.name !== undefined && changes.name.trim() === '' ? ['The new name is empty'] : [];
		},

		validateSpeakText: (text) => speakTextProblems(NAME, text, BUENA_PREVIEW_MAX_CHARS),

		listVoices: async (api, options) => selectVoices(await listAll(api), options),

		getVoice: find,

		async updateVoice(api, voiceId, changes) {
			const body: IDataObject = {};
			if (changes.name !== undefined) body.name = changes.name.trim();
			if (changes.description !== undefined) body.description = changes.description;
			const response = await api.request({ method: 'PUT', path: clonePath(voiceId), body });
			const envelope = asObject(response.body);
			const data = asObject(envelope?.data) ?? envelope;
			const updated = data && toRecord(data);
			if (data && updated?.voiceId === voiceId && saysTrainingState(data)) return updated;
			// The answer did not say what state the clone is in (or did not carry it): read it back
			// from the list. Not listed either: the change was made, but its state is unknown.
			const listed = await find(api, voiceId);
			if (listed) return listed;
			return {
				provider: 'buena',
				voiceId,
				name: changes.name?.trim() ?? '',
				description: changes.description ?? '',
				createdAt: null,
				raw: envelope ?? {},
				...(updated?.voiceId === voiceId ? updated : {}),
				status: null,
				trainingProgress: null,
			};
		},

		async deleteVoice(api, voiceId) {
			await api.request({ method: 'DELETE', path: clonePath(voiceId) });
		},

		async speak(api, voiceId, text) {
			const response = await api.billedRequest({
				method: 'POST',
				path: '/voice-clones/preview',
				body: { voiceId, text },
				headers: { Accept: 'audio/mpeg, application/json' },
				responseType: 'binary',
			});
			return await spokenAudio(api, NAME, response, { stem: 'preview', extension: 'mp3', mimeType: 'audio/mpeg' });
		},
	};
}
