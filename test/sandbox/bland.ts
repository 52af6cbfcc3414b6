/**
 * Bland AI voices stand-in, mounted at /bland (endpoints under /v1/…). Messages and envelopes are
 * the clone page's (seed 003) verbatim; choices the docs leave open are listed in README.md.
 */
import type { IncomingMessage } from 'node:http';

import { DurationProbe, speechWav } from './audio';
import { readJson, type Reply } from './http';
import { firstField, isMultipart, parseMultipart, type FilePart } from './multipart';
import { Router, type Ctx, type HandlerReply } from './routes';
import { blandGetBody, blandListBody } from './shapes';
import { blandVoiceId, type BlandVoice, type SandboxState } from './state';

export const BLAND_PREFIX = '/bland';
export const MAX_NAME_CHARS = 30;
export const MAX_FILES = 5;
export const MAX_SAMPLES_PER_VOICE = 5;
const MIB = 1024 * 1024;
/** "Maximum file size: 10MB": 10 MiB exactly is accepted, one byte more is not. */
export const MAX_FILE_BYTES = 10 * MIB;
/** "Maximum total upload size: 25MB": 25 MiB exactly is accepted. */
export const MAX_TOTAL_BYTES = 25 * MIB;
/** Past this many audio bytes the sandbox stops reading and answers "total too large" with what it counted. */
export const HARD_CAP_BYTES = 64 * MIB;
export const MIN_SECONDS = 1;
export const MAX_SECONDS = 60;

export function blandError(status: number, error: string, message: string, headers?: Record<string, string>): Reply {
	return { status, headers, json: { status, data: null, errors: [{ error, message }] } };
}

const validationError = (message: string) => blandError(400, 'Validation Error', message);
const processingError = (message: string) => blandError(400, 'Processing Error', message);
const voiceNotFound = () => blandError(404, 'Not Found', 'Voice not found');

/** `Authorization: <key>`, the raw key. `Bearer <key>` is not accepted. */
export function blandKeyOf(req: IncomingMessage, state: SandboxState): string | undefined {
	const auth = req.headers.authorization;
	if (typeof auth !== 'string') return undefined;
	const key = auth.trim();
	return state.keys.bland.has(key) ? key : undefined;
}

export function blandUnauthorized(): Reply {
	return blandError(401, 'Authentication Error', 'Invalid token');
}

function ok(data: unknown): Reply {
	return { status: 200, json: { status: 200, data, errors: null } };
}

function voiceJson(v: BlandVoice) {
	return {
		id: v.id,
		name: v.name,
		description: v.description,
		public: false,
		tags: [...v.tags],
		gender: v.gender,
		engine: v.engine === 'v2' ? 'btts_v2' : 'btts_v3',
		total_samples: v.samples,
		created_at: new Date(v.createdAt).toISOString(),
	};
}

function accountVoices(state: SandboxState, key: string): BlandVoice[] {
	return [...state.blandVoices.values()].filter((v) => v.key === key);
}

function nameTaken(state: SandboxState, key: string, name: string, exceptId?: string): boolean {
	const lower = name.toLowerCase();
	return accountVoices(state, key).some((v) => v.id !== exceptId && v.name.trim().toLowerCase() === lower);
}

function findVoice(state: SandboxState, key: string, idOrName: string): BlandVoice | undefined {
	const byId = state.blandVoices.get(idOrName);
	if (byId && byId.key === key) return byId;
	const lower = idOrName.trim().toLowerCase();
	return accountVoices(state, key).find((v) => v.name.trim().toLowerCase() === lower);
}

/** Floor for "too short", ceil for "too long", so the one-decimal estimate never contradicts the bound. */
const floor1 = (x: number) => (Math.floor(x * 10) / 10).toFixed(1);
const ceil1 = (x: number) => (Math.ceil(x * 10 - 1e-9) / 10).toFixed(1);
const mb1 = (bytes: number) => (bytes / MIB).toFixed(1);

