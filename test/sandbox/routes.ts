import type { IncomingMessage } from 'node:http';

import type { Reply } from './http';
import type { SandboxState } from './state';
import type { RequestLogEntry } from './types';

export interface Ctx {
	req: IncomingMessage;
	entry: RequestLogEntry;
	state: SandboxState;
	/** The (valid) API key: the account the request acts for. Never echo or log it. */
	key: string;
	params: Record<string, string>;
	query: Record<string, string>;
	/** Full request path. */
	path: string;
}

/** `early`: the answer was decided before the body was fully read (the rest is discarded). */
export type HandlerReply = Reply & { early?: boolean };
export type Handler = (ctx: Ctx) => Promise<HandlerReply>;

export interface Route {
	method: string;
	pattern: string;
	handler: Handler;
}

interface Compiled extends Route {
	re: RegExp;
	names: string[];
	isStatic: boolean;
}

export type Resolution =
	| { kind: 'ok'; handler: Handler; params: Record<string, string> }
	| { kind: 'methodNotAllowed'; allow: string[] }
	| { kind: 'notFound' };

export class Router {
	private routes: Compiled[];

	constructor(routes: Route[]) {
		this.routes = routes.map((r) => {
			const names: string[] = [];
			const src = r.pattern
				.split('/')
				.map((seg) => {
					if (seg.startsWith(':')) {
						names.push(seg.slice(1));
						return '([^/]+)';
					}
					return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
				})
				.join('/');
			return { ...r, re: new RegExp(`^${src}/?$`), names, isStatic: names.length === 0 };
		});
	}

	/**
	 * Static routes win over parameterised ones for the same path, so that e.g.
	 * GET /v1/voices/clone is a 405 rather than "voice 'clone' not found".
	 */
	resolve(method: string, path: string): Resolution {
		const matches = this.routes.filter((r) => r.re.test(path));
		if (matches.length === 0) return { kind: 'notFound' };
		const statics = matches.filter((r) => r.isStatic);
		const candidates = statics.length > 0 ? statics : matches;
		const hit = candidates.find((r) => r.method === method);
		if (!hit) return { kind: 'methodNotAllowed', allow: [...new Set(candidates.map((r) => r.method))] };
		const m = hit.re.exec(path)!;
		const params: Record<string, string> = {};
		hit.names.forEach((n, i) => {
			try {
				params[n] = decodeURIComponent(m[i + 1]);
			} catch {
				params[n] = m[i + 1];
			}
		});
		return { kind: 'ok', handler: hit.handler, params };
	}
}
