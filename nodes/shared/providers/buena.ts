import type { IDataObject } from 'n8n-workflow';

import { parseNumberValue, readNumberParameter } from '../execution/numberParameter';

import { MEBIBYTE } from '../units';
import { newestFirst } from '../voices/newestFirst';
import { buenaVoiceCatalog } from './buenaVoices';
import {
	asNumber,
	asObject,
	asString,
	describeUnexpectedBody,
	kindFromStatus,
} from './parsing';
import type {
	CreatedVoice,
	ProviderApi,
	ProviderError,
	VoiceProvider,
	VoiceState,
	VoiceStatus,
} from './types';

const PAGE_SIZE = 100;
const MAX_PAGES = 50;

/** Where a page of the list may hold its clones, when `data` is not the array itself. */
const LIST_KEYS = ['voiceClones', 'voice_clones', 'clones', 'voices', 'items', 'results', 'data'];

/** One page of `GET /voice-clones`, whatever shape it came in. */
interface ClonePage {
	clones: IDataObject[];
	/** How many clones the account has in all, where the page says. */
	total?: number;
	/** Whether more pages follow, where the page says. */
	hasMore?: boolean;
}

function listIn(object: IDataObject | undefined): unknown[] | undefined {
	if (!object) return undefined;
	for (const key of LIST_KEYS) if (Array.isArray(object[key])) return object[key] as unknown[];
	return undefined;
}

function firstNumber(...values: unknown[]): number | undefined {
	for (const value of values) {
		const number = asNumber(value);
		if (number !== undefined && number >= 0) return number;
	}
	return undefined;
}

function firstBoolean(...values: unknown[]): boolean | undefined {
	return values.find((value): value is boolean => typeof value === 'boolean');
}

/**
 * Reads a page of the list in every shape seen in Buena's docs: `data` as an array (the list
 * page) or as a single clone (the seed's polling sample reads `data.status`), or `data` as an
 * object holding the array (`voiceClones`, `clones`, `items`, …); the total at
 * `pagination.total` (what the sandbox answers), `meta.total`, a top-level `total` (the list
 * page: "plus a total") or `data.total`; `hasMore`/`has_more` beside it. A bare array is read too.
 */
export function parseClonePage(body: unknown): ClonePage {
	const envelope = asObject(body);
	const data = envelope ? envelope.data : body;
	const dataObject = asObject(data);
	let items: unknown[];
	if (Array.isArray(data)) items = data;
	else if (listIn(dataObject)) items = listIn(dataObject) ?? [];
	else if (dataObject && cloneId(dataObject)) items = [dataObject];
	else items = listIn(envelope) ?? [];
	const clones = items.map(asObject).filter((clone): clone is IDataObject => !!clone);
	// A single clone in `data` says nothing about pagination; a wrapper in `data` may.
	const wrapper = dataObject && !cloneId(dataObject) ? dataObject : undefined;
	const places = [envelope?.pagination, envelope?.meta, envelope, wrapper?.pagination, wrapper]
		.map(asObject)
		.filter((place): place is IDataObject => !!place);
	return {
		clones,
		total: firstNumber(...places.flatMap((place) => [place.total, place.totalCount, place.total_count])),
		hasMore: firstBoolean(...places.flatMap((place) => [place.hasMore, place.has_more])),
	};
}

/**
 * Every clone of the account, following `limit`/`offset` pages. The next offset is what has been
 * received (a server may cap the page below the limit asked), and a page that brings no clone not
 * seen before ends the walk (a server that ignores `offset` answers the same page forever).
 */
async function listClones(api: ProviderApi): Promise<{ clones: IDataObject[]; total: number }> {
	const clones: IDataObject[] = [];
	const seen = new Set<string>();
	let total: number | undefined;
	let offset = 0;
	for (let page = 0; page < MAX_PAGES; page++) {
		const response = await api.request({
			method: 'GET',
			path: '/voice-clones',
			qs: { limit: PAGE_SIZE, offset },
		});
		const parsed = parseClonePage(response.body);
		total = parsed.total ?? total;
		let added = 0;
		for (const clone of parsed.clones) {
			const id = cloneId(clone);
			if (id !== undefined && seen.has(id)) continue;
			if (id !== undefined) seen.add(id);
			clones.push(clone);
			added++;
		}
		offset += parsed.clones.length;
		if (!added || parsed.hasMore === false) break;
		if (parsed.hasMore === true) continue;
		if (total !== undefined ? clones.length >= total : parsed.clones.length < PAGE_SIZE) break;
	}
	return { clones, total: Math.max(total ?? 0, clones.length) };
}

