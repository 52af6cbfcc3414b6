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

/** The kind of an HTTP error when the envelope does not say more. */
export function kindFromStatus(statusCode: number): ProviderErrorKind {
	if (statusCode === 401 || statusCode === 403) return 'auth';
	if (statusCode === 404) return 'notFound';
	if (statusCode === 429) return 'rateLimit';
	if (statusCode === 502 || statusCode === 503 || statusCode === 504) return 'transient';
	if (statusCode >= 500) return 'server';
	return 'client';
}

export function trimmedName(value: unknown): string {
	return typeof value === 'string' ? value.trim() : String(value ?? '').trim();
}
