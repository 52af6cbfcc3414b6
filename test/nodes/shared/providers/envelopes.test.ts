import { bland } from '../../../../nodes/shared/providers/bland';
import { buena } from '../../../../nodes/shared/providers/buena';

const stamp = { version: '2.0', timestamp: '2024-01-20T15:30:00Z' };

describe('Buena error envelopes (both documented shapes)', () => {
	it.each([
		[
			'invalid format',
			400,
			{ error: true, code: 'INVALID_FILE_FORMAT', message: 'Unsupported audio format. Please use WAV, MP3, M4A, or FLAC files.', ...stamp, details: { supported_formats: ['wav', 'mp3', 'm4a', 'flac'], rejected_files: ['recording.txt'] } },
			{ kind: 'client', code: 'INVALID_FILE_FORMAT', details: ['Rejected file: recording.txt', 'Supported formats: wav, mp3, m4a, flac'] },
		],
		[
			'quota (a 429 that is not a rate limit)',
			429,
			{ error: true, code: 'VOICE_CLONE_LIMIT_EXCEEDED', message: 'Maximum voice clones reached (5). Delete existing clones or upgrade your plan.', ...stamp, details: { current_count: 5, max_allowed: 5, upgrade_url: 'https://app.buena.ai/billing' } },
			{ kind: 'quota', code: 'VOICE_CLONE_LIMIT_EXCEEDED', details: ['Voice clones: 5 of 5 allowed'] },
		],
		[
			'file too large',
			413,
			{ error: true, code: 'FILE_TOO_LARGE', message: 'File size exceeds maximum limit of 50MB', ...stamp, details: { max_size_mb: 50, rejected_files: [{ filename: 'large_recording.wav', size_mb: 75 }] } },
			{ kind: 'client', code: 'FILE_TOO_LARGE', details: ['Rejected file: large_recording.wav (75 MB)', 'Maximum file size: 50 MB'] },
		],
		[
			'rate limit with retryAfter',
			429,
			{ error: true, code: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded', retryAfter: 42, ...stamp },
			{ kind: 'rateLimit', code: 'RATE_LIMIT_EXCEEDED', retryAfterMs: 42_000 },
		],
		[
			'permission denied',
			403,
			{ error: true, code: 'PERMISSION_DENIED', message: 'Missing permission', permissionHelp: { required: 'voice:create', available: ['voice:read'] } },
			{ kind: 'auth', details: ['Required permission: voice:create', 'Key permissions: voice:read'] },
		],
		[
			'the second shape',
			404,
			{ success: false, error: 'Route not found', details: 'GET /voice-clone does not exist' },
			{ kind: 'notFound', message: 'Route not found', details: ['GET /voice-clone does not exist'] },
		],
		['an HTML page', 502, '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>', { kind: 'transient', message: 'The server answered HTTP 502 with an HTML page ("502 Bad Gateway") instead of JSON' }],
		['broken JSON', 500, '{"error":true,"co', { kind: 'server', message: 'The server answered HTTP 500 with a body that is not valid JSON: "{"error":true,"co"' }],
		['no body', 503, undefined, { kind: 'transient', message: 'The server answered HTTP 503 without an error message' }],
	])('%s', (_label, statusCode, body, expected) => {
		expect(buena.parseError({ statusCode, headers: {}, body })).toMatchObject(expected);
	});
});

describe('Bland error envelope', () => {
	const envelope = (status: number, error: string, message: string) => ({ status, data: null, errors: [{ error, message }] });
	it.each([
		[400, envelope(400, 'Validation Error', 'Voice name is already taken'), { kind: 'client', code: 'Validation Error', message: 'Voice name is already taken' }],
		[400, envelope(400, 'Limit Exceeded', 'You have reached the maximum number of voices for your plan.'), { kind: 'quota' }],
		[401, envelope(401, 'Authentication Error', 'Invalid token'), { kind: 'auth', message: 'Invalid token' }],
		[500, envelope(500, 'Server Error', 'Failed to create voice entry'), { kind: 'server' }],
		[429, { message: 'Too many requests' }, { kind: 'rateLimit', message: 'Too many requests' }],
	])('HTTP %i', (statusCode, body, expected) => {
		expect(bland.parseError({ statusCode, headers: {}, body })).toMatchObject(expected);
	});

	it('keeps every error of the list', () => {
		const body = { status: 400, data: null, errors: [{ error: 'Validation Error', message: 'Voice name too long' }, { error: 'Validation Error', message: 'Invalid gender' }] };
		expect(bland.parseError({ statusCode: 400, headers: {}, body }).details).toEqual(['Validation Error: Invalid gender']);
	});
});

describe('create responses', () => {
	const request = { name: 'Professional Voice', description: '', samples: [], options: {} };
	// `raw` (the output's `response`) is the provider's record of the voice, not the envelope.
	it('reads the seed\'s Buena answer', () => {
		const body = { success: true, data: { voiceId: 'pNInz6obpgDQGcFmaJgB', name: 'Professional Voice', sampleCount: 3 }, message: 'Voice clone created successfully' };
		expect(buena.parseCreatedVoice(body, request)).toEqual({ voiceId: 'pNInz6obpgDQGcFmaJgB', name: 'Professional Voice', raw: body.data });
	});
	it('reads the seed\'s Bland answer', () => {
		const body = { status: 200, data: { voice_id: '4cc89edf-c4b7-4df8-98c5-f8548fcd7c62', name: 'Blandie' }, errors: null };
		expect(bland.parseCreatedVoice(body, request)).toEqual({ voiceId: '4cc89edf-c4b7-4df8-98c5-f8548fcd7c62', name: 'Blandie', raw: body.data });
	});
	it('does not invent a voice from a 2xx without an id', () => {
		expect(buena.parseCreatedVoice({ success: true }, request)).toBeUndefined();
		expect(bland.parseCreatedVoice('<html>', request)).toBeUndefined();
	});
	it('builds the documented multipart fields', () => {
		expect(buena.createEndpoint({ ...request, description: 'd', options: { settings: { stability: 0.5, useSpeakerBoost: true } } })).toEqual({
			path: '/voice-clones',
			fileField: 'files',
			fields: [['name', 'Professional Voice'], ['description', 'd'], ['settings', '{"stability":0.5,"use_speaker_boost":true}']],
		});
		expect(bland.createEndpoint({ ...request, options: { gender: 'Male', engine: 'v3' } })).toEqual({
			path: '/v1/voices/clone',
			fileField: 'audio_samples',
			fields: [['name', 'Professional Voice'], ['gender', 'male']],
		});
	});
});
