import { AudioProbeError, formatBytes } from './errors';
import { ascii, ByteReader, MAX_HEADER_SKIP, u16be, u32be, u64be } from './reader';
import { MAX_CHANNELS, MAX_SAMPLE_RATE, type ParsedAudio } from './types';

/** Box types accepted as the first box of an MP4/M4A file. */
export const MP4_FIRST_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide']);

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts']);
const MAX_DEPTH = 8;
const MAX_STSD = 64 * 1024;
const MAX_BOXES = 100_000;

interface BoxHeader {
	type: string;
	start: number;
	headerSize: number;
	/** Total size including the header; Infinity for "extends to the end of the file". */
	size: number;
}

interface Track {
	handler?: string;
	timescale?: number;
	duration?: number;
	format?: string;
	objectType?: number;
	sampleRate?: number;
	channels?: number;
	/** From the AAC AudioSpecificConfig, which is more reliable than the sample entry. */
	ascChannels?: number;
	ascSampleRate?: number;
	/** Sum of the non-empty edit list segments, in movie timescale units. */
	editDuration?: number;
}

interface Movie {
	timescale?: number;
	duration?: number;
	tracks: Track[];
	boxes: number;
}

async function readBoxHeader(reader: ByteReader, where: string): Promise<BoxHeader> {
	const start = reader.position;
	const head = await reader.read(8, `an MP4 box header ${where}`);
	const size32 = u32be(head, 0);
	const type = ascii(head, 4, 4);
	if (size32 === 1) {
		const large = await reader.read(8, `the 64-bit size of the MP4 '${printable(type)}' box`);
		const size = u64be(large, 0);
		if (size < 16) throw new AudioProbeError('CORRUPT', `The MP4 '${printable(type)}' box at offset ${start} has an impossible 64-bit size ${size}`);
		return { type, start, headerSize: 16, size };
	}
	if (size32 === 0) return { type, start, headerSize: 8, size: Infinity };
	if (size32 < 8) throw new AudioProbeError('CORRUPT', `The MP4 '${printable(type)}' box at offset ${start} has an impossible size ${size32}`);
	return { type, start, headerSize: 8, size: size32 };
}

function printable(id: string): string {
	return id.replace(/[^\x20-\x7e]/g, '?');
}

function fullBoxTimes(body: Uint8Array, name: string): { timescale: number; duration: number } {
	const version = body[0];
	if (version === 1) {
		if (body.length < 32) throw new AudioProbeError('CORRUPT', `The MP4 '${name}' box is too short`);
		const duration = u64be(body, 24);
		return { timescale: u32be(body, 20), duration: u32be(body, 24) === 0xffffffff && u32be(body, 28) === 0xffffffff ? 0 : duration };
	}
	if (body.length < 20) throw new AudioProbeError('CORRUPT', `The MP4 '${name}' box is too short`);
	const duration = u32be(body, 16);
	return { timescale: u32be(body, 12), duration: duration === 0xffffffff ? 0 : duration };
}

/** Walks the sample description and the child boxes of its first entry. */
function parseStsd(body: Uint8Array, track: Track): void {
	if (body.length < 16 || u32be(body, 4) === 0) return;
	const entry = 8;
	const entrySize = u32be(body, entry);
	const end = Math.min(body.length, entry + entrySize);
	track.format = ascii(body, entry + 4, 4);
	if (end < entry + 36) return;
	const soundVersion = u16be(body, entry + 16);
	track.channels = u16be(body, entry + 24);
	track.sampleRate = u32be(body, entry + 32) / 65536;
	let child = entry + 36;
	if (soundVersion === 1) child += 16;
	else if (soundVersion === 2) {
		if (end >= entry + 72) {
			const view = new DataView(body.buffer, body.byteOffset + entry + 40, 8);
			track.sampleRate = view.getFloat64(0, false);
			track.channels = u32be(body, entry + 48);
		}
		child += 36;
	}
	while (child + 8 <= end) {
		const size = u32be(body, child);
		const type = ascii(body, child + 4, 4);
		if (size < 8 || child + size > end) break;
		if (type === 'alac' && size >= 36) {
			track.channels = body[child + 21];
			track.sampleRate = u32be(body, child + 32);
		} else if (type === 'esds') {
			parseEsds(body.subarray(child + 12, child + size), track);
		}
		child += size;
	}
}

