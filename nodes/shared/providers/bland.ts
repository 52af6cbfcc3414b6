import type { IDataObject } from 'n8n-workflow';

import { MEBIBYTE } from '../units';
import { blandVoiceCatalog } from './blandVoices';
import { asObject, asString, describeUnexpectedBody, kindFromStatus, trimmedName } from './parsing';
import type { CloneLimits, CreatedVoice, ProviderApi, ProviderError, VoiceProvider, VoiceState } from './types';
import { characterCount } from './voiceRecords';

const GENDERS = ['male', 'female'];
const ENGINES = ['v3', 'v2'];

export function voiceId(voice: IDataObject): string | undefined {
	return asString(voice.id) ?? asString(voice.voice_id) ?? asString(voice.voiceId);
}

/**
 * GET /v1/voices/{id}: the voice itself, `{voice:{…}}`, `{data:{…}}` or `{data:{voice:{…}}}`.
 * A body that only carries Bland's error list (`{status, data:null, errors:[…]}`) is no voice.
 */
export function parseVoiceRecord(body: unknown): IDataObject | undefined {
	const object = asObject(body);
	if (!object) return undefined;
	const data = asObject(object.data);
	const wrapped = asObject(object.voice) ?? asObject(data?.voice) ?? data;
	if (wrapped) return wrapped;
	const errors = Array.isArray(object.errors) ? object.errors : [];
	return errors.length && !voiceId(object) ? undefined : object;
}

/** GET /v1/voices: `{voices:[…]}`, `{data:[…]}`, `{data:{voices:[…]}}` or a bare array. */
export function parseVoiceList(body: unknown): IDataObject[] {
	const object = asObject(body);
	const data = object?.data;
	const list = Array.isArray(body)
		? body
		: Array.isArray(object?.voices)
			? object.voices
			: Array.isArray(data)
				? data
				: asObject(data)?.voices;
	return Array.isArray(list) ? list.map(asObject).filter((voice): voice is IDataObject => !!voice) : [];
}

/** Bland voices are usable as soon as they exist. */
function readyState(id: string, voice: IDataObject): VoiceState {
	return { voiceId: id, status: 'ready', trainingProgress: 100, raw: voice };
}

function parseError(response: { statusCode: number; body: unknown }): ProviderError {
	const { statusCode } = response;
	const body = asObject(response.body);
	const errors = Array.isArray(body?.errors) ? body.errors.map(asObject).filter((e) => !!e) : [];
	if (!errors.length) {
		const message = asString(body?.message) ?? asString(body?.error);
		return {
			kind: kindFromStatus(statusCode),
			message: message ?? describeUnexpectedBody(statusCode, response.body),
			details: [],
		};
	}
	const [first] = errors as IDataObject[];
	const code = asString(first.error);
	let kind = kindFromStatus(statusCode);
	if (code === 'Limit Exceeded') kind = 'quota';
	return {
		kind,
		code,
		message: asString(first.message) ?? code ?? describeUnexpectedBody(statusCode, undefined),
		details: (errors as IDataObject[]).slice(1).map((e) => `${asString(e.error) ?? 'Error'}: ${asString(e.message) ?? ''}`),
	};
}