interface Sample {
	part: FilePart;
	probe?: DurationProbe;
}

type Received =
	| { kind: 'reply'; reply: HandlerReply }
	| { kind: 'ok'; fields: Map<string, string[]>; samples: Sample[] };

/**
 * Read a multipart upload of `audio_samples`, measuring each sample's duration with
 * music-metadata while it streams. Nothing is held in memory; a file over the per-file or total
 * limit is no longer fed to the parser, only counted (the error messages give its size).
 */
async function receiveSamples(ctx: Ctx): Promise<Received> {
	const { req, entry, state } = ctx;
	if (!isMultipart(req)) return { kind: 'reply', reply: validationError('Request must be multipart/form-data') };
	const samples: Sample[] = [];
	let total = 0;
	const result = await parseMultipart(
		req,
		entry,
		{
			onFile: (part, ctl) => {
				if (part.field !== 'audio_samples') return undefined;
				const sample: Sample = { part };
				samples.push(sample);
				if (samples.length <= MAX_FILES) sample.probe = new DurationProbe();
				return {
					write: (chunk) => {
						total += chunk.length;
						if (total > HARD_CAP_BYTES) {
							ctl.stop('cap');
							return;
						}
						if (part.bytes > MAX_FILE_BYTES || total > MAX_TOTAL_BYTES) sample.probe?.abandon();
						return sample.probe?.write(chunk);
					},
					end: () => sample.probe?.end(),
				};
			},
		},
		state.keepBodies,
	);
	const abandonAll = () => samples.forEach((s) => s.probe?.abandon());
	if (result.kind === 'gone') {
		abandonAll();
		return { kind: 'reply', reply: { status: 0 } };
	}
	if (result.kind === 'malformed') {
		abandonAll();
		return { kind: 'reply', reply: validationError(`Malformed multipart body: ${result.message}`) };
	}
	if (result.kind === 'stopped') {
		abandonAll();
		return {
			kind: 'reply',
			reply: {
				...validationError(`Total upload size is too large (${mb1(total)}MB). Maximum allowed total size is 25MB.`),
				early: true,
			},
		};
	}
	return { kind: 'ok', fields: result.fields, samples };
}

/** The per-file checks shared by clone and add-samples, in the seed's order. */
async function checkSamples(samples: Sample[]): Promise<Reply | undefined> {
	if (samples.length === 0) return validationError('No files provided for voice cloning.');
	if (samples.length > MAX_FILES) {
		return validationError(`Too many files (${samples.length}). Maximum allowed is ${MAX_FILES} files per upload.`);
	}
	const name = (s: Sample) => s.part.fileName ?? s.part.field;
	const big = samples.find((s) => s.part.bytes > MAX_FILE_BYTES);
	if (big) {
		return validationError(`File "${name(big)}" is too large (${mb1(big.part.bytes)}MB). Maximum allowed size is 10MB.`);
	}
	const total = samples.reduce((n, s) => n + s.part.bytes, 0);
	if (total > MAX_TOTAL_BYTES) {
		return validationError(`Total upload size is too large (${mb1(total)}MB). Maximum allowed total size is 25MB.`);
	}
	for (const s of samples) {
		const seconds = await s.probe?.result;
		if (seconds === undefined) return processingError('Failed to process audio with beige model');
		if (seconds < MIN_SECONDS) {
			return validationError(`File "${name(s)}" is too short (estimated ${floor1(seconds)}s). Minimum duration is 1 seconds.`);
		}
		if (seconds > MAX_SECONDS) {
			return validationError(`File "${name(s)}" is too long (estimated ${ceil1(seconds)}s). Maximum duration is 60 seconds.`);
		}
	}
	return undefined;
}

function checkName(state: SandboxState, key: string, raw: unknown, exceptId?: string): Reply | undefined {
	const name = typeof raw === 'string' ? raw.trim() : '';
	if (!name) return validationError('Voice name is required');
	if ([...name].length > MAX_NAME_CHARS) return validationError('Voice name too long');
	if (nameTaken(state, key, name, exceptId)) return validationError('Voice name is already taken');
	return undefined;
}

