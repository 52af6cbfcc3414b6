import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { AudioProbeError, probeAudio } from '../../nodes/shared/audio';
import { probeReader } from '../../nodes/shared/audio/probe';
import { ByteReader } from '../../nodes/shared/audio/reader';
import { tracked, VALID_DIR } from './helpers';

const KIB = 1024;
const MIB = 1024 * KIB;
const GIB = 1024 * MIB;
const CHUNK = 64 * KIB;

// ---------------------------------------------------------------------------------------------
// Lazy synthetic sources: nothing below ever holds more than one chunk.
// ---------------------------------------------------------------------------------------------

function wavHeader(dataSize: number, sampleRate = 8000): Uint8Array {
	const b = Buffer.alloc(44);
	b.write('RIFF', 0, 'latin1');
	b.writeUInt32LE(Math.min(0xffffffff, dataSize + 36), 4);
	b.write('WAVEfmt ', 8, 'latin1');
	b.writeUInt32LE(16, 16);
	b.writeUInt16LE(1, 20);
	b.writeUInt16LE(1, 22);
	b.writeUInt32LE(sampleRate, 24);
	b.writeUInt32LE(sampleRate * 2, 28);
	b.writeUInt16LE(2, 32);
	b.writeUInt16LE(16, 34);
	b.write('data', 36, 'latin1');
	b.writeUInt32LE(dataSize, 40);
	return b;
}

/** `total` bytes: `head`, then copies of `chunk` (cut to fit), then `tail`. */
function* lazyFile(head: Uint8Array, chunk: Uint8Array, bodyBytes: number, tail: Uint8Array = new Uint8Array(0)): Generator<Uint8Array> {
	yield head;
	let left = bodyBytes;
	while (left > 0) {
		const n = Math.min(left, chunk.length);
		yield n === chunk.length ? chunk : chunk.subarray(0, n);
		left -= n;
	}
	if (tail.length) yield tail;
}

/** MPEG-1 layer III, 44.1 kHz stereo frames alternating 128/160 kbps (VBR, no Xing). */
function vbrFrameChunk(): { chunk: Uint8Array; frames: number } {
	const frames: Uint8Array[] = [];
	let size = 0;
	for (let i = 0; ; i++) {
		const index = i % 2 === 0 ? 9 : 10; // 128 / 160 kbps
		const kbps = index === 9 ? 128 : 160;
		const length = Math.floor((144 * kbps * 1000) / 44100);
		if (size + length > CHUNK) break;
		const f = new Uint8Array(length);
		f.set([0xff, 0xfb, (index << 4) | 0, 0x00]);
		frames.push(f);
		size += length;
	}
	const chunk = new Uint8Array(size);
	let o = 0;
	for (const f of frames) {
		chunk.set(f, o);
		o += f.length;
	}
	return { chunk, frames: frames.length };
}

function oggPage(flags: number, granule: number, seq: number, body: Uint8Array): Uint8Array {
	const segments = Math.ceil(body.length / 255) || 1;
	const page = new Uint8Array(27 + segments + body.length);
	const v = Buffer.from(page.buffer);
	v.write('OggS', 0, 'latin1');
	page[5] = flags;
	v.writeUInt32LE(granule % 0x100000000, 6);
	v.writeUInt32LE(Math.floor(granule / 0x100000000), 10);
	v.writeUInt32LE(0x1234, 14);
	v.writeUInt32LE(seq, 18);
	page[26] = segments;
	let left = body.length;
	for (let i = 0; i < segments; i++) {
		page[27 + i] = Math.min(255, left);
		left -= 255;
	}
	page.set(body, 27 + segments);
	return page;
}

