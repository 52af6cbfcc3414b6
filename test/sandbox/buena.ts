/**
 * Buena AI API v2 stand-in, mounted at /buena/api/v2. Behaviour follows the create-clone page
 * (seed 000) and /work/shared/api-notes.md; choices the docs leave open are listed in README.md.
 */
import type { IncomingMessage } from 'node:http';

import { previewMp3, sniffFormat } from './audio';
import { readJson, type Reply } from './http';
import { firstField, isMultipart, parseMultipart } from './multipart';
import { Router, type Ctx, type HandlerReply } from './routes';
import { buenaListBody } from './shapes';
import { buenaVoiceId, FAIL_TRAINING_MARKER, type BuenaVoice, type SandboxState } from './state';

export const BUENA_PREFIX = '/buena/api/v2';
/** The documented default; the sandbox's `buenaMaxClones` option raises it as support would. */
export const MAX_CLONES = 5;
export const MAX_FILES = 10;
/** "Each file must be under 50MB": a file of exactly 50 MiB (52,428,800 bytes) is rejected. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
export const MAX_PREVIEW_CHARS = 500;
export const SUPPORTED_FORMATS = ['wav', 'mp3', 'm4a', 'flac'];
const MIB = 1024 * 1024;

export function buenaError(
	status: number,
	code: string,
	message: string,
	details: Record<string, unknown> = {},
	extra: Record<string, unknown> = {},
): Reply {
	return {
		status,
		json: { error: true, code, message, version: '2.0', timestamp: new Date().toISOString(), ...extra, details },
	};
}

/** The docs' second error shape, used for unknown routes (404) and unsupported methods (405). */
export function buenaSimpleError(status: number, error: string, details: string, headers?: Record<string, string>): Reply {
	return { status, headers, json: { success: false, error, details } };
}

function validation(fields: Array<{ field: string; message: string }>): Reply {
	return buenaError(400, 'VALIDATION_ERROR', fields.map((f) => f.message).join('; '), { fields });
}

/** Either `Authorization: Bearer <key>` or `x-api-key: <key>` authenticates. */
export function buenaKeyOf(req: IncomingMessage, state: SandboxState): string | undefined {
	const auth = req.headers.authorization;
	if (typeof auth === 'string') {
		const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
		if (m && state.keys.buena.has(m[1].trim())) return m[1].trim();
	}
	const x = req.headers['x-api-key'];
	if (typeof x === 'string' && state.keys.buena.has(x.trim())) return x.trim();
	return undefined;
}

export function buenaUnauthorized(req: IncomingMessage): Reply {
	const present = Boolean(req.headers.authorization || req.headers['x-api-key']);
	return buenaError(401, 'UNAUTHORIZED', present ? 'Invalid API key' : 'API key required', {
		hint: 'Send your key as "Authorization: Bearer <key>" or "x-api-key: <key>"',
	});
}

function voiceJson(state: SandboxState, v: BuenaVoice) {
	state.refresh(v);
	const word = state.shapes.buenaStatusWords[v.status];
	return {
		voiceId: v.id,
		name: v.name,
		description: v.description,
		createdAt: new Date(v.createdAt).toISOString(),
		updatedAt: new Date(v.updatedAt).toISOString(),
		isActive: v.status === 'ready' && v.active,
		sampleCount: v.sampleCount,
		labels: { ...v.labels },
		settings: v.settings,
		...(word === null ? {} : { status: word }),
		training_progress: v.progress,
		error_message: v.errorMessage,
	};
}

function accountVoices(state: SandboxState, key: string): BuenaVoice[] {
	return [...state.buenaVoices.values()].filter((v) => v.key === key);
}

function notFound(voiceId: string): Reply {
	return buenaError(404, 'VOICE_CLONE_NOT_FOUND', 'Voice clone not found', { voiceId });
}