async function cloneVoice(ctx: Ctx): Promise<HandlerReply> {
	const received = await receiveSamples(ctx);
	if (received.kind === 'reply') return received.reply;
	const { fields, samples } = received;
	const abandon = () => samples.forEach((s) => s.probe?.abandon());
	const rawName = firstField(fields, 'name');
	const nameError = checkName(ctx.state, ctx.key, rawName);
	if (nameError) {
		abandon();
		return nameError;
	}
	const gender = (firstField(fields, 'gender') ?? '').trim();
	if (gender !== '' && gender !== 'male' && gender !== 'female') {
		abandon();
		return validationError('Invalid gender');
	}
	const sampleError = await checkSamples(samples);
	if (sampleError) {
		abandon();
		return sampleError;
	}
	const name = rawName!.trim();
	// A concurrent request may have taken the name while this upload streamed.
	if (nameTaken(ctx.state, ctx.key, name)) return validationError('Voice name is already taken');
	const engine = firstField(fields, 'isBTTS_V2') === 'true' ? 'v2' : 'v3';
	const v: BlandVoice = {
		id: blandVoiceId(),
		key: ctx.key,
		name,
		description: firstField(fields, 'description') ?? '',
		gender: gender === '' ? null : (gender as 'male' | 'female'),
		engine,
		// The v3 engine uses only the first sample.
		samples: engine === 'v2' ? samples.length : 1,
		tags: [],
		createdAt: Date.now(),
	};
	ctx.state.blandVoices.set(v.id, v);
	return ok({ voice_id: v.id, name: v.name });
}

async function addSamples(ctx: Ctx): Promise<HandlerReply> {
	const received = await receiveSamples(ctx);
	if (received.kind === 'reply') return received.reply;
	const { fields, samples } = received;
	const abandon = () => samples.forEach((s) => s.probe?.abandon());
	const voiceId = (firstField(fields, 'voice_id') ?? '').trim();
	if (!voiceId) {
		abandon();
		return validationError('voice_id is required');
	}
	const v = ctx.state.blandVoices.get(voiceId);
	if (!v || v.key !== ctx.key) {
		abandon();
		return voiceNotFound();
	}
	const sampleError = await checkSamples(samples);
	if (sampleError) return sampleError;
	if (v.engine !== 'v2') return processingError(samples.length > 1 ? 'Failed to add samples to voice' : 'Failed to add sample to voice');
	if (v.samples + samples.length > MAX_SAMPLES_PER_VOICE) {
		return validationError(
			`Cannot add ${samples.length} sample(s). Voice already has ${v.samples} samples. Maximum allowed is ${MAX_SAMPLES_PER_VOICE} samples per voice.`,
		);
	}
	v.samples += samples.length;
	return ok({ voice_id: v.id, total_samples: v.samples });
}

async function jsonBody(ctx: Ctx): Promise<{ value: Record<string, unknown> } | { reply: Reply }> {
	const r = await readJson(ctx.req, ctx.entry, ctx.state.keepBodies);
	if (r.kind === 'gone') return { reply: { status: 0 } };
	if (r.kind === 'tooLarge') return { reply: validationError('Request body too large') };
	if (r.kind === 'invalid') return { reply: validationError('Invalid JSON body') };
	if (r.kind === 'empty' || !r.value || typeof r.value !== 'object' || Array.isArray(r.value)) {
		return { reply: validationError('Request body must be a JSON object') };
	}
	return { value: r.value as Record<string, unknown> };
}

async function checkNameAvailability(ctx: Ctx): Promise<HandlerReply> {
	const body = await jsonBody(ctx);
	if ('reply' in body) return body.reply;
	const name = typeof body.value.name === 'string' ? body.value.name.trim() : '';
	if (!name) return validationError('Voice name is required');
	return { status: 200, json: { result: !nameTaken(ctx.state, ctx.key, name) } };
}