export function cloneId(clone: IDataObject): string | undefined {
	return asString(clone.voiceId) ?? asString(clone.voice_id) ?? asString(clone.id);
}

/**
 * The words Buena's pages and real servers use for a clone's state. Matched after lower-casing
 * and turning spaces and hyphens into underscores.
 */
const STATUS_WORDS: Record<VoiceStatus, readonly string[]> = {
	ready: ['ready', 'completed', 'complete', 'active', 'succeeded', 'success', 'done', 'trained', 'available', 'finished'],
	failed: ['failed', 'error', 'errored', 'failure', 'cancelled', 'canceled', 'rejected'],
	processing: ['processing', 'pending', 'queued', 'training', 'in_progress', 'started', 'running', 'created', 'uploaded'],
};

function statusFromWord(word: unknown): VoiceStatus | undefined {
	const normalised = asString(word)?.trim().toLowerCase().replace(/[\s-]+/g, '_');
	if (!normalised) return undefined;
	return (Object.keys(STATUS_WORDS) as VoiceStatus[]).find((status) => STATUS_WORDS[status].includes(normalised));
}

function readProgress(value: unknown): number | undefined {
	const number = asNumber(typeof value === 'string' ? value.replace(/%\s*$/, '') : value);
	return number === undefined ? undefined : Math.min(100, Math.max(0, number));
}

/**
 * A clone's training state. The status word (`status`, or `training_status`/`state`) decides
 * when it is one of STATUS_WORDS. Without one (missing, or a word not listed): an `isActive` of
 * true means ready (api-notes: "where status is missing, isActive: true means ready"); an
 * `error_message` means failed; a progress of 100 means ready unless `isActive` is false;
 * anything else is still processing.
 */
export function parseCloneState(clone: IDataObject, voiceId: string): VoiceState {
	const progress = readProgress(clone.training_progress ?? clone.trainingProgress ?? clone.progress);
	const errorMessage = asString(clone.error_message ?? clone.errorMessage)?.trim() || undefined;
	const isActive = clone.isActive ?? clone.is_active;
	let status = statusFromWord(clone.status ?? clone.training_status ?? clone.trainingStatus ?? clone.state);
	if (!status) {
		if (isActive === true || isActive === 'true') status = 'ready';
		else if (errorMessage) status = 'failed';
		else if (progress === 100 && isActive !== false && isActive !== 'false') status = 'ready';
		else status = 'processing';
	}
	return {
		voiceId,
		status,
		trainingProgress: status === 'ready' ? 100 : progress,
		errorMessage,
		raw: clone,
	};
}

/** Lines a person can act on, from the `details` of either documented envelope. */
function detailLines(details: unknown): string[] {
	if (typeof details === 'string') return details.trim() ? [details.trim()] : [];
	const object = asObject(details);
	if (!object) return [];
	const lines: string[] = [];
	const rejected = Array.isArray(object.rejected_files) ? object.rejected_files : [];
	for (const file of rejected) {
		const entry = asObject(file);
		if (entry) {
			const size = asNumber(entry.size_mb);
			lines.push(`Rejected file: ${asString(entry.filename) ?? '?'}${size !== undefined ? ` (${size} MB)` : ''}`);
		} else if (asString(file)) {
			lines.push(`Rejected file: ${asString(file)}`);
		}
	}
	if (Array.isArray(object.supported_formats)) {
		lines.push(`Supported formats: ${object.supported_formats.join(', ')}`);
	}
	if (object.max_size_mb !== undefined) lines.push(`Maximum file size: ${object.max_size_mb} MB`);
	if (object.current_count !== undefined || object.max_allowed !== undefined) {
		lines.push(`Voice clones: ${object.current_count ?? '?'} of ${object.max_allowed ?? '?'} allowed`);
	}
	const fields = asObject(object.fields);
	if (fields) {
		for (const [field, problem] of Object.entries(fields)) lines.push(`${field}: ${String(problem)}`);
	} else if (Array.isArray(object.fields)) {
		lines.push(`Fields: ${object.fields.join(', ')}`);
	}
	// 409 VOICE_CLONE_IN_USE: the docs name `details.active_campaigns`, a list or a count.
	const campaigns = object.active_campaigns;
	const campaignCount = Array.isArray(campaigns) ? campaigns.length : asNumber(campaigns);
	if (campaignCount !== undefined) {
		const names = Array.isArray(campaigns)
			? campaigns.map((campaign) => asString(asObject(campaign)?.name) ?? asString(asObject(campaign)?.id) ?? asString(campaign) ?? '?')
			: [];
		lines.push(`Used by ${campaignCount} active campaign${campaignCount === 1 ? '' : 's'}${names.length ? `: ${names.join(', ')}` : ''}`);
		lines.push('Pause or end those campaigns, or move them to another voice, then delete this voice again.');
	}
	return lines;
}

