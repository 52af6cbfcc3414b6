import type { IncomingMessage, ServerResponse } from 'node:http';

import { isMultipart, parseMultipart } from './multipart';
import type { RequestLogEntry } from './types';

const MAX_JSON_BYTES = 1024 * 1024;
const MAX_LOGGED_VALUE = 2000;

export interface Reply {
	status: number;
	headers?: Record<string, string>;
	/** Serialised as JSON (application/json; charset=utf-8). */
	json?: unknown;
	/** Raw body (used when `json` is absent). */
	body?: Buffer | string;
	contentType?: string;
}

export type JsonResult =
	| { kind: 'ok'; value: unknown }
	| { kind: 'empty' }
	| { kind: 'invalid'; message: string }
	| { kind: 'tooLarge' }
	| { kind: 'gone' };

/** Read a JSON body (at most 1 MB), recording its top-level keys in the log entry. */
export function readJson(req: IncomingMessage, entry: RequestLogEntry, keepValues = true): Promise<JsonResult> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		let settled = false;
		const done = (r: JsonResult) => {
			if (settled) return;
			settled = true;
			resolve(r);
		};
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_JSON_BYTES) {
				tooLarge = true;
				chunks.length = 0;
			} else chunks.push(chunk);
		});
		req.on('end', () => {
			if (tooLarge) return done({ kind: 'tooLarge' });
			const text = Buffer.concat(chunks).toString('utf8');
			if (text.trim() === '') return done({ kind: 'empty' });
			try {
				const value: unknown = JSON.parse(text);
				if (value && typeof value === 'object' && !Array.isArray(value)) {
					for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
						entry.fields.push(keepValues ? { name, value: loggable(v) } : { name });
					}
				}
				done({ kind: 'ok', value });
			} catch (err) {
				done({ kind: 'invalid', message: (err as Error).message });
			}
		});
		req.on('close', () => {
			if (!req.complete) done({ kind: 'gone' });
		});
		req.on('error', () => done({ kind: 'gone' }));
	});
}

function loggable(v: unknown): string {
	const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
	return s.length > MAX_LOGGED_VALUE ? s.slice(0, MAX_LOGGED_VALUE) + '…' : s;
}

/** Read and discard a request body, returning when it has ended (or the client went away). */
export function drain(req: IncomingMessage): Promise<void> {
	return new Promise((resolve) => {
		if (req.complete || req.readableEnded) return resolve();
		req.on('end', () => resolve());
		req.on('close', () => resolve());
		req.on('error', () => resolve());
		req.resume();
	});
}

/**
 * Consume a body we are not going to act on (faulted, unauthorised, rate-limited requests),
 * still recording what it contained in the log: multipart parts with names and byte counts,
 * JSON keys. Constant memory.
 */
export async function inspectBody(req: IncomingMessage, entry: RequestLogEntry, keepValues = true): Promise<void> {
	if (req.complete || req.readableEnded) return;
	if (isMultipart(req)) {
		const r = await parseMultipart(req, entry, {}, keepValues);
		if (r.kind === 'malformed') await drain(req);
		return;
	}
	if (/json/i.test(req.headers['content-type'] ?? '')) {
		await readJson(req, entry, keepValues);
		return;
	}
	await drain(req);
}

export function send(res: ServerResponse, reply: Reply): void {
	if (res.headersSent || res.destroyed) return;
	let body: Buffer;
	let contentType = reply.contentType;
	if (reply.json !== undefined) {
		body = Buffer.from(JSON.stringify(reply.json));
		contentType ??= 'application/json; charset=utf-8';
	} else if (reply.body !== undefined) {
		body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
	} else body = Buffer.alloc(0);
	const headers: Record<string, string | number> = { ...(reply.headers ?? {}) };
	if (contentType) headers['Content-Type'] = contentType;
	headers['Content-Length'] = body.length;
	res.writeHead(reply.status, headers);
	res.end(body);
}

export function queryOf(url: URL): Record<string, string> {
	const q: Record<string, string> = {};
	for (const [k, v] of url.searchParams) if (!(k in q)) q[k] = v;
	return q;
}
