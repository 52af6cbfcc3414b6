import { AudioProbeError, formatBytes } from './errors';
import { ByteReader } from './reader';
import type { ParsedAudio } from './types';

export interface StreamInfo {
	sampleRate: number;
	channels: number;
	bitsPerSample: number;
	totalSamples: number;
}

/** Decodes the 34-byte STREAMINFO block body. */
export function parseStreamInfo(b: Uint8Array): StreamInfo {
	if (b.length < 34) throw new AudioProbeError('CORRUPT', `The FLAC STREAMINFO block is ${b.length} bytes, it must be 34`);
	const sampleRate = (b[10] << 12) | (b[11] << 4) | (b[12] >> 4);
	const channels = ((b[12] >> 1) & 0x07) + 1;
	const bitsPerSample = (((b[12] & 0x01) << 4) | (b[13] >> 4)) + 1;
	const totalSamples = (b[13] & 0x0f) * 0x100000000 + (b[14] * 0x1000000 + ((b[15] << 16) | (b[16] << 8) | b[17]));
	if (sampleRate === 0) throw new AudioProbeError('CORRUPT', 'The FLAC STREAMINFO says the sample rate is 0 Hz');
	if (bitsPerSample < 4) throw new AudioProbeError('CORRUPT', `The FLAC STREAMINFO says samples are ${bitsPerSample} bits`);
	return { sampleRate, channels, bitsPerSample, totalSamples };
}

/**
 * Native FLAC. Only STREAMINFO (always the first metadata block) is read, so the probe stops after
 * 42 bytes. When STREAMINFO gives 0 total samples (FLAC written to a pipe) the length is unknown
 * and the probe reports NO_DURATION rather than decoding frame headers through the whole file.
 */
export async function parseFlac(reader: ByteReader): Promise<ParsedAudio> {
	await reader.read(4, "the FLAC signature");
	const header = await reader.read(4, 'the first FLAC metadata block header');
	const type = header[0] & 0x7f;
	const length = (header[1] << 16) | (header[2] << 8) | header[3];
	if (type !== 0) {
		throw new AudioProbeError('CORRUPT', `The FLAC file does not start with a STREAMINFO block (first block has type ${type})`);
	}
	if (length !== 34) throw new AudioProbeError('CORRUPT', `The FLAC STREAMINFO block is ${length} bytes long, it must be 34`);
	const info = parseStreamInfo(await reader.read(34, 'the FLAC STREAMINFO block'));
	if (info.totalSamples === 0) {
		throw new AudioProbeError('NO_DURATION', 'The FLAC file does not state how many samples it has (total samples is 0), so its duration is unknown');
	}
	const total = reader.totalBytes;
	// Every FLAC frame holds at most 65535 samples and takes at least 8 bytes (header, one
	// constant subframe, CRC), so a sample count needing more frames than the file can hold is a lie.
	if (total !== undefined && Math.ceil(info.totalSamples / 65535) * 8 > total - 42) {
		throw new AudioProbeError(
			'CORRUPT',
			`The FLAC STREAMINFO claims ${info.totalSamples} samples, impossible in a file of ${formatBytes(total)}`,
		);
	}
	return {
		container: 'flac',
		codec: 'flac',
		mimeType: 'audio/flac',
		extension: 'flac',
		durationSeconds: info.totalSamples / info.sampleRate,
		sampleRate: info.sampleRate,
		channels: info.channels,
	};
}