/** An Ogg Opus stream of `pages` audio pages, each advancing 1 s (48000 granules). */
function* lazyOpus(pages: number): Generator<Uint8Array> {
	const head = Buffer.alloc(19);
	head.write('OpusHead', 0, 'latin1');
	head[8] = 1;
	head[9] = 2;
	head.writeUInt16LE(312, 10);
	head.writeUInt32LE(48000, 12);
	yield oggPage(0x02, 0, 0, head);
	yield oggPage(0, 0, 1, Buffer.from('OpusTags\0\0\0\0\0\0\0\0'));
	const body = new Uint8Array(255 * 64 - 1);
	for (let i = 1; i <= pages; i++) yield oggPage(i === pages ? 0x04 : 0, i * 48000 + 312, i + 1, body);
}

async function probeWithReader(source: AsyncIterable<Uint8Array>, totalBytes?: number) {
	const reader = new ByteReader(source, { totalBytes });
	try {
		const info = await probeReader(reader);
		return { info, peak: reader.peakBuffered };
	} finally {
		await reader.close();
	}
}

describe('header formats stop early on huge sources', () => {
	it('reads a few KiB of a 2 GiB WAV and releases it', async () => {
		const dataSize = 2 * GIB - 64;
		const source = tracked(() => lazyFile(wavHeader(dataSize), new Uint8Array(CHUNK), dataSize));
		const info = await probeAudio(source, { totalBytes: dataSize + 44 });
		expect(info.durationSeconds).toBeCloseTo(dataSize / 16000, 6);
		expect(source.yielded).toBeLessThanOrEqual(64 * KIB + 44);
		expect(info.bytesRead).toBe(source.yielded);
		expect(source.returned).toBe(1);
		expect(source.exhausted).toBe(false);
	});

	it('reads only the header of a 2 GiB constant-bitrate MP3 when totalBytes is known', async () => {
		const frame = new Uint8Array(417); // 128 kbps, 44.1 kHz, no padding
		frame.set([0xff, 0xfb, 0x90, 0x00]);
		const chunk = new Uint8Array(417 * 157);
		for (let i = 0; i < 157; i++) chunk.set(frame, i * 417);
		const total = chunk.length * 32768;
		const source = tracked(() => lazyFile(new Uint8Array(0), chunk, total));
		const info = await probeAudio(source, { totalBytes: total });
		expect(info.durationSeconds).toBeCloseTo((total * 8) / 128000, 3);
		expect(source.yielded).toBeLessThanOrEqual(2 * chunk.length);
		expect(source.returned).toBe(1);
	});

	it('destroys a Node stream it stops reading early', async () => {
		const dataSize = GIB;
		const stream = Readable.from(lazyFile(wavHeader(dataSize), new Uint8Array(CHUNK), dataSize));
		const info = await probeAudio(stream);
		expect(info.container).toBe('wav');
		expect(stream.destroyed).toBe(true);
	});
});

