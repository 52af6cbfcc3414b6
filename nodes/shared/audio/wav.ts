import { AudioProbeError, formatBytes } from './errors';
import { ascii, ByteReader, MAX_HEADER_SKIP, u16le, u32le, u64le } from './reader';
import { MAX_CHANNELS, MAX_SAMPLE_RATE, type ParsedAudio } from './types';

const FORMAT_NAMES: Record<number, string> = {
	0x0001: 'pcm',
	0x0002: 'adpcm_ms',
	0x0003: 'float',
	0x0006: 'pcm_alaw',
	0x0007: 'pcm_mulaw',
	0x0011: 'adpcm_ima_wav',
	0x0055: 'mp3',
};

interface Fmt {
	formatTag: number;
	channels: number;
	sampleRate: number;
	byteRate: number;
	blockAlign: number;
	bitsPerSample: number;
}

function codecName(fmt: Fmt): string {
	const tag = fmt.formatTag;
	const bits = fmt.bitsPerSample;
	if (tag === 1) {
		if (bits === 8) return 'pcm_u8';
		if (bits === 16) return 'pcm_s16le';
		if (bits === 24) return 'pcm_s24le';
		if (bits === 32) return 'pcm_s32le';
		throw new AudioProbeError('UNSUPPORTED_CODEC', `WAV PCM with ${bits} bits per sample is not supported`);
	}
	if (tag === 3) {
		if (bits === 32) return 'pcm_f32le';
		if (bits === 64) return 'pcm_f64le';
		throw new AudioProbeError('UNSUPPORTED_CODEC', `WAV float with ${bits} bits per sample is not supported`);
	}
	const name = FORMAT_NAMES[tag];
	if (!name) {
		throw new AudioProbeError(
			'UNSUPPORTED_CODEC',
			`The WAV file uses audio format 0x${tag.toString(16).padStart(4, '0')}, which is not supported (PCM, float, A-law, mu-law, ADPCM and MP3 are)`,
		);
	}
	return name;
}

function parseFmt(body: Uint8Array): Fmt {
	if (body.length < 16) throw new AudioProbeError('CORRUPT', `The WAV 'fmt ' chunk is ${body.length} bytes, it needs at least 16`);
	const fmt: Fmt = {
		formatTag: u16le(body, 0),
		channels: u16le(body, 2),
		sampleRate: u32le(body, 4),
		byteRate: u32le(body, 8),
		blockAlign: u16le(body, 12),
		bitsPerSample: u16le(body, 14),
	};
	if (fmt.formatTag === 0xfffe) {
		// WAVE_FORMAT_EXTENSIBLE: cbSize(2) validBits(2) channelMask(4) subFormat GUID(16).
		if (body.length < 40) throw new AudioProbeError('CORRUPT', 'The WAV extensible format chunk is shorter than 40 bytes');
		fmt.formatTag = u16le(body, 24);
	}
	if (fmt.channels === 0 || fmt.channels > MAX_CHANNELS) {
		throw new AudioProbeError('CORRUPT', `The WAV header says the audio has ${fmt.channels} channels`);
	}
	if (fmt.sampleRate === 0 || fmt.sampleRate > MAX_SAMPLE_RATE) {
		throw new AudioProbeError('CORRUPT', `The WAV header says the sample rate is ${fmt.sampleRate} Hz`);
	}
	if (fmt.blockAlign === 0) throw new AudioProbeError('CORRUPT', 'The WAV header says each sample frame is 0 bytes long');
	return fmt;
}