/**
 * Edit list: the presented part of the media. AAC encoders prime the decoder with ~1024 samples
 * that the edit list cuts off; using it gives the duration players (and ffprobe) show. Only the
 * first 16 entries are looked at; undefined when the list is absent, empty or unusable.
 */
function parseElst(b: Uint8Array): number | undefined {
	if (b.length < 8) return undefined;
	const version = b[0];
	const count = u32be(b, 4);
	const entrySize = version === 1 ? 20 : 12;
	let total = 0;
	let used = 0;
	for (let i = 0; i < count && i < 16; i++) {
		const o = 8 + i * entrySize;
		if (o + entrySize > b.length) return undefined;
		const segment = version === 1 ? u64be(b, o) : u32be(b, o);
		const mediaTimeNegative = version === 1 ? b[o + 8] & 0x80 : b[o + 4] & 0x80;
		if (mediaTimeNegative) continue; // an empty edit (-1) only delays the start
		total += segment;
		used++;
	}
	return used > 0 && total > 0 ? total : undefined;
}

/** MPEG-4 descriptors: only objectTypeIndication and the AudioSpecificConfig's rate/channels. */
function parseEsds(b: Uint8Array, track: Track): void {
	let pos = 0;
	const readDescriptor = (): { tag: number; length: number } | undefined => {
		if (pos >= b.length) return undefined;
		const tag = b[pos++];
		let length = 0;
		for (let i = 0; i < 4 && pos < b.length; i++) {
			const byte = b[pos++];
			length = (length << 7) | (byte & 0x7f);
			if (!(byte & 0x80)) break;
		}
		return { tag, length };
	};
	const es = readDescriptor();
	if (!es || es.tag !== 3) return;
	if (pos + 3 > b.length) return;
	const flags = b[pos + 2];
	pos += 3;
	if (flags & 0x80) pos += 2;
	if (flags & 0x40) pos += 1 + (b[pos] ?? 0);
	if (flags & 0x20) pos += 2;
	const dc = readDescriptor();
	if (!dc || dc.tag !== 4 || pos + 13 > b.length) return;
	track.objectType = b[pos];
	pos += 13;
	const dsi = readDescriptor();
	if (!dsi || dsi.tag !== 5 || pos + 2 > b.length) return;
	const rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
	let aot = b[pos] >> 3;
	let bit = 5;
	const bits = (n: number): number => {
		let v = 0;
		for (let i = 0; i < n; i++) {
			const byte = b[pos + (bit >> 3)] ?? 0;
			v = (v << 1) | ((byte >> (7 - (bit & 7))) & 1);
			bit++;
		}
		return v;
	};
	if (aot === 31) aot = 32 + bits(6);
	const index = bits(4);
	const rate = index === 15 ? bits(24) : rates[index];
	const channelConfig = bits(4);
	if (rate) track.ascSampleRate = rate;
	if (channelConfig > 0 && channelConfig < 8) track.ascChannels = channelConfig === 7 ? 8 : channelConfig;
}

async function readLeaf(reader: ByteReader, box: BoxHeader, limit: number): Promise<Uint8Array> {
	const bodySize = box.size - box.headerSize;
	const take = Math.min(bodySize, limit);
	const body = await reader.read(take, `the MP4 '${box.type}' box`);
	await reader.skipExactly(bodySize - take, `the MP4 '${box.type}' box`);
	return body;
}