describe('scanning formats run in bounded memory on huge sources', () => {
	it('counts every frame of a 2 GiB VBR MP3 without Xing', async () => {
		const { chunk, frames } = vbrFrameChunk();
		const copies = Math.floor((2 * GIB) / chunk.length);
		const source = tracked(() => lazyFile(new Uint8Array(0), chunk, chunk.length * copies));
		const { info, peak } = await probeWithReader(source, chunk.length * copies);
		expect(info.durationSeconds).toBeCloseTo((frames * copies * 1152) / 44100, 3);
		expect(source.exhausted).toBe(true);
		expect(peak).toBeLessThanOrEqual(2 * CHUNK);
	}, 120_000);

	it('finds the last granule of a 2 GiB Ogg Opus stream', async () => {
		const pages = Math.floor((2 * GIB) / (255 * 64));
		const source = tracked(() => lazyOpus(pages));
		const { info, peak } = await probeWithReader(source);
		expect(info.codec).toBe('opus');
		expect(info.durationSeconds).toBeCloseTo(pages, 6);
		expect(source.yielded).toBeGreaterThan(2 * GIB - MIB);
		expect(peak).toBeLessThanOrEqual(64 * KIB);
	}, 120_000);

	it("skips a 2 GiB 'mdat' to reach 'moov' at the end", async () => {
		const file = readFileSync(join(VALID_DIR, 'm4a-aac-moov-end-44k-stereo.m4a'));
		const expected = await probeAudio(file);
		const ftypSize = file.readUInt32BE(0);
		const moov = file.indexOf('moov', 0, 'latin1') - 4;
		const mdatBody = 2 * GIB;
		const mdat = Buffer.alloc(16);
		mdat.writeUInt32BE(1, 0);
		mdat.write('mdat', 4, 'latin1');
		mdat.writeUInt32BE(0, 8);
		mdat.writeUInt32BE(0, 12);
		mdat.writeBigUInt64BE(BigInt(mdatBody + 16), 8);
		const head = Buffer.concat([file.subarray(0, ftypSize), mdat]);
		const source = tracked(() => lazyFile(head, new Uint8Array(CHUNK), mdatBody, file.subarray(moov)));
		const { info, peak } = await probeWithReader(source);
		expect(info.durationSeconds).toBe(expected.durationSeconds);
		expect(info.sampleRate).toBe(44100);
		expect(peak).toBeLessThanOrEqual(2 * CHUNK);
	}, 120_000);

	it('walks a WAV whose data size is unknown (0xFFFFFFFF) to its end without keeping it', async () => {
		const dataSize = 256 * MIB;
		const header = wavHeader(0);
		Buffer.from(header.buffer).writeUInt32LE(0xffffffff, 40);
		const source = tracked(() => lazyFile(header, new Uint8Array(CHUNK), dataSize));
		const { info, peak } = await probeWithReader(source);
		expect(info.durationSeconds).toBeCloseTo(dataSize / 16000, 6);
		expect(peak).toBeLessThanOrEqual(2 * CHUNK);
	});
});

describe('releasing the source', () => {
	it('calls return() when it stops on an error', async () => {
		const source = tracked(function* () {
			yield Buffer.from('RIFF\x10\x00\x00\x00AVI LIST');
			for (;;) yield new Uint8Array(CHUNK);
		});
		await expect(probeAudio(source)).rejects.toMatchObject({ code: 'UNRECOGNISED_FORMAT' });
		expect(source.returned).toBe(1);
	});

	it('calls return() when aborted mid-scan and reports ABORTED', async () => {
		const controller = new AbortController();
		let n = 0;
		const source = tracked(function* () {
			for (const chunk of lazyOpus(100_000)) {
				if (++n === 1000) controller.abort();
				yield chunk;
			}
		});
		await expect(probeAudio(source, { signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
		expect(source.returned).toBe(1);
	});

	it('reports ABORTED without reading when the signal is already aborted', async () => {
		const source = tracked(() => lazyOpus(10));
		await expect(probeAudio(source, { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
		expect(source.yielded).toBe(0);
	});

	it('wraps a failing source as SOURCE_ERROR with the cause', async () => {
		const boom = new Error('socket hang up');
		async function* failing() {
			let n = 0;
			for (const chunk of lazyOpus(10)) {
				if (++n > 4) throw boom;
				yield chunk;
			}
		}
		const error = await probeAudio(failing()).catch((e: unknown) => e);
		expect(error).toBeInstanceOf(AudioProbeError);
		expect(error).toMatchObject({ code: 'SOURCE_ERROR', cause: boom });
	});

	it('rejects a source that yields strings as SOURCE_ERROR and releases it', async () => {
		const source = tracked(() => ['RIFF....WAVE' as unknown as Uint8Array]);
		await expect(probeAudio(source)).rejects.toMatchObject({ code: 'SOURCE_ERROR' });
		expect(source.returned).toBe(1);
	});

	it('rejects something that is not a source as SOURCE_ERROR', async () => {
		await expect(probeAudio(42 as unknown as Uint8Array)).rejects.toMatchObject({ code: 'SOURCE_ERROR' });
	});

	it('reports EMPTY for a source with no bytes (or only empty chunks)', async () => {
		await expect(probeAudio(new Uint8Array(0))).rejects.toMatchObject({ code: 'EMPTY' });
		const source = tracked(() => [new Uint8Array(0), new Uint8Array(0)]);
		await expect(probeAudio(source)).rejects.toMatchObject({ code: 'EMPTY' });
	});
});
