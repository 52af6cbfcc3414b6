import { AudioProbeError, formatBytes } from './errors';
import { ascii, ByteReader, u32be } from './reader';
import type { ParsedAudio } from './types';

/** Frames that must follow each other (each header where the previous frame ends) to accept MPEG audio. */
const REQUIRED_FRAMES = 4;
/** How far past an ID3 tag (or a lost frame mid-file) the probe searches for the next frame. */
const RESYNC_WINDOW = 64 * 1024;
/** Frames looked at to decide whether a file without Xing/VBRI header is constant bitrate. */
const CBR_SAMPLE_FRAMES = 24;

/** Bitrates in kbps, indexed [MPEG-1 ? 0 : 1][layer - 1][bitrate index]. */
const BITRATES = [
	[
		[0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
		[0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
		[0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
	],
	[
		[0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
		[0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
		[0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
	],
];
/** Sample rates indexed by the 2 version bits (0: MPEG-2.5, 2: MPEG-2, 3: MPEG-1). */
const SAMPLE_RATES = [[11025, 12000, 8000], [], [22050, 24000, 16000], [44100, 48000, 32000]];

export interface FrameHeader {
	/** 1, 2 or 25 (MPEG 2.5). */
	version: number;
	layer: number;
	bitrateKbps: number;
	sampleRate: number;
	channels: number;
	frameLength: number;
	samplesPerFrame: number;
	crc: boolean;
}

/** Decodes an MPEG audio frame header at `o`, or undefined if the 4 bytes are not a valid one. */
export function parseFrameHeader(b: Uint8Array, o: number): FrameHeader | undefined {
	if (o + 4 > b.length || b[o] !== 0xff || (b[o + 1] & 0xe0) !== 0xe0) return undefined;
	const versionBits = (b[o + 1] >> 3) & 3;
	const layerBits = (b[o + 1] >> 1) & 3;
	const bitrateIndex = b[o + 2] >> 4;
	const rateIndex = (b[o + 2] >> 2) & 3;
	if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined;
	if ((b[o + 3] & 3) === 2) return undefined; // reserved emphasis
	const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 25;
	const layer = 4 - layerBits;
	const bitrateKbps = BITRATES[version === 1 ? 0 : 1][layer - 1][bitrateIndex];
	const sampleRate = SAMPLE_RATES[versionBits][rateIndex];
	const padding = (b[o + 2] >> 1) & 1;
	let frameLength: number;
	let samplesPerFrame: number;
	if (layer === 1) {
		frameLength = (Math.floor((12 * bitrateKbps * 1000) / sampleRate) + padding) * 4;
		samplesPerFrame = 384;
	} else if (layer === 2 || version === 1) {
		frameLength = Math.floor((144 * bitrateKbps * 1000) / sampleRate) + padding;
		samplesPerFrame = 1152;
	} else {
		frameLength = Math.floor((72 * bitrateKbps * 1000) / sampleRate) + padding;
		samplesPerFrame = 576;
	}
	return {
		version,
		layer,
		bitrateKbps,
		sampleRate,
		channels: b[o + 3] >> 6 === 3 ? 1 : 2,
		frameLength,
		samplesPerFrame,
		crc: (b[o + 1] & 1) === 0,
	};
}

function sameStream(a: FrameHeader, b: FrameHeader): boolean {
	return a.version === b.version && a.layer === b.layer && a.sampleRate === b.sampleRate;
}

/** Tags that legitimately follow the last frame. */
function isTrailerTag(b: Uint8Array, o: number): boolean {
	if (o + 3 > b.length) return false;
	const s = ascii(b, o, 3);
	return s === 'TAG' || s === 'ID3' || s === 'APE' || s === 'LYR';
}

type Chain = 'ok' | 'bad' | 'more';

/** Checks that REQUIRED_FRAMES consistent frames follow each other from `i` in `buf`. */
function chainAt(buf: Uint8Array, i: number, ended: boolean): Chain {
	const first = parseFrameHeader(buf, i);
	if (!first) return 'bad';
	let pos = i + first.frameLength;
	let count = 1;
	while (count < REQUIRED_FRAMES) {
		if (pos + 4 > buf.length) {
			if (!ended) return 'more';
			return count >= 2 && pos >= buf.length ? 'ok' : 'bad';
		}
		const h = parseFrameHeader(buf, pos);
		if (!h || !sameStream(first, h)) return count >= 2 && isTrailerTag(buf, pos) ? 'ok' : 'bad';
		pos += h.frameLength;
		count++;
	}
	return 'ok';
}

/**
 * Finds the first offset (relative to the reader position) where REQUIRED_FRAMES consistent MPEG
 * audio frames follow each other. `anywhere` allows junk before the frame within RESYNC_WINDOW;
 * otherwise only leading zero bytes may precede it.
 */
export async function findFrames(reader: ByteReader, anywhere: boolean): Promise<number | undefined> {
	let window = 8 * 1024;
	let from = 0;
	for (;;) {
		const avail = await reader.ensure(window);
		const ended = avail < window;
		const buf = reader.peek(avail);
		let limit = Math.min(RESYNC_WINDOW, avail - 4);
		if (!anywhere) {
			let zeros = 0;
			while (zeros < avail && zeros < RESYNC_WINDOW && buf[zeros] === 0) zeros++;
			if (zeros === avail && !ended && zeros < RESYNC_WINDOW) {
				window *= 2;
				continue;
			}
			from = zeros;
			limit = Math.min(limit, zeros);
		}
		let needMore = false;
		for (let i = from; i <= limit; i++) {
			if (buf[i] !== 0xff) continue;
			const result = chainAt(buf, i, ended);
			if (result === 'ok') return i;
			if (result === 'more') {
				from = i;
				needMore = true;
				break;
			}
		}
		if (!needMore) {
			if (ended || limit >= RESYNC_WINDOW || !anywhere) return undefined;
			from = Math.max(from, limit + 1);
		}
		if (ended) return undefined;
		window *= 2;
	}
}

/** ADTS (raw AAC) frames look like MPEG audio with layer 0; recognised only to give a clear error. */
export function looksLikeAdts(buf: Uint8Array): boolean {
	let pos = 0;
	for (let n = 0; n < 3; n++) {
		if (pos + 7 > buf.length) return n >= 2 && pos === buf.length;
		if (buf[pos] !== 0xff || (buf[pos + 1] & 0xf6) !== 0xf0) return false;
		const length = ((buf[pos + 3] & 3) << 11) | (buf[pos + 4] << 3) | (buf[pos + 5] >> 5);
		if (length < 7) return false;
		pos += length;
	}
	return true;
}

interface VbrHeader {
	frames: number;
}

/** Xing/Info (after the side information) or VBRI (32 bytes after the header) in the first frame. */
function readVbrHeader(frame: Uint8Array, h: FrameHeader): VbrHeader | undefined {
	const side = h.version === 1 ? (h.channels === 1 ? 17 : 32) : h.channels === 1 ? 9 : 17;
	for (const offset of [4 + side, 4 + side + 2]) {
		if (offset + 12 > frame.length) continue;
		const tag = ascii(frame, offset, 4);
		if (tag !== 'Xing' && tag !== 'Info') continue;
		const flags = u32be(frame, offset + 4);
		if (!(flags & 1)) return undefined; // no frame count: fall back to CBR or scanning
		return { frames: u32be(frame, offset + 8) };
	}
	if (36 + 18 <= frame.length && ascii(frame, 36, 4) === 'VBRI') {
		return { frames: u32be(frame, 36 + 14) };
	}
	return undefined;
}

/**
 * MPEG audio layer III. The reader is at the first frame (found by `findFrames`); `audioStart` is its
 * absolute offset. Duration comes from, in order: the Xing/Info or VBRI header of the first frame;
 * the file size when the first frames all have the same bitrate (CBR) and `totalBytes` is known;
 * otherwise by walking every frame header to the end (constant memory).
 */
export async function parseMp3(reader: ByteReader): Promise<ParsedAudio> {
	const audioStart = reader.position;
	const avail = await reader.ensure(4);
	const first = avail >= 4 ? parseFrameHeader(reader.peek(4), 0) : undefined;
	if (!first) throw new AudioProbeError('CORRUPT', 'Internal: MP3 parsing started off a frame');
	if (first.layer !== 3) {
		throw new AudioProbeError('UNSUPPORTED_CODEC', `The file is MPEG-${first.version === 25 ? '2.5' : first.version} layer ${first.layer === 1 ? 'I' : 'II'} audio, not MP3 (layer III)`);
	}
	const base = {
		container: 'mp3' as const,
		codec: 'mp3',
		mimeType: 'audio/mpeg',
		extension: 'mp3',
		sampleRate: first.sampleRate,
		channels: first.channels,
	};

	const frameBytes = await reader.ensure(first.frameLength);
	const vbr = readVbrHeader(reader.peek(frameBytes), first);
	if (vbr && vbr.frames > 0) {
		const durationSeconds = (vbr.frames * first.samplesPerFrame) / first.sampleRate;
		const total = reader.totalBytes;
		// A frame is at least 24 bytes at 8 kbps; more frames than that would fit is a lie.
		if (total !== undefined && vbr.frames > Math.ceil(total / 24) + 1) {
			throw new AudioProbeError('CORRUPT', `The MP3 Xing/VBRI header claims ${vbr.frames} frames, impossible in a file of ${formatBytes(total)}`);
		}
		return { ...base, durationSeconds };
	}

	let samples = 0;
	let frames = 0;
	let sameBitrate = true;
	const skipFirst = vbr !== undefined; // a Xing/VBRI frame without frame count is not audio
	let frameIndex = 0;
	let lowestBitrate = true;
	const minBitrate = first.version === 1 ? 32 : 8;
	for (;;) {
		const got = await reader.ensure(4);
		if (got < 4) break;
		let h = parseFrameHeader(reader.peek(4), 0);
		if (!h || !sameStream(first, h)) {
			if (got >= 3 && isTrailerTag(reader.peek(3), 0)) break;
			const at = await findFrames(reader, true);
			if (at === undefined) break;
			await reader.skip(at);
			h = parseFrameHeader(reader.peek(4), 0);
			if (!h || !sameStream(first, h)) break;
		}
		const skipped = await reader.skip(h.frameLength);
		if (skipped < h.frameLength) break; // a cut-off last frame is not counted
		if (!(skipFirst && frameIndex === 0)) {
			samples += h.samplesPerFrame;
			frames++;
			if (h.bitrateKbps !== first.bitrateKbps) sameBitrate = false;
			if (h.bitrateKbps !== minBitrate) lowestBitrate = false;
		}
		frameIndex++;
		if ((frameIndex & 0x3ff) === 0) reader.checkAborted();
		const total = reader.totalBytes;
		// Seeing the minimum bitrate only may be the silent start of a VBR file: keep walking then.
		if (total !== undefined && sameBitrate && !lowestBitrate && frames >= CBR_SAMPLE_FRAMES) {
			// Constant bitrate: the rest of the file is more frames of the same size.
			const audioBytes = total - audioStart - (skipFirst ? first.frameLength : 0);
			return { ...base, durationSeconds: (audioBytes * 8) / (first.bitrateKbps * 1000) };
		}
	}
	if (frames <= 0) throw new AudioProbeError('TRUNCATED', 'The MP3 file ends before its first complete audio frame');
	return { ...base, durationSeconds: samples / first.sampleRate };
}
