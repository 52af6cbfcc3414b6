import type { IExecuteFunctions } from 'n8n-workflow';

import { probeAudio, type AudioInfo } from '../audio';
import type { CloneSample } from '../providers/types';
import { binarySize, openBinary, type BinaryInput } from './binaryInput';

const EXTENSION_ALIASES: Record<string, string[]> = {
	wav: ['wav', 'wave'],
	mp3: ['mp3'],
	m4a: ['m4a', 'mp4', 'aac'],
	flac: ['flac'],
	ogg: ['ogg', 'oga', 'opus'],
};

/** How every message about one file names it: the user's file name, item and binary property. */
export function fileLabel(fileName: string | undefined, itemIndex: number, property: string): string {
	const name = fileName ? `"${fileName}"` : 'the file';
	return `${name} (item ${itemIndex}, binary property "${property}")`;
}

/**
 * The name sent to the provider: the binary's own name when its extension matches the content,
 * otherwise the same name with the right extension, so a server that looks at names agrees.
 */
function uploadFileName(input: BinaryInput, audio: AudioInfo): string {
	const original = (input.binary.fileName ?? '').trim();
	const dot = original.lastIndexOf('.');
	const stem = (dot > 0 ? original.slice(0, dot) : original) || input.property || 'sample';
	const extension = dot > 0 ? original.slice(dot + 1).toLowerCase() : '';
	const accepted = EXTENSION_ALIASES[audio.container] ?? [audio.extension];
	if (accepted.includes(extension)) return original;
	return `${stem}.${audio.extension}`;
}

type InspectedSample = { sample: CloneSample; problem?: undefined } | { sample?: undefined; problem: string };

/** Reads just enough of a binary to know its format and duration (by content, never by name). */
export async function inspectSample(
	context: IExecuteFunctions,
	input: BinaryInput,
): Promise<InspectedSample> {
	const bytes = await binarySize(context, input);
	const label = fileLabel(input.binary.fileName, input.itemIndex, input.property);
	if (bytes === 0) return { problem: `${label} is empty (0 bytes)` };
	const source = await openBinary(context, input);
	const audio = await probeAudio(source as AsyncIterable<Uint8Array> | Uint8Array, {
		totalBytes: bytes,
		signal: context.getExecutionCancelSignal?.(),
	}).catch((error: Error) => error);
	if (audio instanceof Error) {
		return { problem: `${label} is not audio that can be used: ${audio.message}` };
	}
	return {
		sample: {
			itemIndex: input.itemIndex,
			binaryProperty: input.property,
			sourceFileName: input.binary.fileName,
			fileName: uploadFileName(input, audio),
			format: audio.container,
			mimeType: audio.mimeType,
			bytes,
			durationSeconds: audio.durationSeconds,
			open: async () => await openBinary(context, input),
		},
	};
}