/** settings: an object (or JSON text of one) with stability/clarity in 0–1 and a boolean use_speaker_boost. */
function checkSettings(raw: unknown): { ok: Record<string, unknown> } | { errors: Array<{ field: string; message: string }> } {
	let value = raw;
	if (typeof raw === 'string') {
		try {
			value = JSON.parse(raw);
		} catch {
			return { errors: [{ field: 'settings', message: 'settings must be valid JSON' }] };
		}
	}
	if (!value || typeof value !== 'object' || Array.isArray(value)) {
		return { errors: [{ field: 'settings', message: 'settings must be an object' }] };
	}
	const s = value as Record<string, unknown>;
	const errors: Array<{ field: string; message: string }> = [];
	for (const k of ['stability', 'clarity']) {
		if (s[k] === undefined) continue;
		if (typeof s[k] !== 'number' || !Number.isFinite(s[k]) || (s[k] as number) < 0 || (s[k] as number) > 1) {
			errors.push({ field: `settings.${k}`, message: `settings.${k} must be a number between 0 and 1` });
		}
	}
	if (s.use_speaker_boost !== undefined && typeof s.use_speaker_boost !== 'boolean') {
		errors.push({ field: 'settings.use_speaker_boost', message: 'settings.use_speaker_boost must be a boolean' });
	}
	return errors.length ? { errors } : { ok: s };
}

async function createClone(ctx: Ctx): Promise<HandlerReply> {
	const { req, state, entry } = ctx;
	if (!isMultipart(req)) {
		return validation([{ field: 'files', message: 'Content-Type must be multipart/form-data' }]);
	}
	const result = await parseMultipart(
		req,
		entry,
		{
			onFile: (part, ctl) => ({
				write: () => {
					// Detected while streaming: answer at once, read no further.
					if (part.bytes >= MAX_FILE_BYTES) ctl.stop(part);
				},
				end: () => undefined,
			}),
		},
		state.keepBodies,
	);
	if (result.kind === 'gone') return { status: 0 };
	if (result.kind === 'malformed') {
		return validation([{ field: 'body', message: `Malformed multipart body: ${result.message}` }]);
	}
	if (result.kind === 'stopped') {
		const part = result.reason as { fileName?: string; field: string; bytes: number };
		return {
			...buenaError(413, 'FILE_TOO_LARGE', 'File size exceeds maximum limit of 50MB', {
				max_size_mb: 50,
				// The upload is not read past the limit: size_mb is what had arrived (at least 50).
				rejected_files: [{ filename: part.fileName ?? part.field, size_mb: Math.round((part.bytes / MIB) * 10) / 10 }],
			}),
			early: true,
		};
	}
	const { fields, files: allFiles } = result;
	const files = allFiles.filter((f) => f.field === 'files');
	const errors: Array<{ field: string; message: string }> = [];
	const name = (firstField(fields, 'name') ?? '').trim();
	if (!name) errors.push({ field: 'name', message: 'name is required' });
	else if ([...name].length > 100) errors.push({ field: 'name', message: 'name must be at most 100 characters' });
	for (const f of allFiles) {
		if (f.field !== 'files') errors.push({ field: f.field, message: `Unexpected file field "${f.field}"; audio files go in "files"` });
	}
	if (files.length === 0) errors.push({ field: 'files', message: 'At least one audio file is required' });
	if (files.length > MAX_FILES) {
		errors.push({ field: 'files', message: `Too many files (${files.length}). Maximum ${MAX_FILES} files per upload` });
	}
	let settings: Record<string, unknown> | null = null;
	const rawSettings = firstField(fields, 'settings');
	if (rawSettings !== undefined && rawSettings.trim() !== '') {
		const checked = checkSettings(rawSettings);
		if ('errors' in checked) errors.push(...checked.errors);
		else settings = checked.ok;
	}
	if (errors.length) return validation(errors);

	const rejected = files.filter((f) => !sniffFormat(f.head)).map((f) => f.fileName ?? f.field);
	if (rejected.length) {
		return buenaError(400, 'INVALID_FILE_FORMAT', 'Unsupported audio format. Please use WAV, MP3, M4A, or FLAC files.', {
			supported_formats: SUPPORTED_FORMATS,
			rejected_files: rejected,
		});
	}

	const count = accountVoices(state, ctx.key).length;
	if (count >= state.buenaMaxClones) {
		return buenaError(429, 'VOICE_CLONE_LIMIT_EXCEEDED', `Maximum voice clones reached (${state.buenaMaxClones}). Delete existing clones or upgrade your plan.`, {
			current_count: count,
			max_allowed: state.buenaMaxClones,
			upgrade_url: 'https://app.buena.ai/billing',
		});
	}

	const description = firstField(fields, 'description') ?? '';
	const now = Date.now();
	const v: BuenaVoice = {
		id: buenaVoiceId(),
		key: ctx.key,
		name,
		description,
		sampleCount: files.length,
		createdAt: now,
		updatedAt: now,
		status: 'processing',
		progress: 0,
		errorMessage: null,
		willFail: name.includes(FAIL_TRAINING_MARKER) || description.includes(FAIL_TRAINING_MARKER),
		settings,
		labels: {},
		active: true,
		activeCampaigns: 0,
	};
	state.buenaVoices.set(v.id, v);
	return {
		status: 201,
		json: {
			success: true,
			data: { voiceId: v.id, name: v.name, description: v.description, sampleCount: v.sampleCount, createdAt: new Date(now).toISOString() },
			message: 'Voice clone created successfully',
		},
	};
}

