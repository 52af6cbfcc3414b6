import { AudioProbeError } from './errors';
import { parseStreamInfo } from './flac';
import { ascii, ByteReader, u16le, u32le } from './reader';
import { MAX_CHANNELS, MAX_SAMPLE_RATE, type ParsedAudio } from './types';

const FLAG_BOS = 0x02;
const FLAG_EOS = 0x04;

interface PageHeader {
	flags: number;
	/** Granule position, or undefined for -1 ("no packet ends on this page") and negative values. */
	granule: number | undefined;
	serial: number;
	bodySize: number;
	offset: number;
}

interface OggStream {
	serial: number;
	codec: 'vorbis' | 'opus' | 'flac';
	sampleRate: number;
	channels: number;
	/** Samples to drop at the start (Opus pre-skip), in granule units. */
	preSkip: number;
	/** Granule units per second. */
	granuleRate: number;
}

async function readPageHeader(reader: ByteReader): Promise<PageHeader | undefined> {
	const offset = reader.position;
	const got = await reader.ensure(27);
	if (got === 0) return undefined;
	if (got < 4 || ascii(reader.peek(4), 0, 4) !== 'OggS') {
		if (got < 4) throw new AudioProbeError('TRUNCATED', `The Ogg file ends with ${got} stray byte(s) at offset ${offset}`);
		throw new AudioProbeError('CORRUPT', `The Ogg stream lost sync at offset ${offset}: expected a page starting with 'OggS'`);
	}
	if (got < 27) throw new AudioProbeError('TRUNCATED', `The Ogg file ends inside a page header at offset ${offset}`);
	const fixed = reader.peek(27);
	if (fixed[4] !== 0) throw new AudioProbeError('CORRUPT', `The Ogg page at offset ${offset} has unknown version ${fixed[4]}`);
	const flags = fixed[5];
	const lo = u32le(fixed, 6);
	const hi = u32le(fixed, 10);
	const serial = u32le(fixed, 14);
	const segments = fixed[26];
	const header = await reader.read(27 + segments, `the Ogg page header at offset ${offset}`);
	let bodySize = 0;
	for (let i = 0; i < segments; i++) bodySize += header[27 + i];
	const granule = hi >= 0x80000000 ? undefined : hi * 0x100000000 + lo;
	return { flags, granule, serial, bodySize, offset };
}

function identify(serial: number, packet: Uint8Array): OggStream | string {
	if (packet.length >= 7 && packet[0] === 0x01 && ascii(packet, 1, 6) === 'vorbis') {
		if (packet.length < 16) throw new AudioProbeError('TRUNCATED', 'The Vorbis identification header is cut short');
		const channels = packet[11];
		const sampleRate = u32le(packet, 12);
		check(channels, sampleRate, 'Vorbis');
		return { serial, codec: 'vorbis', channels, sampleRate, preSkip: 0, granuleRate: sampleRate };
	}
	if (packet.length >= 8 && ascii(packet, 0, 8) === 'OpusHead') {
		if (packet.length < 19) throw new AudioProbeError('TRUNCATED', 'The Opus identification header is cut short');
		if (packet[8] >> 4 !== 0) throw new AudioProbeError('UNSUPPORTED_CODEC', `Opus header version ${packet[8]} is not supported`);
		const channels = packet[9];
		check(channels, 48000, 'Opus');
		// Opus always decodes at 48 kHz; the header's "input sample rate" is informational only.
		return { serial, codec: 'opus', channels, sampleRate: 48000, preSkip: u16le(packet, 10), granuleRate: 48000 };
	}
	if (packet.length >= 5 && packet[0] === 0x7f && ascii(packet, 1, 4) === 'FLAC') {
		if (packet.length < 51) throw new AudioProbeError('TRUNCATED', 'The Ogg FLAC header is cut short');
		if (ascii(packet, 9, 4) !== 'fLaC' || (packet[13] & 0x7f) !== 0) {
			throw new AudioProbeError('CORRUPT', 'The Ogg FLAC header does not hold a STREAMINFO block');
		}
		const info = parseStreamInfo(packet.subarray(17, 51));
		return { serial, codec: 'flac', channels: info.channels, sampleRate: info.sampleRate, preSkip: 0, granuleRate: info.sampleRate };
	}
	if (packet.length >= 8 && ascii(packet, 0, 8) === 'Speex   ') return 'Speex';
	if (packet.length >= 7 && packet[0] === 0x80 && ascii(packet, 1, 6) === 'theora') return 'Theora (video)';
	if (packet.length >= 8 && ascii(packet, 0, 8) === 'fishead\0') return 'skeleton';
	return 'an unknown codec';
}

