import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import {
	BLAND_PREFIX,
	blandError,
	blandKeyOf,
	blandMethodNotAllowed,
	blandRouteNotFound,
	blandRouter,
	blandUnauthorized,
	seedBland,
} from './bland';
import { BUENA_PREFIX, MAX_CLONES, buenaError, buenaKeyOf, buenaRouter, buenaSimpleError, buenaUnauthorized, seedBuena } from './buena';
import { validateFault } from './faults';
import { shapesFrom } from './shapes';
import { drain, inspectBody, queryOf, readJson, send, type Reply } from './http';
import { rateLimitHeaders, retryAfterSeconds } from './rateLimit';
import type { HandlerReply, Router } from './routes';
import { DEMO_KEYS, SandboxState } from './state';
import type { FaultSpec, Provider, RequestLogEntry, Sandbox, SandboxOptions, SeedVoice } from './types';

const CONTROL_PREFIX = '/__sandbox';
/** After an early answer (e.g. 413), the rest of the upload is discarded for at most this long. */
const LINGER_MS = 30_000;

const HTML_PAGE = (status: number) =>
	`<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

function statusFaultReply(provider: Provider | 'unknown', status: 500 | 502 | 503): Reply {
	if (provider === 'bland') return blandError(status, 'Server Error', 'An unknown error occurred');
	const code = status === 500 ? 'INTERNAL_ERROR' : status === 502 ? 'BAD_GATEWAY' : 'SERVICE_UNAVAILABLE';
	const message =
		status === 500 ? 'An internal server error occurred' : status === 502 ? 'Bad gateway' : 'Service temporarily unavailable';
	return buenaError(status, code, message);
}

function faultReply(fault: FaultSpec, provider: Provider | 'unknown', state: SandboxState): Reply {
	switch (fault.mode) {
		case 'status':
			return statusFaultReply(provider, fault.status);
		case 'html': {
			const status = fault.status ?? 502;
			return { status, contentType: 'text/html', body: HTML_PAGE(status) };
		}
		case 'brokenJson': {
			const body =
				provider === 'bland'
					? '{"status":200,"data":{"voice_id":"4cc89edf-c4b7-4df8'
					: '{"success":true,"data":{"voiceId":"pNInz6obpgDQ';
			return { status: fault.status ?? 200, contentType: 'application/json; charset=utf-8', body };
		}
		case 'rateLimit': {
			const retryAfter = fault.retryAfterSeconds ?? 1;
			const { limit, windowMs } = state.limiter.config;
			const resetAt = Date.now() + retryAfter * 1000;
			const headers: Record<string, string> = fault.headers
				? {
						'Retry-After': String(retryAfter),
						...rateLimitHeaders({ allowed: false, limit, remaining: 0, resetAt, windowMs }),
					}
				: {};
			if (provider === 'bland') {
				return blandError(429, 'Rate Limit Error', 'Too many requests. Please slow down.', headers);
			}
			return {
				...buenaError(
					429,
					'RATE_LIMIT_EXCEEDED',
					`Rate limit exceeded. Try again in ${retryAfter} seconds.`,
					{ limit, window_seconds: Math.ceil(windowMs / 1000), reset_at: new Date(resetAt).toISOString() },
					{ retryAfter },
				),
				headers,
			};
		}
		case 'json':
			return { status: fault.status ?? 200, json: fault.body };
		default:
			throw new Error(`no reply for fault ${(fault as FaultSpec).mode}`);
	}
}

export async function runServer(options: SandboxOptions = {}): Promise<{ sandbox: Sandbox; server: Server }> {
	const state = new SandboxState({
		trainingMs: options.trainingMs ?? 150_000,
		rateLimit: options.rateLimit ?? { limit: 60, windowMs: 60_000 },
		keepBodies: options.logBodies !== false,
		buenaMaxClones: options.buenaMaxClones ?? MAX_CLONES,
	});
	const sockets = new Set<Socket>();
	const timers = new Set<NodeJS.Timeout>();

	const server = createServer((req, res) => {
		handle(req, res).catch((err: Error) => {
			// Never crash: a bug in the sandbox becomes a 500 in the provider's envelope.
			process.stderr.write(`[sandbox] internal error: ${err.stack ?? err.message}\n`);
			send(res, { status: 500, json: { error: true, code: 'SANDBOX_INTERNAL_ERROR', message: err.message } });
		});
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	server.on('clientError', (_err, socket) => {
		if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
		else socket.destroy();
	});

	const host = options.host ?? '127.0.0.1';
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(options.port ?? 0, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
	const addr = server.address();
	if (!addr || typeof addr === 'string') throw new Error('sandbox: no TCP address');
	const url = `http://${host.includes(':') ? `[${host}]` : host}:${addr.port}`;

	/** Send a reply; if the body was not read to its end, discard the rest (with a time limit). */
	function finish(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry | undefined, reply: Reply): void {
		if (entry) entry.status = reply.status;
		send(res, reply);
		if (!req.complete) {
			req.resume();
			const t = setTimeout(() => {
				timers.delete(t);
				if (!req.complete) req.socket.destroy();
			}, LINGER_MS);
			t.unref();
			timers.add(t);
			req.on('close', () => {
				clearTimeout(t);
				timers.delete(t);
			});
		}
	}

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
		const path = url.pathname;
		if (path === CONTROL_PREFIX || path.startsWith(CONTROL_PREFIX + '/')) {
			return control(req, res, path.slice(CONTROL_PREFIX.length) || '/');
		}
		const provider: Provider | 'unknown' =
			path === BUENA_PREFIX || path.startsWith(BUENA_PREFIX + '/') || path.startsWith('/buena/')
				? 'buena'
				: path === BLAND_PREFIX || path.startsWith(BLAND_PREFIX + '/')
					? 'bland'
					: 'unknown';
		const query = queryOf(url);
		const entry = state.log.start(req, provider, path, query);
		const method = (req.method ?? 'GET').toUpperCase();

		const fault = state.faults.take(provider, method, path);
		if (fault) entry.fault = fault.mode;

		if (fault && !('afterBody' in fault && fault.afterBody)) {
			switch (fault.mode) {
				case 'reset': {
					if (fault.afterBytes === undefined || fault.afterBytes === 0) {
						req.socket.destroy();
						return;
					}
					let seen = 0;
					const limit = fault.afterBytes;
					req.on('data', (chunk: Buffer) => {
						seen += chunk.length;
						if (seen >= limit) req.socket.destroy();
					});
					await inspectBody(req, entry, state.keepBodies);
					// The body ended before `afterBytes`: reset anyway, nothing took effect.
					req.socket.destroy();
					return;
				}
				case 'hang':
					await inspectBody(req, entry, state.keepBodies);
					return; // never answer; close() destroys the socket
				default:
					await inspectBody(req, entry, state.keepBodies);
					finish(req, res, entry, faultReply(fault, provider, state));
					return;
			}
		}

		const reply = await app(req, provider, path, query, entry);
		if (reply.status === 0) {
			// The client went away mid-request.
			if (!res.headersSent) res.destroy();
			return;
		}
		if (fault) {
			// afterBody: the request took effect; now answer with the fault instead.
			if (!req.complete) await drain(req);
			if (fault.mode === 'hang') return;
			if (fault.mode === 'reset') {
				req.socket.destroy();
				return;
			}
			finish(req, res, entry, faultReply(fault, provider, state));
			return;
		}
		finish(req, res, entry, reply);
	}

	async function app(
		req: IncomingMessage,
		provider: Provider | 'unknown',
		path: string,
		query: Record<string, string>,
		entry: RequestLogEntry,
	): Promise<HandlerReply> {
		const method = (req.method ?? 'GET').toUpperCase();
		if (provider === 'unknown') {
			await inspectBody(req, entry, state.keepBodies);
			return { status: 404, json: { error: 'Not Found', message: `No sandbox API at ${path}; use ${BUENA_PREFIX} or ${BLAND_PREFIX}` } };
		}
		if (provider === 'buena') {
			const key = buenaKeyOf(req, state);
			// Counted at the instant the request is logged (`entry.at`), so the log alone replays
			// every window exactly (rateLimitAudit.ts).
			const rl = state.limiter.hit(key ?? 'anonymous', entry.at);
			const headers = rateLimitHeaders(rl);
			const withHeaders = (r: HandlerReply): HandlerReply => ({ ...r, headers: { ...headers, ...(r.headers ?? {}) } });
			if (!rl.allowed) {
				await inspectBody(req, entry, state.keepBodies);
				const retryAfter = retryAfterSeconds(rl);
				return withHeaders({
					...buenaError(
						429,
						'RATE_LIMIT_EXCEEDED',
						`Rate limit exceeded. Try again in ${retryAfter} seconds.`,
						{ limit: rl.limit, window_seconds: Math.ceil(rl.windowMs / 1000), reset_at: new Date(rl.resetAt).toISOString() },
						{ retryAfter },
					),
					headers: { 'Retry-After': String(retryAfter) },
				});
			}
			if (!key) {
				await inspectBody(req, entry, state.keepBodies);
				return withHeaders(buenaUnauthorized(req));
			}
			const sub = path.startsWith(BUENA_PREFIX) ? path.slice(BUENA_PREFIX.length) : '\u0000';
			return withHeaders(
				await route(buenaRouter, req, sub, method, key, query, entry, path, {
					notFound: () => buenaSimpleError(404, 'Not found', `Cannot ${method} ${path.replace(/^\/buena/, '')}`),
					methodNotAllowed: (allow) =>
						buenaSimpleError(405, 'Method not allowed', `${method} is not supported on ${path.replace(/^\/buena/, '')}; use ${allow.join(', ')}`, {
							Allow: allow.join(', '),
						}),
				}),
			);
		}
		const key = blandKeyOf(req, state);
		if (!key) {
			await inspectBody(req, entry, state.keepBodies);
			return blandUnauthorized();
		}
		return route(blandRouter, req, path.slice(BLAND_PREFIX.length), method, key, query, entry, path, {
			notFound: blandRouteNotFound,
			methodNotAllowed: blandMethodNotAllowed,
		});
	}

	async function route(
		router: Router,
		req: IncomingMessage,
		sub: string,
		method: string,
		key: string,
		query: Record<string, string>,
		entry: RequestLogEntry,
		path: string,
		errors: { notFound(): Reply; methodNotAllowed(allow: string[]): Reply },
	): Promise<HandlerReply> {
		const r = router.resolve(method, sub);
		if (r.kind !== 'ok') {
			await inspectBody(req, entry, state.keepBodies);
			return r.kind === 'notFound' ? errors.notFound() : errors.methodNotAllowed(r.allow);
		}
		return r.handler({ req, entry, state, key, params: r.params, query, path });
	}

	// ---- control path: /__sandbox/… (not logged, no key) ----
	async function control(req: IncomingMessage, res: ServerResponse, sub: string): Promise<void> {
		const method = (req.method ?? 'GET').toUpperCase();
		const scratch: RequestLogEntry = {
			at: 0, provider: 'unknown', method, path: sub, query: {}, authPresent: false, authHeaders: [], fields: [], files: [], status: 0,
		};
		const body = async (): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false }> => {
			const r = await readJson(req, scratch, false);
			if (r.kind === 'empty') return { ok: true, value: {} };
			if (r.kind === 'ok' && r.value && typeof r.value === 'object' && !Array.isArray(r.value)) {
				return { ok: true, value: r.value as Record<string, unknown> };
			}
			finish(req, res, undefined, { status: 400, json: { error: 'body must be a JSON object' } });
			return { ok: false };
		};
		const json = (status: number, value: unknown) => finish(req, res, undefined, { status, json: value });
		try {
			if (sub === '/log' && method === 'GET') return json(200, sandbox.log());
			if (sub === '/log' && method === 'DELETE') {
				sandbox.clearLog();
				return finish(req, res, undefined, { status: 204 });
			}
			if (sub === '/info' && method === 'GET') {
				return json(200, { url: sandbox.url, buenaBaseUrl: sandbox.buenaBaseUrl, blandBaseUrl: sandbox.blandBaseUrl, keys: sandbox.keys });
			}
			if (sub === '/faults' && method === 'GET') return json(200, state.faults.pending());
			if (sub === '/faults' && method === 'DELETE') {
				state.faults.clear();
				return finish(req, res, undefined, { status: 204 });
			}
			if (sub === '/faults' && method === 'POST') {
				const b = await body();
				if (!b.ok) return;
				const err = validateFault(b.value);
				if (err) return json(400, { error: err });
				sandbox.injectFault(b.value as unknown as FaultSpec);
				return json(201, { ok: true, pending: state.faults.pending() });
			}
			if (sub === '/config' && method === 'POST') {
				const b = await body();
				if (!b.ok) return;
				sandbox.configure(b.value as Parameters<Sandbox['configure']>[0]);
				return json(200, { trainingMs: state.trainingMs, rateLimit: { ...state.limiter.config }, shapes: state.shapes });
			}
			if (sub === '/reset' && method === 'POST') {
				await drain(req);
				sandbox.reset();
				return finish(req, res, undefined, { status: 204 });
			}
			if (sub === '/keys' && method === 'POST') {
				const b = await body();
				if (!b.ok) return;
				sandbox.addKey(b.value.provider as Provider, b.value.key as string);
				return finish(req, res, undefined, { status: 204 });
			}
			if (sub === '/voices' && method === 'POST') {
				const b = await body();
				if (!b.ok) return;
				const id = sandbox.seedVoice(b.value.provider as Provider, b.value.voice as SeedVoice);
				return json(201, { id });
			}
			const ready = /^\/voices\/([^/]+)\/ready$/.exec(sub);
			if (ready && method === 'POST') {
				await drain(req);
				sandbox.markReady(decodeURIComponent(ready[1]));
				return finish(req, res, undefined, { status: 204 });
			}
			await drain(req);
			return json(404, { error: `unknown control endpoint ${method} ${CONTROL_PREFIX}${sub}` });
		} catch (err) {
			return json(400, { error: (err as Error).message });
		}
	}

	const sandbox: Sandbox = {
		url,
		buenaBaseUrl: `${url}${BUENA_PREFIX}`,
		blandBaseUrl: `${url}${BLAND_PREFIX}`,
		keys: { buena: DEMO_KEYS.buena, bland: DEMO_KEYS.bland },
		log: () => state.log.snapshot(),
		clearLog: () => state.log.clear(),
		injectFault: (fault) => {
			const err = validateFault(fault);
			if (err) throw new Error(`sandbox: invalid fault: ${err}`);
			state.faults.add(fault);
		},
		configure: (patch) => {
			// Checked first, so a bad shape changes nothing.
			const shapes = patch.shapes !== undefined ? shapesFrom(patch.shapes) : undefined;
			if (patch.trainingMs !== undefined) {
				if (typeof patch.trainingMs !== 'number' || !Number.isFinite(patch.trainingMs) || patch.trainingMs < 0) {
					throw new Error('sandbox: trainingMs must be a number >= 0');
				}
				state.trainingMs = patch.trainingMs;
			}
			if (patch.buenaMaxClones !== undefined) {
				if (!Number.isInteger(patch.buenaMaxClones) || patch.buenaMaxClones < 0) {
					throw new Error('sandbox: buenaMaxClones must be an integer >= 0');
				}
				state.buenaMaxClones = patch.buenaMaxClones;
			}
			if (patch.rateLimit !== undefined) {
				const { limit, windowMs } = patch.rateLimit;
				if (!Number.isInteger(limit) || limit < 0 || !Number.isFinite(windowMs) || windowMs <= 0) {
					throw new Error('sandbox: rateLimit must be { limit: integer >= 0, windowMs: > 0 }');
				}
				state.limiter.config = { limit, windowMs };
				state.limiter.clear();
			}
			if (shapes) state.shapes = shapes;
		},
		reset: () => state.reset(),
		addKey: (provider, key) => {
			if (provider !== 'buena' && provider !== 'bland') throw new Error("sandbox: provider must be 'buena' or 'bland'");
			if (typeof key !== 'string' || key.trim() === '') throw new Error('sandbox: key must be a non-empty string');
			state.keys[provider].add(key.trim());
		},
		seedVoice: (provider, voice) => {
			if (!voice || typeof voice.name !== 'string') throw new Error('sandbox: voice.name is required');
			if (provider === 'buena') return seedBuena(state, voice, DEMO_KEYS.buena);
			if (provider === 'bland') return seedBland(state, voice, DEMO_KEYS.bland);
			throw new Error("sandbox: provider must be 'buena' or 'bland'");
		},
		markReady: (voiceId) => {
			if (state.markReady(voiceId)) return;
			if (state.blandVoices.has(voiceId)) return; // Bland voices are usable at once
			throw new Error(`sandbox: no voice ${voiceId}`);
		},
		close: () =>
			new Promise<void>((resolve) => {
				for (const t of timers) clearTimeout(t);
				timers.clear();
				server.close(() => resolve());
				server.closeAllConnections();
				for (const s of sockets) s.destroy();
			}),
	};
	return { sandbox, server };
}
