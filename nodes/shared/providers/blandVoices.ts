import { NodeOperationError, type IDataObject } from 'n8n-workflow';

import { asObject, asString } from './parsing';
import type { CloneLimits, ProviderApi, VoiceCatalog, VoiceRecord } from './types';
import { characterCount, selectVoices, speakTextProblems, spokenAudio, voiceNotFoundError, voiceRecord } from './voiceRecords';

const NAME = 'Bland AI';

/** The record parsing of bland.ts, which the voice catalog reuses. */
export interface BlandRecordParsers {
	/** `GET /v1/voices` in any of its shapes. */
	parseVoiceList(body: unknown): IDataObject[];
	/** `GET /v1/voices/{id}` in any of its wrappers; undefined when it is no voice. */
	parseVoiceRecord(body: unknown): IDataObject | undefined;
	voiceId(voice: IDataObject): string | undefined;
}

/**
 * Bland AI's voices: `GET /v1/voices`, `GET /v1/voices/{id}` (an id or a name),
 * `PATCH /v1/voices/{id}/rename` (names at most 30 characters, unique per account ignoring case,
 * checked with `check_name_availability` first), `DELETE /v1/voices/{id}` and `POST /v1/speak`
 * (WAV). A Bland voice is usable as soon as it exists, so every voice is "ready".
 */
export function blandVoiceCatalog(parsers: BlandRecordParsers, limits: CloneLimits): VoiceCatalog {
	const toRecord = (voice: IDataObject): VoiceRecord | undefined => {
		const id = parsers.voiceId(voice);
		if (id === undefined) return undefined;
		return voiceRecord(
			'bland',
			{ voiceId: id, status: 'ready', trainingProgress: 100, raw: voice },
			{ name: voice.name, description: voice.description, createdAt: voice.created_at ?? voice.createdAt },
		);
	};
	const voicePath = (voiceId: string) => `/v1/voices/${encodeURIComponent(voiceId)}`;
	const getVoice = async (api: ProviderApi, voiceId: string) => {
		const response = await api.requestOptional({ method: 'GET', path: voicePath(voiceId) });
		const voice = parsers.parseVoiceRecord(response?.body);
		return voice && toRecord(voice);
	};

	return {
		voiceStatuses: ['ready'],
		updatableFields: ['name'],

		validateVoiceChanges(changes) {
			const problems: string[] = [];
			if (changes.description !== undefined) {
				problems.push('Bland AI can rename a voice but cannot change its description');
			}
			const name = changes.name?.trim();
			if (!name) problems.push('Give the new name of the voice');
			else if (characterCount(name) > (limits.maxNameLength ?? Infinity)) {
				problems.push(`The name "${name}" is ${characterCount(name)} characters long; Bland AI allows at most ${limits.maxNameLength}`);
			}
			return problems;
		},

		validateSpeakText: (text) => speakTextProblems(NAME, text),

		async listVoices(api, options) {
			const response = await api.request({ method: 'GET', path: '/v1/voices' });
			const records = parsers
				.parseVoiceList(response.body)
				.map(toRecord)
				.filter((record): record is VoiceRecord => !!record);
			return selectVoices(records, options);
		},

		getVoice,

		async updateVoice(api, voiceId, changes) {
			const name = (changes.name ?? '').trim();
			const current = await getVoice(api, voiceId);
			if (!current) throw voiceNotFoundError(api, NAME, voiceId);
			if (current.name.trim().toLowerCase() !== name.toLowerCase()) {
				const check = await api.request({
					method: 'POST',
					path: '/v1/voices/check_name_availability',
					body: { name },
				});
				if (asObject(check.body)?.result === false) {
					throw new NodeOperationError(api.node, `The voice name "${name}" is already taken in this Bland AI account`, {
						itemIndex: api.itemIndex,
						description: `Bland AI voice names are unique per account, ignoring case. Choose another name. "${current.name}" was not renamed.`,
					});
				}
			}
			const response = await api.request({
				method: 'PATCH',
				path: `${voicePath(current.voiceId)}/rename`,
				body: { name },
			});
			const renamed = await getVoice(api, current.voiceId);
			const answered = asObject(asObject(response.body)?.data);
			return renamed ?? { ...current, name: asString(answered?.name) ?? name };
		},

		async deleteVoice(api, voiceId) {
			await api.request({ method: 'DELETE', path: voicePath(voiceId) });
		},

		async speak(api, voiceId, text) {
			const response = await api.billedRequest({
				method: 'POST',
				path: '/v1/speak',
				body: { voice: voiceId, text },
				headers: { Accept: 'audio/wav, application/json' },
				responseType: 'binary',
			});
			return await spokenAudio(api, NAME, response, { stem: 'speech', extension: 'wav', mimeType: 'audio/wav' });
		},
	};
}