function parseError(response: { statusCode: number; body: unknown }): ProviderError {
	const { statusCode } = response;
	const body = asObject(response.body);
	if (!body) {
		return { kind: kindFromStatus(statusCode), message: describeUnexpectedBody(statusCode, response.body), details: [] };
	}
	// Two documented shapes: {error:true, code, message, details} and {success:false, error:'…', details}.
	const code = asString(body.code);
	const message =
		asString(body.message) ?? asString(body.error) ?? describeUnexpectedBody(statusCode, undefined);
	const details = detailLines(body.details);
	const permissionHelp = asObject(body.permissionHelp);
	if (permissionHelp) {
		details.push(`Required permission: ${String(permissionHelp.required ?? '?')}`);
		if (permissionHelp.available !== undefined) {
			details.push(`Key permissions: ${([] as unknown[]).concat(permissionHelp.available).join(', ')}`);
		}
	}
	let kind = kindFromStatus(statusCode);
	if (code === 'VOICE_CLONE_LIMIT_EXCEEDED') kind = 'quota';
	else if (code === 'RATE_LIMIT_EXCEEDED') kind = 'rateLimit';
	else if (code === 'VOICE_CLONE_NOT_FOUND' || code === 'NOT_FOUND') kind = 'notFound';
	const retryAfter = asNumber(body.retryAfter ?? body.retry_after);
	return {
		kind,
		code,
		message,
		details,
		retryAfterMs: retryAfter !== undefined ? retryAfter * 1000 : undefined,
	};
}

/** A voice setting from 0 to 1, checked like every number of the nodes; unset when empty. */
function readUnitInterval(settings: IDataObject, key: string, label: string, problems: string[]) {
	const value = settings[key];
	if (value === undefined || value === '') return undefined;
	const parsed = parseNumberValue({ path: key, displayName: label, default: 0, min: 0, max: 1 }, value);
	if (typeof parsed === 'number') return parsed;
	problems.push(parsed);
	return undefined;
}

function settingsJson(settings: IDataObject): string | undefined {
	const problems: string[] = [];
	const json: IDataObject = {};
	const stability = readUnitInterval(settings, 'stability', 'Stability', problems);
	const clarity = readUnitInterval(settings, 'clarity', 'Clarity', problems);
	if (stability !== undefined) json.stability = stability;
	if (clarity !== undefined) json.clarity = clarity;
	if (typeof settings.useSpeakerBoost === 'boolean') json.use_speaker_boost = settings.useSpeakerBoost;
	return Object.keys(json).length ? JSON.stringify(json) : undefined;
}

export const CLONE_LIMIT = {
	path: 'cloneLimit',
	displayName: 'Account Voice Clone Limit',
	default: 5,
	min: 1,
	max: 10_000,
	integer: true,
} as const;

/**
 * The newest clone with this exact name: by `createdAt` as an instant (offsets and precision vary
 * between servers), and among clones of the same age or without a date, the one listed last (the
 * list is oldest first).
 */
export function newestNamed(clones: IDataObject[], name: string): IDataObject | undefined {
	return clones
		.filter((clone) => clone.name === name && cloneId(clone) !== undefined)
		.map((clone) => ({ clone, createdAt: asString(clone.createdAt ?? clone.created_at) }))
		.reverse()
		.sort(newestFirst('oldest'))[0]?.clone;
}

function createdVoice(clone: IDataObject, voiceId: string, name: string): CreatedVoice {
	return { voiceId, name: asString(clone.name) ?? name, raw: clone, status: parseCloneState(clone, voiceId).status };
}

