import type { IDataObject } from 'n8n-workflow';

import type { ProviderErrorKind } from './types';

/** Provider answers are parsed defensively: the public docs and the real servers disagree. */
export function asObject(value: unknown): IDataObject | undefined {
	return value !== null && typeof value === 'object' && !Array.isArray(value)
		? (value as IDataObject)
		: undefined;
}

export function asString(value: unknown): string | undefined {
	if (typeof value === 'string') return value;
	if (typeof value === 'number') return String(value);
	return undefined;
}

export function asNumber(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

/** What to say about a body that is not the JSON envelope (an HTML error page, broken JSON). */
export function describeUnexpectedBody(statusCode: number, body: unknown): string {
	if (typeof body === 'string') {
		const text = body.trim();
		if (/^<!doctype html|^<html/i.test(text)) {
			const title = /<title>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
			return `The server answered HTTP ${statusCode} with an HTML page${title ? ` ("${title}")` : ''} instead of JSON`;
		}
		if (text.length) {
			return `The server answered HTTP ${statusCode} with a body that is not valid JSON: "${text.slice(0, 120)}"`;
		}
	}
	return `The server answered HTTP ${statusCode} without an error message`;
}

/**
 * The one table of what an HTTP status means when the provider's envelope says nothing more. The
 * transport decides from the kind alone whether asking again can help (see callProvider):
 * - transient (408, 502, 503, 504): "not now" — the request did not get through or was not
 *   handled; asking again later may succeed.
 * - server (500 and any other 5xx): the server failed handling it; a read may be asked again, a
 *   create's outcome is unknown.
 * - 501 and 505 say the server will never handle this request: asking again cannot help.
 */
const STATUS_KINDS: Readonly<Record<number, ProviderErrorKind>> = {
	401: 'auth',
	403: 'auth',
	404: 'notFound',
	408: 'transient',
	429: 'rateLimit',
	501: 'client',
	502: 'transient',
	503: 'transient',
	504: 'transient',
	505: 'client',
};

export function kindFromStatus(statusCode: number): ProviderErrorKind {
	return STATUS_KINDS[statusCode] ?? (statusCode >= 500 ? 'server' : 'client');
}

export function trimmedName(value: unknown): string {
	return typeof value === 'string' ? value.trim() : String(value ?? '').trim();
}