/** RIFF/RF64/BW64 WAVE. The reader is at offset 0 and at least 12 bytes are buffered. */
export async function parseWav(reader: ByteReader): Promise<ParsedAudio> {
	const head = await reader.read(12, 'the RIFF header');
	const riffId = ascii(head, 0, 4);
	const is64 = riffId === 'RF64' || riffId === 'BW64';
	let fmt: Fmt | undefined;
	let factSamples: number | undefined;
	let ds64DataSize: number | undefined;
	let skippedMetadata = 0;

	for (;;) {
		const got = await reader.ensure(8);
		if (got < 8) {
			if (got === 0) {
				throw new AudioProbeError('TRUNCATED', fmt ? "The WAV file ends before its 'data' chunk" : "The WAV file ends before its 'fmt ' chunk");
			}
			throw new AudioProbeError('TRUNCATED', 'The WAV file ends inside a chunk header');
		}
		const header = await reader.read(8, 'a WAV chunk header');
		const id = ascii(header, 0, 4);
		const size = u32le(header, 4);
		const chunkStart = reader.position;

		if (id === 'data') {
			if (!fmt) throw new AudioProbeError('CORRUPT', "The WAV file has a 'data' chunk before its 'fmt ' chunk");
			const codec = codecName(fmt);
			let dataSize = size;
			const remaining = reader.remainingKnown;
			if (is64 && size === 0xffffffff) {
				if (ds64DataSize === undefined) throw new AudioProbeError('CORRUPT', "The RF64 file has no 'ds64' chunk giving the data size");
				dataSize = ds64DataSize;
			} else if (size === 0xffffffff || size === 0) {
				// Streaming writers leave the size as 0 or 0xFFFFFFFF: the data runs to the end of the file.
				dataSize = remaining !== undefined ? remaining : await reader.skip(Number.MAX_SAFE_INTEGER);
			}
			if (remaining !== undefined && dataSize > remaining) {
				throw new AudioProbeError(
					'TRUNCATED',
					`The WAV header says the data chunk is ${formatBytes(dataSize)} but the file ends after ${formatBytes(remaining)} of it`,
				);
			}
			let durationSeconds: number;
			if (fmt.formatTag === 1 || fmt.formatTag === 3 || fmt.formatTag === 6 || fmt.formatTag === 7) {
				durationSeconds = Math.floor(dataSize / fmt.blockAlign) / fmt.sampleRate;
			} else if (factSamples !== undefined && factSamples > 0) {
				durationSeconds = factSamples / fmt.sampleRate;
			} else if (fmt.byteRate > 0) {
				durationSeconds = dataSize / fmt.byteRate;
			} else {
				throw new AudioProbeError('NO_DURATION', "The compressed WAV file has neither a 'fact' chunk nor a byte rate");
			}
			return {
				container: 'wav',
				codec,
				mimeType: 'audio/wav',
				extension: 'wav',
				durationSeconds,
				sampleRate: fmt.sampleRate,
				channels: fmt.channels,
			};
		}

		const padded = size + (size & 1);
		const remaining = reader.remainingKnown;
		if (id === 'fmt ' || id === 'ds64' || id === 'fact') {
			if (size > 4096) throw new AudioProbeError('CORRUPT', `The WAV '${id}' chunk claims ${formatBytes(size)}, far more than such a chunk holds`);
			const body = await reader.read(size, `the WAV '${id}' chunk`);
			if (id === 'fmt ') fmt = parseFmt(body);
			else if (id === 'fact' && size >= 4) factSamples = u32le(body, 0);
			else if (id === 'ds64') {
				if (size < 24) throw new AudioProbeError('CORRUPT', "The RF64 'ds64' chunk is shorter than 24 bytes");
				ds64DataSize = u64le(body, 8);
				const samples = u64le(body, 16);
				if (samples > 0 && factSamples === undefined) factSamples = samples;
			}
			if (size & 1) await reader.skip(1);
			continue;
		}

		// Any other chunk (LIST, bext, JUNK, id3 ...) is skipped without being kept.
		skippedMetadata += padded;
		if (skippedMetadata > MAX_HEADER_SKIP) {
			throw new AudioProbeError(
				'TOO_LARGE_HEADER',
				`The WAV file has ${formatBytes(skippedMetadata)} of other chunks before its audio data, more than the limit of ${formatBytes(MAX_HEADER_SKIP)}`,
			);
		}
		if (remaining !== undefined && size > remaining) {
			throw new AudioProbeError(
				'TRUNCATED',
				`The WAV '${printable(id)}' chunk at offset ${chunkStart - 8} says it is ${formatBytes(size)} but the file ends after ${formatBytes(remaining)}`,
			);
		}
		const skipped = await reader.skip(padded);
		if (skipped < size) {
			throw new AudioProbeError('TRUNCATED', `The file ends inside the WAV '${printable(id)}' chunk before any audio data`);
		}
	}
}

function printable(id: string): string {
	return id.replace(/[^\x20-\x7e]/g, '?');
}