/** Bland's voice names are unique per account, ignoring case. */
function sameName(a: string, b: string): boolean {
	return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The voice holding a name (Bland's GET accepts a name as well as an id, ignoring case). */
async function findNamedVoice(api: ProviderApi, name: string): Promise<CreatedVoice | undefined> {
	const response = await api.requestOptional({ method: 'GET', path: `/v1/voices/${encodeURIComponent(name)}` });
	const voice = parseVoiceRecord(response?.body);
	const id = voice && voiceId(voice);
	return voice && id ? { voiceId: id, name: asString(voice.name) ?? name, raw: voice, status: 'ready' } : undefined;
}

/** Names count in characters (Unicode code points), for a create and a rename alike. */
const limits: CloneLimits = {
	minFiles: 1,
	maxFiles: 5,
	maxFileBytes: 10 * MEBIBYTE,
	maxTotalBytes: 25 * MEBIBYTE,
	minDurationSeconds: 1,
	maxDurationSeconds: 60,
	maxNameLength: 30,
	containers: ['wav', 'mp3', 'm4a', 'flac', 'ogg'],
};

export const bland: VoiceProvider = {
	id: 'bland',
	displayName: 'Bland AI',
	credentialType: 'blandApi',
	statusAfterCreate: 'ready',
	// Names are unique per account, ignoring case: a taken name is refused.
	allowsDuplicateNames: false,
	limits,
	createFields: [
		{
			displayName: 'Gender',
			name: 'gender',
			type: 'options',
			default: '',
			description: 'Helps Bland AI model the voice',
			options: [
				{ name: 'Not Specified', value: '' },
				{ name: 'Female', value: 'female' },
				{ name: 'Male', value: 'male' },
			],
		},
		{
			displayName: 'Engine',
			name: 'engine',
			type: 'options',
			default: 'v3',
			description: 'Which Bland text-to-speech engine clones the voice',
			options: [
				{
					name: 'BTTS V3 (Default)',
					value: 'v3',
					description: 'The current engine; it uses only the first sample',
				},
				{
					name: 'BTTS V2',
					value: 'v2',
					description: 'The previous-generation stable engine',
				},
			],
		},
	],

	readCreateOptions(context, itemIndex) {
		return {
			gender: context.getNodeParameter('gender', itemIndex, '') as string,
			engine: context.getNodeParameter('engine', itemIndex, 'v3') as string,
		};
	},

	validateCreateOptions(name, options) {
		const problems: string[] = [];
		const maxLength = limits.maxNameLength ?? Infinity;
		if (characterCount(name) > maxLength) {
			problems.push(`The name "${name}" is ${characterCount(name)} characters long; Bland AI allows at most ${maxLength}`);
		}
		const gender = trimmedName(options.gender).toLowerCase();
		if (gender && !GENDERS.includes(gender)) {
			problems.push(`Gender must be "male", "female" or empty (got "${String(options.gender)}")`);
		}
		const engine = trimmedName(options.engine).toLowerCase() || 'v3';
		if (!ENGINES.includes(engine)) {
			problems.push(`Engine must be "v3" or "v2" (got "${String(options.engine)}")`);
		}
		return problems;
	},

	sameVoiceName: (a, b) => sameName(a, b),

	maxVoices: () => undefined,

	/**
	 * One list instead of a name check per clone. A voice the list marks public is Bland's, not the
	 * account's, and holds none of its names. A name taken by a voice the list did not show is
	 * refused by Bland at the upload ("Voice name is already taken"): nothing is duplicated.
	 */
	async snapshotAccount(api) {
		const response = await api.request({ method: 'GET', path: '/v1/voices' });
		const voices = parseVoiceList(response.body).filter((voice) => voice.public !== true && voiceId(voice) !== undefined);
		return {
			voiceIds: new Set(voices.map((voice) => voiceId(voice) as string)),
			voiceCount: voices.length,
			voiceNamed(name) {
				const voice = voices.find((listed) => sameName(asString(listed.name) ?? '', name));
				return voice && { voiceId: voiceId(voice) as string, name: asString(voice.name) ?? name, raw: voice, status: 'ready' };
			},
		};
	},

	createEndpoint(request) {
		const fields: Array<[string, string]> = [['name', request.name]];
		const gender = trimmedName(request.options.gender).toLowerCase();
		if (gender) fields.push(['gender', gender]);
		if (request.description) fields.push(['description', request.description]);
		if (trimmedName(request.options.engine).toLowerCase() === 'v2') fields.push(['isBTTS_V2', 'true']);
		return { path: '/v1/voices/clone', fileField: 'audio_samples', fields };
	},

	parseCreatedVoice(body, request): CreatedVoice | undefined {
		const envelope = asObject(body);
		const data = asObject(envelope?.data);
		const id = data && voiceId(data);
		if (!envelope || !id) return undefined;
		return { voiceId: id, name: asString(data.name) ?? request.name, raw: data };
	},

	async findCreatedVoice(api, request, knownVoiceIds) {
		// The name was free before the upload and names are unique, so a voice with it now is ours.
		const voice = await findNamedVoice(api, request.name);
		return voice && !knownVoiceIds.has(voice.voiceId) ? voice : undefined;
	},

	/**
	 * One voice: one GET by id. Several: one list call answers for every voice it holds, and a GET
	 * each for the ids it does not (Bland's GET also accepts a name, and a list might be partial).
	 */
	async fetchVoiceStates(api, voiceIds) {
		const states = new Map<string, VoiceState>();
		const wanted = [...new Set(voiceIds)];
		if (wanted.length > 1) {
			const response = await api.request({ method: 'GET', path: '/v1/voices' });
			const listed = new Map<string, IDataObject>();
			for (const voice of parseVoiceList(response.body)) {
				const id = voiceId(voice);
				if (id !== undefined && !listed.has(id)) listed.set(id, voice);
			}
			for (const id of wanted) {
				const voice = listed.get(id);
				if (voice) states.set(id, readyState(id, voice));
			}
		}
		for (const id of wanted.filter((wantedId) => !states.has(wantedId))) {
			const response = await api.requestOptional({ method: 'GET', path: `/v1/voices/${encodeURIComponent(id)}` });
			const voice = parseVoiceRecord(response?.body);
			if (voice) states.set(id, readyState(id, voice));
		}
		return states;
	},

	parseError,
	...blandVoiceCatalog({ parseVoiceList, parseVoiceRecord, voiceId }, limits),
};
