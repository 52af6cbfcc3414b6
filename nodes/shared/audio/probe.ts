/** Format detection and dispatch to the parsers (internal; use probeAudio from index). */
import { AudioProbeError, formatBytes } from './errors';
import { parseFlac } from './flac';
import { findFrames, looksLikeAdts, parseFrameHeader, parseMp3 } from './mp3';
import { MP4_FIRST_BOXES, parseMp4 } from './mp4';
import { parseOgg } from './ogg';
import { ascii, ByteReader, MAX_HEADER_SKIP } from './reader';
import type { AudioInfo, ParsedAudio } from './types';
import { parseWav } from './wav';

const MAX_DURATION_SECONDS = 10_000_000;

async function skipId3Tags(reader: ByteReader): Promise<boolean> {
	let skipped = 0;
	let found = false;
	for (;;) {
		const got = await reader.ensure(10);
		if (got < 3) return found;
		const b = reader.peek(got);
		if (ascii(b, 0, 3) !== 'ID3') return found;
		if (got < 10) throw new AudioProbeError('TRUNCATED', 'The file ends inside its ID3 tag header');
		if (b[3] === 0xff || b[4] === 0xff || (b[6] | b[7] | b[8] | b[9]) & 0x80) {
			throw new AudioProbeError('CORRUPT', `The ID3 tag at offset ${reader.position} has an invalid header`);
		}
		const size = ((b[6] << 21) | (b[7] << 14) | (b[8] << 7) | b[9]) + 10 + (b[5] & 0x10 ? 10 : 0);
		skipped += size;
		if (skipped > MAX_HEADER_SKIP) {
			throw new AudioProbeError('TOO_LARGE_HEADER', `The ID3 tag says it is ${formatBytes(size)}, more than the limit of ${formatBytes(MAX_HEADER_SKIP)}`);
		}
		const remaining = reader.remainingKnown;
		if (remaining !== undefined && size > remaining) {
			throw new AudioProbeError('TRUNCATED', `The ID3 tag says it is ${formatBytes(size)} but the file ends after ${formatBytes(remaining)}`);
		}
		await reader.skipExactly(size, 'the ID3 tag');
		found = true;
	}
}

async function detectAndParse(reader: ByteReader): Promise<ParsedAudio> {
	const got = await reader.ensure(12);
	if (got === 0) throw new AudioProbeError('EMPTY', 'The file is empty (0 bytes)');
	const afterId3 = await skipId3Tags(reader);
	const avail = await reader.ensure(12);
	const b = reader.peek(avail);
	const magic = ascii(b, 0, 4);
	if (!afterId3) {
		if (magic === 'RIFF' || magic === 'RF64' || magic === 'BW64') {
			if (avail < 12) throw new AudioProbeError('TRUNCATED', 'The file ends inside its RIFF header');
			const form = ascii(b, 8, 4);
			if (form !== 'WAVE') {
				throw new AudioProbeError('UNRECOGNISED_FORMAT', `The file is a RIFF '${form.replace(/[^\x20-\x7e]/g, '?')}' file (for example AVI or WebP), not WAVE audio`);
			}
			return parseWav(reader);
		}
		if (magic === 'OggS') return parseOgg(reader);
		if (avail >= 8 && MP4_FIRST_BOXES.has(ascii(b, 4, 4))) return parseMp4(reader);
		if (avail < 12 && avail >= 4 && ['RIF', 'Ogg', 'fLa'].includes(magic.slice(0, 3))) {
			throw new AudioProbeError('TRUNCATED', `The file is only ${avail} bytes long, too short to hold an audio header`);
		}
	}
	if (magic === 'fLaC') return parseFlac(reader);
	if (avail === 0) throw new AudioProbeError('TRUNCATED', 'The file holds an ID3 tag but no audio after it');
	const at = await findFrames(reader, afterId3);
	if (at !== undefined) {
		await reader.skip(at);
		return parseMp3(reader);
	}
	const head = reader.peek(await reader.ensure(4));
	const lone = parseFrameHeader(head, 0);
	if (lone && lone.layer === 3 && (await reader.ensure(lone.frameLength + 4)) < lone.frameLength) {
		throw new AudioProbeError('TRUNCATED', 'The file starts like MP3 audio but ends inside its first frame');
	}
	if (looksLikeAdts(reader.peek(await reader.ensure(8192)))) {
		throw new AudioProbeError('UNSUPPORTED_CODEC', 'The file is a raw AAC (ADTS) stream; put it in an M4A container');
	}
	if (afterId3) {
		throw new AudioProbeError('CORRUPT', 'The file starts with an ID3 tag but no MP3 or FLAC audio follows it');
	}
	throw new AudioProbeError('UNRECOGNISED_FORMAT', 'The file is not WAV, MP3, M4A/MP4, FLAC or Ogg audio');
}

/** Probes an already constructed reader (used by probeAudio, and by tests that watch the reader). */
export async function probeReader(reader: ByteReader): Promise<AudioInfo> {
	reader.checkAborted();
	const parsed = await detectAndParse(reader);
	if (!Number.isFinite(parsed.durationSeconds) || parsed.durationSeconds < 0 || parsed.durationSeconds > MAX_DURATION_SECONDS) {
		throw new AudioProbeError('CORRUPT', `The ${parsed.container.toUpperCase()} header gives an impossible duration of ${parsed.durationSeconds} seconds`);
	}
	return { ...parsed, bytesRead: reader.bytesRead };
}