async function walk(reader: ByteReader, end: number, depth: number, movie: Movie, track: Track | undefined): Promise<void> {
	for (;;) {
		if (end === Infinity) {
			if ((await reader.ensure(8)) < 8) {
				await reader.skip(8);
				return;
			}
		} else {
			const left = end - reader.position;
			if (left <= 0) return;
			if (left < 8) {
				// Some writers end a container with a 4-byte zero terminator.
				await reader.skipExactly(left, 'the MP4 box padding');
				return;
			}
		}
		if (++movie.boxes > MAX_BOXES) throw new AudioProbeError('TOO_LARGE_HEADER', `The MP4 index has more than ${MAX_BOXES} boxes`);
		const box = await readBoxHeader(reader, 'inside the movie header');
		const boxEnd = box.size === Infinity ? end : box.start + box.size;
		if (boxEnd > end) {
			throw new AudioProbeError('CORRUPT', `The MP4 '${printable(box.type)}' box at offset ${box.start} (${formatBytes(box.size)}) is larger than the box that contains it`);
		}
		const bodySize = boxEnd - reader.position;
		if (box.type === 'trak') {
			const t: Track = {};
			if (depth + 1 > MAX_DEPTH) throw new AudioProbeError('CORRUPT', 'The MP4 boxes are nested too deeply');
			await walk(reader, boxEnd, depth + 1, movie, t);
			movie.tracks.push(t);
		} else if (CONTAINERS.has(box.type)) {
			if (depth + 1 > MAX_DEPTH) throw new AudioProbeError('CORRUPT', 'The MP4 boxes are nested too deeply');
			await walk(reader, boxEnd, depth + 1, movie, track);
		} else if (box.type === 'mvhd' && bodySize !== Infinity) {
			Object.assign(movie, fullBoxTimes(await readLeaf(reader, { ...box, size: boxEnd - box.start }, 64), 'mvhd'));
		} else if (box.type === 'mdhd' && track && bodySize !== Infinity) {
			Object.assign(track, fullBoxTimes(await readLeaf(reader, { ...box, size: boxEnd - box.start }, 64), 'mdhd'));
		} else if (box.type === 'elst' && track && bodySize !== Infinity) {
			track.editDuration = parseElst(await readLeaf(reader, { ...box, size: boxEnd - box.start }, 8 + 20 * 16));
		} else if (box.type === 'hdlr' && track && bodySize !== Infinity) {
			const body = await readLeaf(reader, { ...box, size: boxEnd - box.start }, 12);
			if (body.length >= 12) track.handler = ascii(body, 8, 4);
		} else if (box.type === 'stsd' && track && bodySize !== Infinity) {
			if (bodySize > MAX_STSD) throw new AudioProbeError('TOO_LARGE_HEADER', `The MP4 sample description is ${formatBytes(bodySize)}, more than the limit of ${formatBytes(MAX_STSD)}`);
			parseStsd(await readLeaf(reader, { ...box, size: boxEnd - box.start }, MAX_STSD), track);
		} else if (bodySize === Infinity) {
			await reader.skip(Number.MAX_SAFE_INTEGER);
			return;
		} else {
			await reader.skipExactly(bodySize, `the MP4 '${printable(box.type)}' box`);
		}
	}
}

const CODECS: Record<string, string> = { alac: 'alac', Opus: 'opus', fLaC: 'flac', '.mp3': 'mp3' };