function check(channels: number, sampleRate: number, name: string): void {
	if (channels === 0 || channels > MAX_CHANNELS) throw new AudioProbeError('CORRUPT', `The ${name} header says the audio has ${channels} channels`);
	if (sampleRate === 0 || sampleRate > MAX_SAMPLE_RATE) throw new AudioProbeError('CORRUPT', `The ${name} header says the sample rate is ${sampleRate} Hz`);
}

/**
 * Ogg Vorbis, Opus and FLAC. The identification header is in the first page; the duration is the
 * granule position of the stream's last page, so the probe walks page headers to the end (or to
 * the stream's end-of-stream page), skipping page bodies without keeping them.
 */
export async function parseOgg(reader: ByteReader): Promise<ParsedAudio> {
	let stream: OggStream | undefined;
	const others: string[] = [];
	let lastGranule: number | undefined;
	let page = await readPageHeader(reader);
	if (!page) throw new AudioProbeError('TRUNCATED', 'The Ogg file has no complete page');
	if (!(page.flags & FLAG_BOS)) throw new AudioProbeError('CORRUPT', 'The first Ogg page is not a beginning-of-stream page');

	// Beginning-of-stream pages come first, one per logical stream.
	while (page && page.flags & FLAG_BOS) {
		const take = Math.min(page.bodySize, 128);
		const packet = await reader.read(take, `the first Ogg page body at offset ${page.offset}`);
		const found = identify(page.serial, packet);
		await reader.skipExactly(page.bodySize - take, `the Ogg page at offset ${page.offset}`);
		if (typeof found === 'string') others.push(found);
		else if (!stream) stream = found;
		page = await readPageHeader(reader);
	}
	if (!stream) {
		throw new AudioProbeError('UNSUPPORTED_CODEC', `The Ogg file holds ${others.join(', ')}, not Vorbis, Opus or FLAC audio`);
	}

	let pages = 0;
	while (page) {
		if (page.serial === stream.serial) {
			if (page.granule !== undefined) lastGranule = page.granule;
			if (page.flags & FLAG_EOS) break;
		}
		await reader.skipExactly(page.bodySize, `the Ogg page at offset ${page.offset}`);
		if ((++pages & 0x3ff) === 0) reader.checkAborted();
		page = await readPageHeader(reader);
	}

	if (lastGranule === undefined) {
		throw new AudioProbeError('NO_DURATION', 'The Ogg stream has no audio page with a granule position, so its duration is unknown');
	}
	const samples = Math.max(0, lastGranule - stream.preSkip);
	const durationSeconds = samples / stream.granuleRate;
	if (durationSeconds > 1e7) {
		throw new AudioProbeError('CORRUPT', `The Ogg granule position gives an impossible duration of ${Math.round(durationSeconds)} s (granule position ${lastGranule})`);
	}
	return {
		container: 'ogg',
		codec: stream.codec,
		mimeType: 'audio/ogg',
		extension: stream.codec === 'opus' ? 'opus' : 'ogg',
		durationSeconds,
		sampleRate: stream.sampleRate,
		channels: stream.channels,
	};
}
