/**
 * Error type of the audio probe. Every failure the probe reports is an `AudioProbeError` with a
 * stable `code` and a message a person can act on. Codes:
 *
 * - `EMPTY`               the source produced no bytes at all.
 * - `UNRECOGNISED_FORMAT` the content is not WAV, MP3, MP4/M4A, FLAC or Ogg (e.g. text, PNG, ZIP,
 *                         a RIFF file that is not WAVE, random bytes).
 * - `TRUNCATED`           the file ends before something its own headers promise (a header, a
 *                         chunk, a box, a page, or the audio data the header declares).
 * - `CORRUPT`             the structure is recognisable but inconsistent or impossible (zero
 *                         channels, a box larger than its parent, a missing mandatory part such as
 *                         an MP4 without 'moov' or a FLAC without STREAMINFO, lost Ogg capture).
 * - `UNSUPPORTED_CODEC`   a known container holding a codec the probe does not accept (e.g. MPEG
 *                         layer II, Speex in Ogg, an MP4 without an audio track).
 * - `NO_DURATION`         the format is fine but the file does not state its length and the probe
 *                         cannot compute one (FLAC with total samples 0, MP4 with duration 0, an
 *                         Ogg stream without any audio page).
 * - `TOO_LARGE_HEADER`    a header asks the probe to hold or skip more than its hard limits
 *                         (giant ID3 tag, metadata larger than `MAX_HEADER_SKIP`), which is
 *                         refused to protect memory and time.
 * - `ABORTED`             `options.signal` was aborted.
 * - `SOURCE_ERROR`        the source itself failed (the stream threw, or yielded something that is
 *                         not bytes); the original error is in `cause`.
 */
export type AudioProbeErrorCode =
	| 'EMPTY'
	| 'UNRECOGNISED_FORMAT'
	| 'TRUNCATED'
	| 'CORRUPT'
	| 'UNSUPPORTED_CODEC'
	| 'NO_DURATION'
	| 'TOO_LARGE_HEADER'
	| 'ABORTED'
	| 'SOURCE_ERROR';

export class AudioProbeError extends Error {
	readonly code: AudioProbeErrorCode;

	constructor(code: AudioProbeErrorCode, message: string, options?: { cause?: unknown }) {
		super(message);
		this.name = 'AudioProbeError';
		this.code = code;
		if (options && 'cause' in options) {
			Object.defineProperty(this, 'cause', {
				value: options.cause,
				enumerable: false,
				writable: true,
				configurable: true,
			});
		}
	}
}

/** Human readable byte count for messages: 1023 bytes, 1 KB, 4 GB. */
export function formatBytes(n: number): string {
	if (!Number.isFinite(n)) return String(n);
	if (n < 1024) return `${n} byte${n === 1 ? '' : 's'}`;
	const units = ['KB', 'MB', 'GB', 'TB', 'PB', 'EB'];
	let value = n / 1024;
	let unit = 0;
	while (value >= 1024 && unit < units.length - 1) {
		value /= 1024;
		unit++;
	}
	const rounded = value >= 10 ? Math.round(value) : Math.round(value * 10) / 10;
	return `${rounded} ${units[unit]}`;
}

/** Turns anything thrown into an AudioProbeError (AudioProbeErrors pass through unchanged). */
export function toProbeError(error: unknown, code: AudioProbeErrorCode, prefix: string): AudioProbeError {
	if (error instanceof AudioProbeError) return error;
	return new AudioProbeError(code, `${prefix}: ${error instanceof Error ? error.message : String(error)}`, {
		cause: error,
	});
}
