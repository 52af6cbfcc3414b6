import type { IncomingMessage } from 'node:http';

import type { Provider, RequestLogEntry } from './types';

const MAX_ENTRIES = 10_000;
const AUTH_HEADERS = ['authorization', 'x-api-key'] as const;

/** The request log: what every API request carried (never a key) and what the sandbox answered. */
export class RequestLog {
	private entries: RequestLogEntry[] = [];

	/** `secrets()` lists every API key: any logged text that contains one is redacted. */
	constructor(private readonly secrets: () => string[]) {}

	start(req: IncomingMessage, provider: Provider | 'unknown', path: string, query: Record<string, string>): RequestLogEntry {
		const authHeaders = AUTH_HEADERS.filter((h) => {
			const v = req.headers[h];
			return typeof v === 'string' && v.trim() !== '';
		});
		const entry: RequestLogEntry = {
			at: Date.now(),
			provider,
			method: req.method ?? 'GET',
			path,
			query,
			authPresent: authHeaders.length > 0,
			authHeaders: [...authHeaders],
			fields: [],
			files: [],
			status: 0,
		};
		const ct = req.headers['content-type'];
		if (ct) entry.contentType = ct;
		const length = req.headers['content-length'];
		if (length !== undefined) entry.contentLength = Number(length);
		if (/\bchunked\b/i.test(String(req.headers['transfer-encoding'] ?? ''))) entry.chunked = true;
		this.entries.push(entry);
		if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
		return entry;
	}

	/** Deep copies: callers can't disturb entries still being filled in. */
	snapshot(): RequestLogEntry[] {
		const keys = this.secrets().filter((k) => k.length >= 4);
		const clean = <T extends string | undefined>(s: T): T =>
			(s !== undefined && keys.some((k) => s.includes(k)) ? '[redacted]' : s) as T;
		return this.entries.map((e) => ({
			...e,
			path: clean(e.path),
			query: Object.fromEntries(Object.entries(e.query).map(([k, v]) => [k, clean(v)])),
			authHeaders: [...e.authHeaders],
			fields: e.fields.map((f) => ({ ...f, value: clean(f.value) })),
			files: e.files.map((f) => ({ ...f, fileName: clean(f.fileName) })),
		}));
	}

	clear(): void {
		this.entries = [];
	}
}