async function listClones(ctx: Ctx): Promise<HandlerReply> {
	const { query, state } = ctx;
	const errors: Array<{ field: string; message: string }> = [];
	const intParam = (name: string, def: number, min: number, max: number): number => {
		const raw = query[name];
		if (raw === undefined || raw === '') return def;
		if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
			errors.push({ field: name, message: `${name} must be an integer between ${min} and ${max}` });
			return def;
		}
		return Number(raw);
	};
	const limit = intParam('limit', 20, 1, 100);
	const offset = intParam('offset', 0, 0, Number.MAX_SAFE_INTEGER);
	const status = query.status || undefined;
	if (status !== undefined && !['processing', 'ready', 'failed'].includes(status)) {
		errors.push({ field: 'status', message: 'status must be one of processing, ready, failed' });
	}
	if (errors.length) return validation(errors);
	// Oldest first (creation order), so a client that reads only the first page of a long
	// list can miss its clone.
	const all = accountVoices(state, ctx.key)
		.map((v) => state.refresh(v))
		.filter((v) => !status || v.status === status)
		.sort((a, b) => a.createdAt - b.createdAt);
	const pageSize = Math.min(limit, state.shapes.buenaMaxPageSize);
	const page = all.slice(offset, offset + pageSize);
	const pagination = { total: all.length, limit: pageSize, offset, hasMore: offset + page.length < all.length };
	return { status: 200, json: buenaListBody(state.shapes, page.map((v) => voiceJson(state, v)), pagination) };
}

async function jsonBody(ctx: Ctx): Promise<{ value: Record<string, unknown> } | { reply: HandlerReply }> {
	const r = await readJson(ctx.req, ctx.entry, ctx.state.keepBodies);
	if (r.kind === 'gone') return { reply: { status: 0 } };
	if (r.kind === 'tooLarge') return { reply: buenaError(413, 'PAYLOAD_TOO_LARGE', 'Request body too large') };
	if (r.kind === 'invalid') return { reply: validation([{ field: 'body', message: 'Request body must be valid JSON' }]) };
	if (r.kind === 'empty' || !r.value || typeof r.value !== 'object' || Array.isArray(r.value)) {
		return { reply: validation([{ field: 'body', message: 'Request body must be a JSON object' }]) };
	}
	return { value: r.value as Record<string, unknown> };
}

async function updateClone(ctx: Ctx): Promise<HandlerReply> {
	const body = await jsonBody(ctx);
	if ('reply' in body) return body.reply;
	const v = ctx.state.buenaVoices.get(ctx.params.id);
	if (!v || v.key !== ctx.key) return notFound(ctx.params.id);
	const b = body.value;
	const errors: Array<{ field: string; message: string }> = [];
	if (b.name !== undefined && (typeof b.name !== 'string' || b.name.trim() === '')) {
		errors.push({ field: 'name', message: 'name must be a non-empty string' });
	}
	if (b.description !== undefined && typeof b.description !== 'string') {
		errors.push({ field: 'description', message: 'description must be a string' });
	}
	if (b.isActive !== undefined && typeof b.isActive !== 'boolean') {
		errors.push({ field: 'isActive', message: 'isActive must be a boolean' });
	}
	let settings: Record<string, unknown> | undefined;
	if (b.settings !== undefined) {
		const checked = checkSettings(b.settings);
		if ('errors' in checked) errors.push(...checked.errors);
		else settings = checked.ok;
	}
	if (errors.length) return validation(errors);
	if (typeof b.name === 'string') v.name = b.name.trim();
	if (typeof b.description === 'string') v.description = b.description;
	if (typeof b.isActive === 'boolean') v.active = b.isActive;
	if (settings) v.settings = settings;
	v.updatedAt = Date.now();
	return { status: 200, json: { success: true, data: voiceJson(ctx.state, v), message: 'Voice clone updated successfully' } };
}