function describe(movie: Movie): ParsedAudio {
	const track = movie.tracks.find((t) => t.handler === 'soun') ?? movie.tracks.find((t) => t.format === 'mp4a');
	if (!track) throw new AudioProbeError('UNSUPPORTED_CODEC', 'The MP4 file has no audio track');
	let codec: string | undefined;
	if (track.format === 'mp4a') codec = track.objectType === 0x69 || track.objectType === 0x6b ? 'mp3' : 'aac';
	else if (track.format) codec = CODECS[track.format];
	if (!codec) {
		throw new AudioProbeError('UNSUPPORTED_CODEC', track.format ? `The MP4 audio track uses codec '${printable(track.format)}', which is not supported (AAC, ALAC, MP3, Opus and FLAC are)` : 'The MP4 audio track has no sample description');
	}
	// Writers put 2 channels in the sample entry of mono AAC; the AudioSpecificConfig is authoritative.
	const sampleRate = Math.round(track.sampleRate || track.ascSampleRate || track.timescale || 0);
	const channels = track.ascChannels ?? track.channels ?? 0;
	if (!(sampleRate > 0 && sampleRate <= MAX_SAMPLE_RATE)) throw new AudioProbeError('CORRUPT', `The MP4 audio track says the sample rate is ${sampleRate} Hz`);
	if (!(channels > 0 && channels <= MAX_CHANNELS)) throw new AudioProbeError('CORRUPT', `The MP4 audio track says the audio has ${channels} channels`);
	let durationSeconds = 0;
	const mediaSeconds = track.duration && track.timescale ? track.duration / track.timescale : 0;
	const editSeconds = track.editDuration && movie.timescale ? track.editDuration / movie.timescale : 0;
	// Trust the edit list only when it trims the media a little (priming), not when it claims more.
	if (editSeconds > 0 && mediaSeconds > 0 && editSeconds <= mediaSeconds) durationSeconds = editSeconds;
	else if (track.duration && track.timescale) durationSeconds = track.duration / track.timescale;
	else if (movie.duration && movie.timescale) durationSeconds = movie.duration / movie.timescale;
	if (!(durationSeconds > 0)) {
		throw new AudioProbeError('NO_DURATION', 'The MP4 file does not state its duration (it may be a fragmented or live recording)');
	}
	return { container: 'm4a', codec, mimeType: 'audio/mp4', extension: 'm4a', durationSeconds, sampleRate, channels };
}

/**
 * MP4/M4A. Top-level boxes are walked until 'moov'; 'mdat' and other boxes before it are skipped
 * without keeping their bytes (moov after mdat costs a read of the file, not memory). Inside moov
 * only mvhd, mdhd, hdlr and stsd are read; the sample tables are skipped.
 */
export async function parseMp4(reader: ByteReader): Promise<ParsedAudio> {
	let skippedMetadata = 0;
	let sawMdat = false;
	for (;;) {
		if ((await reader.ensure(8)) < 8) {
			if (await reader.atEnd()) {
				throw new AudioProbeError(sawMdat ? 'TRUNCATED' : 'CORRUPT', sawMdat ? "The MP4 file ends after its audio data without the 'moov' index, as if the recording or upload was cut short" : "The MP4 file has no 'moov' box describing its audio");
			}
			throw new AudioProbeError('TRUNCATED', 'The MP4 file ends inside a box header');
		}
		const box = await readBoxHeader(reader, 'at the top level');
		if (box.type === 'moov') {
			const movie: Movie = { tracks: [], boxes: 0 };
			const end = box.size === Infinity ? Infinity : box.start + box.size;
			const total = reader.totalBytes;
			if (total !== undefined && end !== Infinity && end > total) {
				throw new AudioProbeError('TRUNCATED', `The MP4 'moov' box says it is ${formatBytes(box.size)} but the file ends ${formatBytes(end - total)} short of that`);
			}
			await walk(reader, end, 0, movie, undefined);
			return describe(movie);
		}
		if (box.size === Infinity) {
			throw new AudioProbeError('CORRUPT', `The MP4 '${printable(box.type)}' box runs to the end of the file and no 'moov' box comes before it`);
		}
		const bodySize = box.size - box.headerSize;
		if (box.type === 'mdat') sawMdat = true;
		else {
			skippedMetadata += box.size;
			if (skippedMetadata > MAX_HEADER_SKIP) {
				throw new AudioProbeError('TOO_LARGE_HEADER', `The MP4 file has ${formatBytes(skippedMetadata)} of boxes other than audio data before its 'moov' box, more than the limit of ${formatBytes(MAX_HEADER_SKIP)}`);
			}
		}
		const remaining = reader.remainingKnown;
		if (remaining !== undefined && bodySize > remaining) {
			throw new AudioProbeError('TRUNCATED', `The MP4 '${printable(box.type)}' box at offset ${box.start} says it is ${formatBytes(box.size)} but the file ends after ${formatBytes(remaining)} of it`);
		}
		await reader.skipExactly(bodySize, `the MP4 '${printable(box.type)}' box`);
	}
}
