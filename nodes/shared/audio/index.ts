/**
 * Audio probe: identifies WAV, MP3, MP4/M4A, FLAC and Ogg (Vorbis/Opus/FLAC) audio from its content
 * and reports codec, duration, sample rate and channels while reading as little as possible.
 *
 * - Header formats (WAV, FLAC, M4A with 'moov' first, MP3 with Xing/Info/VBRI or constant bitrate
 *   with `totalBytes`) stop after the header and release the source.
 * - Scanning formats (VBR MP3 without header, Ogg, M4A with 'moov' after 'mdat') walk the file in
 *   constant memory, skipping audio bytes without keeping them.
 * - Every failure is an `AudioProbeError` (see errors.ts for the codes).
 *
 * No runtime dependencies; safe to run inside n8n.
 */
import { toProbeError } from './errors';
import { probeReader } from './probe';
import { ByteReader } from './reader';
import type { AudioInfo, ProbeOptions } from './types';

export { AudioProbeError } from './errors';
export type { AudioProbeErrorCode } from './errors';
export type { AudioContainer, AudioInfo, ProbeOptions } from './types';

/**
 * Probes audio from a fresh async iterable of byte chunks (for example n8n's binary stream) or from
 * an in-memory buffer. The source is released (`return()` on its iterator) whenever the probe
 * stops before its end, including on errors. Rejects only with `AudioProbeError`.
 */
export async function probeAudio(
	source: AsyncIterable<Uint8Array> | Uint8Array,
	options: ProbeOptions = {},
): Promise<AudioInfo> {
	let reader: ByteReader | undefined;
	try {
		reader = new ByteReader(source, options);
		return await probeReader(reader);
	} catch (error) {
		// A parser bug must not escape as a TypeError/RangeError: report it as corrupt input.
		throw toProbeError(error, 'CORRUPT', 'The audio could not be parsed');
	} finally {
		await reader?.close();
	}
}