async function listVoices(ctx: Ctx): Promise<HandlerReply> {
	const voices = accountVoices(ctx.state, ctx.key).sort((a, b) => a.createdAt - b.createdAt);
	return { status: 200, json: blandListBody(ctx.state.shapes, voices.map(voiceJson)) };
}

async function getVoice(ctx: Ctx): Promise<HandlerReply> {
	const v = findVoice(ctx.state, ctx.key, ctx.params.id);
	if (!v) return voiceNotFound();
	return { status: 200, json: blandGetBody(ctx.state.shapes, voiceJson(v)) };
}

async function renameVoice(ctx: Ctx): Promise<HandlerReply> {
	const body = await jsonBody(ctx);
	if ('reply' in body) return body.reply;
	const v = ctx.state.blandVoices.get(ctx.params.id);
	if (!v || v.key !== ctx.key) return voiceNotFound();
	const err = checkName(ctx.state, ctx.key, body.value.name, v.id);
	if (err) return err;
	v.name = (body.value.name as string).trim();
	return ok({ voice_id: v.id, name: v.name });
}

async function deleteVoice(ctx: Ctx): Promise<HandlerReply> {
	const v = ctx.state.blandVoices.get(ctx.params.id);
	if (!v || v.key !== ctx.key) return voiceNotFound();
	ctx.state.blandVoices.delete(v.id);
	return ok({ voice_id: v.id, deleted: true });
}

async function speak(ctx: Ctx): Promise<HandlerReply> {
	const body = await jsonBody(ctx);
	if ('reply' in body) return body.reply;
	const { voice, text } = body.value;
	if (typeof voice !== 'string' || voice.trim() === '') return validationError('voice is required');
	if (typeof text !== 'string' || text.trim() === '') return validationError('text is required');
	const v = findVoice(ctx.state, ctx.key, voice);
	if (!v) return voiceNotFound();
	return {
		status: 200,
		contentType: 'audio/wav',
		headers: { 'Content-Disposition': 'attachment; filename="speech.wav"' },
		body: speechWav(text),
	};
}

export const blandRouter = new Router([
	{ method: 'GET', pattern: '/v1/voices', handler: listVoices },
	{ method: 'POST', pattern: '/v1/voices/clone', handler: cloneVoice },
	{ method: 'POST', pattern: '/v1/voices/check_name_availability', handler: checkNameAvailability },
	{ method: 'POST', pattern: '/v1/voices/samples', handler: addSamples },
	{ method: 'GET', pattern: '/v1/voices/:id', handler: getVoice },
	{ method: 'DELETE', pattern: '/v1/voices/:id', handler: deleteVoice },
	{ method: 'PATCH', pattern: '/v1/voices/:id/rename', handler: renameVoice },
	{ method: 'POST', pattern: '/v1/speak', handler: speak },
]);

export function blandMethodNotAllowed(allow: string[]): Reply {
	return blandError(405, 'Method Error', 'Method not allowed', { Allow: allow.join(', ') });
}

export function blandRouteNotFound(): Reply {
	return blandError(404, 'Not Found', 'Route not found');
}

/** Seed a Bland voice (control API). */
export function seedBland(
	state: SandboxState,
	voice: { name: string; description?: string; key?: string; id?: string; sampleCount?: number; gender?: 'male' | 'female'; tags?: string[]; engine?: 'v2' | 'v3' },
	defaultKey: string,
): string {
	const v: BlandVoice = {
		id: voice.id ?? blandVoiceId(),
		key: voice.key ?? defaultKey,
		name: voice.name,
		description: voice.description ?? '',
		gender: voice.gender ?? null,
		engine: voice.engine ?? 'v3',
		samples: voice.sampleCount ?? 1,
		tags: voice.tags ?? [],
		createdAt: Date.now(),
	};
	state.blandVoices.set(v.id, v);
	return v.id;
}