export const buena: VoiceProvider = {
	id: 'buena',
	displayName: 'Buena AI',
	credentialType: 'buenaApi',
	statusAfterCreate: 'processing',
	allowsDuplicateNames: true,
	limits: {
		minFiles: 1,
		maxFiles: 10,
		// The docs say each file must be *under* 50 MB.
		maxFileBytes: 50 * MEBIBYTE - 1,
		containers: ['wav', 'mp3', 'm4a', 'flac'],
	},
	createFields: [
		{
			displayName: 'Account Voice Clone Limit',
			name: 'cloneLimit',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10_000, numberPrecision: 0 },
			default: 5,
			description:
				'How many voice clones the Buena AI account may hold: 5 unless Buena support raised it. Checked before any audio is uploaded.',
		},
		{
			displayName: 'Voice Settings',
			name: 'settings',
			type: 'collection',
			placeholder: 'Add Setting',
			default: {},
			description: 'Voice generation settings sent with the clone',
			options: [
				{
					displayName: 'Clarity',
					name: 'clarity',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
					default: 0.75,
					description: 'How closely the voice follows the samples, from 0 to 1',
				},
				{
					displayName: 'Stability',
					name: 'stability',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: 1, numberPrecision: 2 },
					default: 0.5,
					description: 'How steady the voice sounds from one sentence to the next, from 0 to 1',
				},
				{
					displayName: 'Use Speaker Boost',
					name: 'useSpeakerBoost',
					type: 'boolean',
					default: true,
					description: 'Whether to boost the similarity to the original speaker',
				},
			],
		},
	],

	readCreateOptions(context, itemIndex) {
		return {
			settings: context.getNodeParameter('settings', itemIndex, {}) as IDataObject,
			cloneLimit: readNumberParameter(context, CLONE_LIMIT, itemIndex),
		};
	},

	validateCreateOptions(_name, options) {
		const problems: string[] = [];
		const settings = asObject(options.settings) ?? {};
		readUnitInterval(settings, 'stability', 'Stability', problems);
		readUnitInterval(settings, 'clarity', 'Clarity', problems);
		if (settings.useSpeakerBoost !== undefined && typeof settings.useSpeakerBoost !== 'boolean') {
			problems.push(`Use Speaker Boost must be true or false (got ${JSON.stringify(settings.useSpeakerBoost)})`);
		}
		return problems;
	},

	sameVoiceName: (a, b) => a === b,

	maxVoices: (request) => asNumber(request.options.cloneLimit) ?? CLONE_LIMIT.default,

	async snapshotAccount(api) {
		const { clones, total } = await listClones(api);
		return {
			voiceIds: new Set(clones.map(cloneId).filter((id): id is string => !!id)),
			voiceCount: total,
			voiceNamed(name) {
				const clone = newestNamed(clones, name);
				const id = clone && cloneId(clone);
				return clone && id ? createdVoice(clone, id, name) : undefined;
			},
		};
	},

	createEndpoint(request) {
		const fields: Array<[string, string]> = [['name', request.name]];
		if (request.description) fields.push(['description', request.description]);
		const settings = settingsJson(asObject(request.options.settings) ?? {});
		if (settings) fields.push(['settings', settings]);
		return { path: '/voice-clones', fileField: 'files', fields };
	},

	parseCreatedVoice(body, request): CreatedVoice | undefined {
		const envelope = asObject(body);
		const data = asObject(envelope?.data) ?? envelope;
		const voiceId = data && cloneId(data);
		if (!envelope || !voiceId) return undefined;
		return { voiceId, name: asString(data.name) ?? request.name, raw: data };
	},

	async findCreatedVoice(api, request, knownVoiceIds) {
		const { clones } = await listClones(api);
		const created = newestNamed(
			clones.filter((clone) => !knownVoiceIds.has(cloneId(clone) ?? '')),
			request.name,
		);
		const voiceId = created && cloneId(created);
		return created && voiceId ? createdVoice(created, voiceId, request.name) : undefined;
	},

	async fetchVoiceStates(api, voiceIds) {
		const wanted = new Set(voiceIds);
		const states = new Map<string, VoiceState>();
		const { clones } = await listClones(api);
		for (const clone of clones) {
			const id = cloneId(clone);
			if (id && wanted.has(id)) states.set(id, parseCloneState(clone, id));
		}
		return states;
	},

	parseError,
	...buenaVoiceCatalog({ listClones, cloneId, cloneState: parseCloneState }),
};
