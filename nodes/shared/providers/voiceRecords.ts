import { NodeApiError, NodeOperationError, type JsonObject } from 'n8n-workflow';

import { probeAudio } from '../audio';
import { responseHeader, type ApiResponse } from '../transport/types';
import { asNumber, asString } from './parsing';
import type { ListVoicesOptions, ProviderApi, SpokenAudio, VoiceRecord, VoiceState } from './types';

/** Text length as people and the providers count it: in characters, not UTF-16 units. */
export function characterCount(text: string): number {
	return [...text].length;
}

/** The normalised record of a voice, from its parsed state and the fields every provider has. */
export function voiceRecord(
	provider: string,
	state: VoiceState,
	fields: { name?: unknown; description?: unknown; createdAt?: unknown },
): VoiceRecord {
	return {
		provider,
		voiceId: state.voiceId,
		name: asString(fields.name) ?? '',
		description: asString(fields.description) ?? '',
		status: state.status,
		trainingProgress: state.status === 'ready' ? 100 : (asNumber(state.trainingProgress) ?? null),
		createdAt: asString(fields.createdAt) ?? null,
		raw: state.raw,
	};
}

/** Applies the status and name filters, then the limit, keeping the provider's order. */
export function selectVoices(records: VoiceRecord[], options: ListVoicesOptions = {}): VoiceRecord[] {
	const needle = options.nameContains?.trim().toLowerCase();
	const selected = records.filter(
		(record) =>
			(!options.status || record.status === options.status) &&
			(!needle || record.name.toLowerCase().includes(needle)),
	);
	const limit = options.limit;
	return limit !== undefined && Number.isFinite(limit) && limit >= 0 ? selected.slice(0, limit) : selected;
}

/** Problems with a text to speak, for a provider that takes at most `maxChars` characters. */
export function speakTextProblems(providerName: string, text: string, maxChars?: number): string[] {
	if (text.trim() === '') return ['The text to speak is empty'];
	const count = characterCount(text);
	if (maxChars !== undefined && count > maxChars) {
		return [`The text to speak is ${count} characters long; ${providerName} speaks at most ${maxChars} at a time`];
	}
	return [];
}

/** The file name a Content-Disposition header gives, without any path. */
function dispositionFileName(headers: Record<string, unknown>): string | undefined {
	const disposition = responseHeader(headers, 'content-disposition');
	if (!disposition) return undefined;
	const encoded = /filename\*\s*=\s*(?:UTF-8)?''([^;]+)/i.exec(disposition)?.[1];
	let name: string | undefined;
	if (encoded) {
		try {
			name = decodeURIComponent(encoded.trim());
		} catch {
			name = undefined;
		}
	}
	name ??= /filename\s*=\s*"([^"]*)"/i.exec(disposition)?.[1] ?? /filename\s*=\s*([^;\s]+)/i.exec(disposition)?.[1];
	const base = name?.split(/[\\/]/).pop()?.trim();
	return base || undefined;
}

/**
 * The audio of a speech answer, named and typed by its content: the provider's file name (or
 * `fallback.stem`) with the extension of the format the bytes really are. A 2xx without audio is
 * a NodeApiError, not an empty file.
 */
export async function spokenAudio(
	api: ProviderApi,
	providerName: string,
	response: ApiResponse,
	fallback: { stem: string; extension: string; mimeType: string },
): Promise<SpokenAudio> {
	const { body } = response;
	if (!Buffer.isBuffer(body) || body.length === 0) {
		const kind = body === undefined || (Buffer.isBuffer(body) && body.length === 0) ? 'an empty body' : 'no audio';
		throw new NodeApiError(api.node, { statusCode: response.statusCode, message: `answered with ${kind}` } as JsonObject, {
			httpCode: String(response.statusCode),
			message: `${providerName} answered HTTP ${response.statusCode} with ${kind} instead of speech`,
			description: 'Try again; if it keeps happening, the provider may have changed its speech endpoint.',
			itemIndex: api.itemIndex,
		});
	}
	const declared = responseHeader(response.headers, 'content-type')?.split(';')[0].trim().toLowerCase();
	let extension = fallback.extension;
	let mimeType = declared?.startsWith('audio/') ? declared : fallback.mimeType;
	try {
		const audio = await probeAudio(new Uint8Array(body.buffer, body.byteOffset, body.length), { totalBytes: body.length });
		extension = audio.extension;
		mimeType = audio.mimeType;
	} catch {
		// Not a format the probe knows: keep what the provider declared.
	}
	const given = dispositionFileName(response.headers);
	const stem = given ? given.replace(/\.[^.]*$/, '') || fallback.stem : fallback.stem;
	return { data: body, fileName: `${stem}.${extension}`, mimeType };
}

/** A voice the provider does not know, as an item error that says what to check. */
export function voiceNotFoundError(
	{ node, itemIndex }: Pick<ProviderApi, 'node' | 'itemIndex'>,
	providerName: string,
	voiceId: string,
): NodeOperationError {
	return new NodeOperationError(node, `${providerName} has no voice "${voiceId}" (voice not found)`, {
		itemIndex,
		description: `Check the voice ID, and that the ${providerName} credential belongs to the account that owns the voice.`,
	});
}