async function deleteClone(ctx: Ctx): Promise<HandlerReply> {
	const v = ctx.state.buenaVoices.get(ctx.params.id);
	if (!v || v.key !== ctx.key) return notFound(ctx.params.id);
	const campaigns = v.activeCampaigns;
	if (Array.isArray(campaigns) ? campaigns.length > 0 : campaigns > 0) {
		return buenaError(409, 'VOICE_CLONE_IN_USE', 'Voice clone is used by active campaigns and cannot be deleted', {
			active_campaigns: Array.isArray(campaigns)
				? campaigns.map((name, index) => ({ id: `cmp_${index + 1}`, name }))
				: campaigns,
		});
	}
	ctx.state.buenaVoices.delete(v.id);
	return { status: 200, json: { success: true, message: 'Voice clone deleted successfully', deleted_id: v.id } };
}

async function preview(ctx: Ctx): Promise<HandlerReply> {
	const body = await jsonBody(ctx);
	if ('reply' in body) return body.reply;
	const { voiceId, text } = body.value;
	const errors: Array<{ field: string; message: string }> = [];
	if (typeof voiceId !== 'string' || voiceId === '') errors.push({ field: 'voiceId', message: 'voiceId is required' });
	if (typeof text !== 'string' || text.length === 0) errors.push({ field: 'text', message: 'text is required' });
	else if ([...text].length > MAX_PREVIEW_CHARS) {
		errors.push({ field: 'text', message: `text must be at most ${MAX_PREVIEW_CHARS} characters` });
	}
	if (errors.length) return validation(errors);
	const v = ctx.state.buenaVoices.get(voiceId as string);
	if (!v || v.key !== ctx.key) return notFound(voiceId as string);
	ctx.state.refresh(v);
	if (v.status !== 'ready') {
		return buenaError(
			409,
			'VOICE_CLONE_NOT_READY',
			v.status === 'failed' ? 'Voice clone training failed; it cannot be previewed' : 'Voice clone is still training; try again when its status is ready',
			{ voiceId: v.id, status: v.status, training_progress: v.progress },
		);
	}
	return {
		status: 200,
		contentType: 'audio/mpeg',
		headers: { 'Content-Disposition': 'attachment; filename="preview.mp3"' },
		body: previewMp3(),
	};
}

export const buenaRouter = new Router([
	{ method: 'GET', pattern: '/voice-clones', handler: listClones },
	{ method: 'POST', pattern: '/voice-clones', handler: createClone },
	{ method: 'POST', pattern: '/voice-clones/preview', handler: preview },
	{ method: 'PUT', pattern: '/voice-clones/:id', handler: updateClone },
	{ method: 'DELETE', pattern: '/voice-clones/:id', handler: deleteClone },
]);

/** Seed a Buena clone (control API). */
export function seedBuena(
	state: SandboxState,
	voice: { name: string; description?: string; key?: string; id?: string; status?: BuenaVoice['status']; errorMessage?: string; sampleCount?: number; activeCampaigns?: number | string[] },
	defaultKey: string,
): string {
	const now = Date.now();
	const status = voice.status ?? 'ready';
	const v: BuenaVoice = {
		id: voice.id ?? buenaVoiceId(),
		key: voice.key ?? defaultKey,
		name: voice.name,
		description: voice.description ?? '',
		sampleCount: voice.sampleCount ?? 1,
		createdAt: now,
		updatedAt: now,
		status,
		progress: status === 'ready' ? 100 : status === 'failed' ? 50 : 0,
		errorMessage: status === 'failed' ? (voice.errorMessage ?? 'Training failed') : null,
		willFail: voice.name.includes(FAIL_TRAINING_MARKER) || (voice.description ?? '').includes(FAIL_TRAINING_MARKER),
		settings: null,
		labels: {},
		active: true,
		activeCampaigns: voice.activeCampaigns ?? 0,
	};
	state.buenaVoices.set(v.id, v);
	return v.id;
}
