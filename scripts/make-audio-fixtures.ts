/**
 * Regenerates the audio probe fixtures:
 *   test/fixtures/audio/valid/*      made with espeak-ng, sox and ffmpeg (plus one crafted VBRI MP3)
 *   test/fixtures/audio/malformed/*  derived from the valid ones (deterministic), with manifest.json
 *
 * Usage: npm run fixtures:audio   (needs ffmpeg, sox and espeak-ng on PATH)
 * Output is deterministic for a given ffmpeg/lame/espeak version (bitexact flags, fixed PRNG seed).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AudioProbeErrorCode } from '../nodes/shared/audio';
import { prng } from '../test/audio/helpers';

const root = join(__dirname, '..', 'test', 'fixtures', 'audio');
const validDir = join(root, 'valid');
const malformedDir = join(root, 'malformed');
const work = mkdtempSync(join(tmpdir(), 'audio-fixtures-'));

function run(cmd: string, args: string[]): void {
	execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const BITEXACT = ['-fflags', '+bitexact', '-flags:a', '+bitexact', '-map_metadata', '-1'];

function ffmpeg(input: string[], output: string, codecArgs: string[]): void {
	run('ffmpeg', ['-y', '-hide_banner', '-loglevel', 'error', ...input, ...BITEXACT, ...codecArgs, output]);
}

// ---------------------------------------------------------------------------------------------
// Valid fixtures
// ---------------------------------------------------------------------------------------------

function makeValid(): void {
	rmSync(validDir, { recursive: true, force: true });
	mkdirSync(validDir, { recursive: true });
	const speech = join(work, 'speech.wav');
	run('espeak-ng', ['-w', speech, 'Hello, this is a short sample of my voice for cloning.']);
	// A stereo source: speech on the left, a quiet 440 Hz tone on the right (sox).
	const tone = join(work, 'tone.wav');
	run('sox', ['-n', '-r', '22050', '-c', '1', tone, 'synth', '3.25', 'sine', '440', 'vol', '0.2']);
	const stereo = join(work, 'stereo.wav');
	run('sox', ['-M', speech, tone, stereo]);
	const cover = join(work, 'cover.png');
	ffmpeg(['-f', 'lavfi', '-i', 'mandelbrot=size=160x160:end_pts=1', '-frames:v', '1'], cover, []);

	const v = (name: string) => join(validDir, name);
	const S = ['-i', speech];
	const ST = ['-i', stereo];

	// WAV
	ffmpeg(S, v('wav-pcm-u8-8k-mono.wav'), ['-ar', '8000', '-c:a', 'pcm_u8']);
	ffmpeg(S, v('wav-pcm-s16-16k-mono.wav'), ['-ar', '16000', '-c:a', 'pcm_s16le']);
	ffmpeg(ST, v('wav-pcm-s24-11k-stereo.wav'), ['-ar', '11025', '-c:a', 'pcm_s24le']);
	ffmpeg(S, v('wav-pcm-f32-8k-mono.wav'), ['-ar', '8000', '-c:a', 'pcm_f32le']);
	run('sox', ['-D', speech, '-r', '8000', '-c', '3', '-b', '16', '-e', 'signed-integer', v('wav-extensible-s16-8k-3ch.wav')]);
	ffmpeg(S, v('wav-rf64-s16-8k-mono.wav'), ['-ar', '8000', '-c:a', 'pcm_s16le', '-rf64', 'always']);
	// sox writes a LIST/INFO-free plain header; this one has a LIST chunk before data (ffmpeg metadata).
	run('ffmpeg', ['-y', '-hide_banner', '-loglevel', 'error', '-i', speech, '-ar', '8000', '-c:a', 'pcm_s16le', '-metadata', 'title=Voice sample', '-metadata', 'artist=Tester', v('wav-list-chunk-8k-mono.wav')]);

	// MP3
	ffmpeg(ST, v('mp3-cbr-128k-44k-stereo-info.mp3'), ['-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '128k']);
	ffmpeg(ST, v('mp3-cbr-64k-22k-stereo-noheader.mp3'), ['-ar', '22050', '-c:a', 'libmp3lame', '-b:a', '64k', '-write_xing', '0']);
	ffmpeg(S, v('mp3-vbr-xing-22k-mono.mp3'), ['-c:a', 'libmp3lame', '-q:a', '4']);
	ffmpeg(S, v('mp3-vbr-noxing-22k-mono.mp3'), ['-c:a', 'libmp3lame', '-q:a', '4', '-write_xing', '0']);
	ffmpeg(S, v('mp3-mpeg25-8k-mono.mp3'), ['-ar', '8000', '-c:a', 'libmp3lame', '-q:a', '6']);
	ffmpeg(S, v('mp3-mpeg2-16k-mono-cbr-noheader.mp3'), ['-ar', '16000', '-c:a', 'libmp3lame', '-b:a', '32k', '-write_xing', '0']);
	run('ffmpeg', [
		'-y', '-hide_banner', '-loglevel', 'error', '-i', speech, '-i', cover, '-map', '0:a', '-map', '1:v',
		...BITEXACT, '-c:a', 'libmp3lame', '-q:a', '4', '-c:v', 'copy', '-id3v2_version', '3',
		'-metadata', 'title=Voice sample', '-metadata:s:v', 'title=Album cover', '-metadata:s:v', 'comment=Cover (front)',
		v('mp3-id3v2-cover-22k-mono.mp3'),
	]);
	writeFileSync(v('mp3-vbri-44k-stereo.mp3'), craftVbri(join(work, 'for-vbri.mp3'), ST));

	// MP4 / M4A
	ffmpeg(S, v('m4a-aac-faststart-22k-mono.m4a'), ['-c:a', 'aac', '-b:a', '48k', '-movflags', '+faststart']);
	ffmpeg(ST, v('m4a-aac-moov-end-44k-stereo.m4a'), ['-ar', '44100', '-c:a', 'aac', '-b:a', '64k']);
	ffmpeg(S, v('m4a-alac-16k-mono.m4a'), ['-ar', '16000', '-c:a', 'alac', '-movflags', '+faststart']);

	// FLAC
	ffmpeg(S, v('flac-16k-mono.flac'), ['-ar', '16000', '-c:a', 'flac']);
	ffmpeg(ST, v('flac-22k-stereo.flac'), ['-c:a', 'flac']);

	// Ogg
	ffmpeg(S, v('ogg-vorbis-22k-mono.ogg'), ['-c:a', 'libvorbis', '-q:a', '2']);
	ffmpeg(ST, v('ogg-vorbis-44k-stereo.ogg'), ['-ar', '44100', '-c:a', 'libvorbis', '-q:a', '0']);
	ffmpeg(ST, v('ogg-opus-stereo.opus'), ['-c:a', 'libopus', '-b:a', '32k']);
	ffmpeg(S, v('ogg-opus-mono.opus'), ['-c:a', 'libopus', '-b:a', '16k']);
}

/** A CBR MP3 whose first frame is replaced by a Fraunhofer VBRI header (LAME cannot write one). */
function craftVbri(tmp: string, input: string[]): Buffer {
	ffmpeg(input, tmp, ['-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '128k', '-write_xing', '0', '-id3v2_version', '0']);
	const mp3 = readFileSync(tmp);
	const frames: number[] = [];
	let pos = 0;
	while (pos + 4 <= mp3.length && mp3[pos] === 0xff) {
		frames.push(pos);
		const padding = (mp3[pos + 2] >> 1) & 1;
		pos += Math.floor((144 * 128000) / 44100) + padding;
	}
	const out = Buffer.from(mp3);
	const first = frames[0];
	const length = frames[1] - frames[0];
	out.fill(0, first + 4, first + length);
	const o = first + 36;
	out.write('VBRI', o, 'latin1');
	out.writeUInt16BE(1, o + 4); // version
	out.writeUInt16BE(0x0240, o + 6); // delay
	out.writeUInt16BE(75, o + 8); // quality
	out.writeUInt32BE(mp3.length - length, o + 10); // audio bytes
	out.writeUInt32BE(frames.length - 1, o + 14); // audio frames
	out.writeUInt16BE(0, o + 18); // TOC entries
	out.writeUInt16BE(1, o + 20); // scale
	out.writeUInt16BE(2, o + 22); // bytes per TOC entry
	out.writeUInt16BE(1, o + 24); // frames per TOC entry
	return out;
}

// ---------------------------------------------------------------------------------------------
// Malformed / edge corpus
// ---------------------------------------------------------------------------------------------

type Expect = 'valid' | AudioProbeErrorCode;

function ascii3(b: Buffer): string {
	return b.toString('latin1', 0, 3);
}

function findAscii(b: Buffer, text: string, from = 0): number {
	const i = b.indexOf(Buffer.from(text, 'latin1'), from);
	if (i < 0) throw new Error(`'${text}' not found`);
	return i;
}

/** Offsets of WAV chunks: id → offset of the chunk header. */
function wavChunk(b: Buffer, id: string): number {
	let pos = 12;
	while (pos + 8 <= b.length) {
		if (b.toString('latin1', pos, pos + 4) === id) return pos;
		const size = b.readUInt32LE(pos + 4);
		pos += 8 + size + (size & 1);
	}
	throw new Error(`chunk ${id} not found`);
}

function makeMalformed(): void {
	rmSync(malformedDir, { recursive: true, force: true });
	mkdirSync(malformedDir, { recursive: true });
	const rnd = prng(0x5eed);
	const randomBytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
	const valid = (name: string) => readFileSync(join(validDir, name));
	const files: Record<string, { expect: Expect; why: string }> = {};
	const add = (name: string, bytes: Buffer | Uint8Array, expect: Expect, why: string) => {
		writeFileSync(join(malformedDir, name), bytes);
		files[name] = { expect, why };
	};
	const copy = (b: Buffer) => Buffer.from(b);

	const wav = valid('wav-pcm-s16-16k-mono.wav');
	const wavSmall = wav.subarray(0, 2044); // 2 KB PCM WAV with header sizes fixed below
	const smallWav = () => {
		const b = Buffer.from(wavSmall);
		const data = wavChunk(b, 'data');
		b.writeUInt32LE(b.length - 8, 4);
		b.writeUInt32LE(b.length - data - 8, data + 4);
		return b;
	};
	const fmtOf = (b: Buffer) => wavChunk(b, 'fmt ') + 8;

	// Generic
	add('empty.wav', Buffer.alloc(0), 'EMPTY', 'zero bytes');
	add('one-byte.mp3', Buffer.from([0xff]), 'UNRECOGNISED_FORMAT', 'a single byte cannot be audio');
	add('text-renamed.wav', Buffer.from('This is not audio, just a text file somebody renamed to .wav\n'.repeat(20)), 'UNRECOGNISED_FORMAT', 'plain text');
	add('html-page.mp3', Buffer.from('<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>Not found</body></html>\n'), 'UNRECOGNISED_FORMAT', 'an HTML error page saved as audio');
	add('png-header.png', Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), randomBytes(200)]), 'UNRECOGNISED_FORMAT', 'PNG signature');
	add('pdf-header.pdf', Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n', 'latin1'), 'UNRECOGNISED_FORMAT', 'PDF signature');
	add('zip-header.zip', Buffer.concat([Buffer.from('504b0304140000000800', 'hex'), randomBytes(300)]), 'UNRECOGNISED_FORMAT', 'ZIP local file header');
	add('jpeg-header.jpg', Buffer.concat([Buffer.from('ffd8ffe000104a46494600', 'hex'), randomBytes(300)]), 'UNRECOGNISED_FORMAT', 'JPEG starts with 0xFF like MPEG audio but is not');
	add('random-1k.bin', randomBytes(1024), 'UNRECOGNISED_FORMAT', 'random bytes');
	add('random-64k.bin', randomBytes(65536), 'UNRECOGNISED_FORMAT', 'random bytes, larger than the sync search window');
	add('zeros-4k.bin', Buffer.alloc(4096), 'UNRECOGNISED_FORMAT', 'only zero bytes');
	add('ff-4k.bin', Buffer.alloc(4096, 0xff), 'UNRECOGNISED_FORMAT', 'only 0xFF bytes (invalid frame headers)');

	// WAV
	add('wav-riff-only-8.wav', wav.subarray(0, 8), 'TRUNCATED', 'RIFF id and size, no form type');
	add('wav-cut-in-fmt.wav', wav.subarray(0, 30), 'TRUNCATED', "ends inside the 'fmt ' chunk");
	add('wav-header-no-data.wav', wav.subarray(0, wavChunk(wav, 'data')), 'TRUNCATED', "ends before the 'data' chunk");
	add('wav-cut-in-data-header.wav', wav.subarray(0, wavChunk(wav, 'data') + 5), 'TRUNCATED', 'ends inside the data chunk header');
	{
		const b = smallWav();
		b.writeUInt32LE(0xffffffff, wavChunk(b, 'data') + 4);
		add('wav-data-size-ffffffff.wav', b, 'valid', 'streaming writer placeholder: data runs to the end of the file');
	}
	{
		const b = smallWav();
		b.writeUInt32LE(0, wavChunk(b, 'data') + 4);
		add('wav-data-size-zero.wav', b, 'valid', 'streaming writer placeholder 0: data runs to the end of the file');
	}
	{
		const b = Buffer.from(smallWav().subarray(0, 1024));
		b.writeUInt32LE(0xfffffff0, wavChunk(b, 'data') + 4);
		add('wav-data-4gb-file-1k.wav', b, 'TRUNCATED', 'data chunk claims 4 GB, file is 1 KB');
	}
	{
		const b = smallWav();
		b.writeUInt32LE(b.readUInt32LE(wavChunk(b, 'data') + 4) + 1000, wavChunk(b, 'data') + 4);
		add('wav-data-longer-than-file.wav', b, 'TRUNCATED', 'data chunk 1000 bytes longer than the file');
	}
	add('wav-riff-avi.avi', Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 1, 0, 0]), Buffer.from('AVI LIST'), randomBytes(100)]), 'UNRECOGNISED_FORMAT', 'RIFF file that is not WAVE');
	add('wav-riff-webp.wav', Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 1, 0, 0]), Buffer.from('WEBPVP8 '), randomBytes(100)]), 'UNRECOGNISED_FORMAT', 'WebP image renamed .wav');
	{
		const b = smallWav();
		b.writeUInt16LE(0, fmtOf(b) + 2);
		add('wav-zero-channels.wav', b, 'CORRUPT', 'fmt says 0 channels');
	}
	{
		const b = smallWav();
		b.writeUInt32LE(0, fmtOf(b) + 4);
		add('wav-zero-sample-rate.wav', b, 'CORRUPT', 'fmt says 0 Hz');
	}
	{
		const b = smallWav();
		b.writeUInt16LE(0, fmtOf(b) + 12);
		add('wav-zero-block-align.wav', b, 'CORRUPT', 'fmt says 0-byte sample frames (division by zero)');
	}
	{
		const b = smallWav();
		b.writeUInt16LE(0x1234, fmtOf(b));
		add('wav-unknown-format-tag.wav', b, 'UNSUPPORTED_CODEC', 'format tag 0x1234');
	}
	{
		const b = smallWav();
		const fmt = wavChunk(b, 'fmt ');
		const data = wavChunk(b, 'data');
		const reordered = Buffer.concat([b.subarray(0, 12), b.subarray(data), b.subarray(fmt, data)]);
		add('wav-data-before-fmt.wav', reordered, 'CORRUPT', "'data' chunk comes before 'fmt '");
	}
	{
		const b = smallWav();
		const fmt = wavChunk(b, 'fmt ');
		const list = Buffer.concat([Buffer.from('LIST'), Buffer.from([0xf0, 0xff, 0xff, 0x7f]), Buffer.from('INFO')]);
		add('wav-giant-list-chunk.wav', Buffer.concat([b.subarray(0, fmt), list, b.subarray(fmt)]), 'TOO_LARGE_HEADER', 'LIST chunk claims 2 GB before the data');
	}
	{
		const b = smallWav();
		b.writeUInt32LE(1_000_000, wavChunk(b, 'fmt ') + 4);
		add('wav-fmt-size-1mb.wav', b, 'CORRUPT', "'fmt ' chunk claims 1 MB");
	}
	{
		const b = valid('wav-rf64-s16-8k-mono.wav');
		const ds64 = wavChunk(b, 'ds64');
		const size = b.readUInt32LE(ds64 + 4);
		const out = Buffer.concat([b.subarray(0, ds64), b.subarray(ds64 + 8 + size)]);
		add('rf64-without-ds64.wav', out.subarray(0, 4096), 'CORRUPT', 'RF64 with data size 0xFFFFFFFF and no ds64 chunk');
	}
	{
		const b = smallWav();
		const fmt = wavChunk(b, 'fmt ');
		const odd = Buffer.concat([Buffer.from('LIST'), Buffer.from([9, 0, 0, 0]), Buffer.from('INFOabcde'), Buffer.from([0])]);
		add('wav-odd-chunk-padding.wav', Buffer.concat([b.subarray(0, fmt + 24), odd, b.subarray(fmt + 24)]), 'valid', 'odd-sized chunk followed by its pad byte');
	}
	add('wav-trailing-junk.wav', Buffer.concat([smallWav(), Buffer.from('JUNK AFTER THE DATA CHUNK')]), 'valid', 'bytes after the data chunk are ignored');

	// MP3
	const mp3 = valid('mp3-cbr-64k-22k-stereo-noheader.mp3');
	const xing = valid('mp3-vbr-xing-22k-mono.mp3');
	// The same MP3 without the (empty) ID3v2 tag ffmpeg writes in front.
	const bare = mp3.subarray(ascii3(mp3) === 'ID3' ? 10 + ((mp3[6] << 21) | (mp3[7] << 14) | (mp3[8] << 7) | mp3[9]) : 0);
	add('mp3-giant-id3.mp3', Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f]), mp3.subarray(0, 2000)]), 'TOO_LARGE_HEADER', 'ID3 tag claims 256 MB');
	add('mp3-id3-only.mp3', Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0, 0, 0, 0, 10]), Buffer.alloc(10)]), 'TRUNCATED', 'an ID3 tag and nothing after it');
	add('mp3-id3-cut.mp3', Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0, 0, 0, 0x7f, 0x7f]), Buffer.alloc(100)]), 'TRUNCATED', 'ID3 tag of 16 KB in a 110-byte file');
	add('mp3-id3-then-garbage.mp3', Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0, 0, 0, 0, 10]), Buffer.alloc(10), randomBytes(3000)]), 'CORRUPT', 'ID3 tag followed by random bytes');
	add('mp3-bad-id3-size.mp3', Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0, 0xff, 0xff, 0xff, 0xff]), mp3.subarray(0, 2000)]), 'CORRUPT', 'ID3 size bytes are not synchsafe');
	add('mp3-header-only.mp3', bare.subarray(0, 4), 'TRUNCATED', 'one frame header, no frame');
	add('mp3-cut-in-first-frame.mp3', bare.subarray(0, 100), 'TRUNCATED', 'ends inside the first frame');
	{
		const b = copy(xing);
		const x = findAscii(b, 'Xing');
		b.writeUInt32BE(0xffffffff, x + 8);
		add('mp3-xing-absurd-frames.mp3', b, 'CORRUPT', 'Xing header claims 4 billion frames in a small file');
	}
	{
		const b = copy(xing);
		const x = findAscii(b, 'Xing');
		b.writeUInt32BE(0, x + 4); // flags: no frame count
		add('mp3-xing-without-frame-count.mp3', b, 'valid', 'Xing header without frame count: frames are scanned');
	}
	{
		const mp2 = join(work, 'layer2.mp2');
		ffmpeg(['-i', join(validDir, 'wav-pcm-s16-16k-mono.wav')], mp2, ['-t', '0.5', '-c:a', 'mp2', '-b:a', '64k']);
		add('mpeg-layer2.mp3', readFileSync(mp2), 'UNSUPPORTED_CODEC', 'MPEG layer II (MP2) audio');
		const adts = join(work, 'raw.aac');
		ffmpeg(['-i', join(validDir, 'wav-pcm-s16-16k-mono.wav')], adts, ['-t', '0.5', '-c:a', 'aac', '-f', 'adts']);
		add('aac-adts-raw.aac', readFileSync(adts), 'UNSUPPORTED_CODEC', 'raw AAC in ADTS frames, no container');
	}
	{
		const mid = 3000;
		let cut = mid;
		while (!(mp3[cut] === 0xff && (mp3[cut + 1] & 0xe0) === 0xe0)) cut++;
		add('mp3-junk-in-middle.mp3', Buffer.concat([mp3.subarray(0, cut), randomBytes(500).fill(0x11, 0, 500), mp3.subarray(cut)]), 'valid', '500 junk bytes between frames (resync)');
	}
	add('mp3-with-id3v1.mp3', Buffer.concat([mp3, Buffer.from('TAG'), Buffer.alloc(125, 0x20)]), 'valid', 'ID3v1 tag at the end');
	{
		const tag = Buffer.concat([Buffer.from('ID3'), Buffer.from([4, 0, 0x10, 0, 0, 0, 20]), Buffer.alloc(20), Buffer.from('3DI'), Buffer.from([4, 0, 0x10, 0, 0, 0, 20])]);
		add('mp3-id3v24-footer.mp3', Buffer.concat([tag, mp3]), 'valid', 'ID3v2.4 tag with footer flag');
	}
	add('mp3-leading-zeros.mp3', Buffer.concat([Buffer.alloc(700), bare]), 'valid', 'zero padding before the first frame');
	add('mp3-id3-then-padding.mp3', Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0, 0, 0, 0, 10]), Buffer.alloc(10), Buffer.alloc(3000), mp3]), 'valid', 'zero padding after the ID3 tag, outside its declared size');

	// MP4 / M4A
	const fast = valid('m4a-aac-faststart-22k-mono.m4a');
	const moovEnd = valid('m4a-aac-moov-end-44k-stereo.m4a');
	const moovAt = (b: Buffer) => findAscii(b, 'moov') - 4;
	add('m4a-no-moov.m4a', moovEnd.subarray(0, moovAt(moovEnd)), 'TRUNCATED', "ftyp and mdat but the 'moov' index at the end is missing (cut upload)");
	add('m4a-ftyp-only.m4a', fast.subarray(0, fast.readUInt32BE(0)), 'CORRUPT', "only an 'ftyp' box, no 'moov'");
	add('m4a-ftyp-free.m4a', Buffer.concat([fast.subarray(0, fast.readUInt32BE(0)), Buffer.from([0, 0, 0, 16]), Buffer.from('free'), Buffer.alloc(8)]), 'CORRUPT', "ftyp and free, no 'moov'");
	add('m4a-cut-in-moov.m4a', fast.subarray(0, moovAt(fast) + 200), 'TRUNCATED', "ends inside the 'moov' box");
	add('m4a-cut-in-ftyp.m4a', fast.subarray(0, 12), 'TRUNCATED', "ends inside the 'ftyp' box");
	{
		const b = copy(fast);
		b.writeUInt32BE(4, 0);
		add('m4a-box-size-4.m4a', b, 'CORRUPT', 'box size smaller than a box header');
	}
	{
		const b = copy(moovEnd);
		const mdat = findAscii(b, 'mdat') - 4;
		const head = Buffer.alloc(16);
		head.writeUInt32BE(1, 0);
		head.write('mdat', 4, 'latin1');
		head.writeUInt32BE(0x40000, 8); // 2^50 bytes
		add('m4a-mdat-64bit-huge.m4a', Buffer.concat([b.subarray(0, mdat), head, b.subarray(mdat + 8, mdat + 2000)]), 'TRUNCATED', '64-bit mdat size of 1 PB in a small file');
	}
	{
		const b = copy(moovEnd);
		const mdat = findAscii(b, 'mdat') - 4;
		const size = b.readUInt32BE(mdat);
		const head = Buffer.alloc(16);
		head.writeUInt32BE(1, 0);
		head.write('mdat', 4, 'latin1');
		head.writeUInt32BE(0, 8);
		head.writeUInt32BE(size + 8, 12);
		add('m4a-mdat-64bit-size.m4a', Buffer.concat([b.subarray(0, mdat), head, b.subarray(mdat + 8)]), 'valid', 'mdat with a 64-bit size, moov after it');
	}
	{
		const b = copy(fast);
		const trak = findAscii(b, 'trak') - 4;
		b.writeUInt32BE(b.readUInt32BE(trak) + 100_000, trak);
		add('m4a-child-larger-than-parent.m4a', b, 'CORRUPT', "'trak' box larger than its 'moov'");
	}
	{
		const b = copy(fast);
		b.write('vide', findAscii(b, 'soun'), 'latin1');
		b.write('avc1', findAscii(b, 'mp4a'), 'latin1');
		add('m4a-no-audio-track.m4a', b, 'UNSUPPORTED_CODEC', 'only a video track');
	}
	{
		const b = copy(fast);
		b.write('XYZ1', findAscii(b, 'mp4a'), 'latin1');
		add('m4a-unknown-codec.m4a', b, 'UNSUPPORTED_CODEC', "audio track with codec 'XYZ1'");
	}
	{
		const b = copy(fast);
		const mvhd = findAscii(b, 'mvhd');
		b.writeUInt32BE(0, mvhd + 4 + 16);
		const mdhd = findAscii(b, 'mdhd');
		b.writeUInt32BE(0, mdhd + 4 + 16);
		add('m4a-zero-duration.m4a', b, 'NO_DURATION', 'mvhd and mdhd durations are 0 (fragmented/live)');
	}
	{
		const b = copy(fast);
		b.writeUInt32BE(0x7ffffff0, findAscii(b, 'stsd') - 4);
		add('m4a-stsd-2gb.m4a', b, 'CORRUPT', "sample description claims 2 GB inside a 1 KB 'moov'");
	}

	{
		const ftyp = fast.readUInt32BE(0);
		const free = Buffer.alloc(8);
		free.writeUInt32BE(40 * 1024 * 1024, 0);
		free.write('free', 4, 'latin1');
		add('m4a-giant-free-box.m4a', Buffer.concat([fast.subarray(0, ftyp), free, Buffer.alloc(256)]), 'TOO_LARGE_HEADER', "a 40 MB 'free' box before 'moov'");
	}

	// FLAC
	const flac = valid('flac-16k-mono.flac');
	{
		const b = copy(flac);
		b[4] = (b[4] & 0x80) | 4;
		add('flac-no-streaminfo.flac', b, 'CORRUPT', 'first metadata block is not STREAMINFO');
	}
	add('flac-cut-in-streaminfo.flac', flac.subarray(0, 20), 'TRUNCATED', 'ends inside STREAMINFO');
	add('flac-signature-only.flac', flac.subarray(0, 4), 'TRUNCATED', "only 'fLaC'");
	{
		const b = copy(flac);
		b[8 + 13] &= 0xf0;
		b.writeUInt32BE(0, 8 + 14);
		add('flac-total-samples-zero.flac', b, 'NO_DURATION', 'STREAMINFO total samples 0 (unknown length)');
	}
	{
		const b = copy(flac);
		b[8 + 13] |= 0x0f;
		b.writeUInt32BE(0xffffffff, 8 + 14);
		add('flac-absurd-sample-count.flac', b, 'CORRUPT', '68 billion samples in a small file');
	}
	{
		const b = copy(flac);
		b[8 + 10] = 0;
		b[8 + 11] = 0;
		b[8 + 12] &= 0x0f;
		add('flac-zero-sample-rate.flac', b, 'CORRUPT', 'STREAMINFO sample rate 0');
	}
	add('flac-after-id3.flac', Buffer.concat([Buffer.from('ID3'), Buffer.from([3, 0, 0, 0, 0, 0, 20]), Buffer.alloc(20), flac]), 'valid', 'ID3 tag before fLaC');

	// Ogg
	const vorbis = valid('ogg-vorbis-22k-mono.ogg');
	const opus = valid('ogg-opus-mono.opus');
	const pages = (b: Buffer) => {
		const out: number[] = [];
		let i = -1;
		while ((i = b.indexOf('OggS', i + 1, 'latin1')) >= 0) out.push(i);
		return out;
	};
	{
		const b = copy(vorbis);
		const p = pages(b);
		const at = p[Math.floor(p.length / 2)];
		randomBytes(64).copy(b, at);
		add('ogg-garbage-page.ogg', b, 'CORRUPT', 'a page in the middle overwritten with random bytes');
	}
	add('ogg-cut-in-page-header.ogg', vorbis.subarray(0, 20), 'TRUNCATED', 'ends inside the first page header');
	add('ogg-cut-mid-file.ogg', vorbis.subarray(0, Math.floor(vorbis.length / 2) + 7), 'TRUNCATED', 'ends in the middle of a page');
	add('ogg-bos-page-only.ogg', vorbis.subarray(0, pages(vorbis)[1]), 'NO_DURATION', 'only the identification page');
	{
		const b = copy(opus);
		b.write('Speex   ', findAscii(b, 'OpusHead'), 'latin1');
		add('ogg-speex.ogg', b, 'UNSUPPORTED_CODEC', 'an Ogg stream that is not Vorbis/Opus/FLAC');
	}
	{
		const b = copy(vorbis);
		b[5] = 0;
		add('ogg-first-page-not-bos.ogg', b, 'CORRUPT', 'first page lacks the beginning-of-stream flag');
	}
	{
		const b = copy(opus);
		b[findAscii(b, 'OpusHead') + 9] = 0;
		add('ogg-opus-zero-channels.opus', b, 'CORRUPT', 'OpusHead says 0 channels');
	}
	{
		const b = copy(vorbis);
		b[4] = 7;
		add('ogg-bad-version.ogg', b, 'CORRUPT', 'page version 7');
	}
	add('ogg-signature-only.ogg', Buffer.from('OggS'), 'TRUNCATED', "only 'OggS'");

	writeFileSync(
		join(malformedDir, 'manifest.json'),
		JSON.stringify({ files: Object.fromEntries(Object.keys(files).sort().map((k) => [k, files[k]])) }, null, '\t') + '\n',
	);
}

try {
	if (!process.argv.includes('--malformed-only')) makeValid();
	makeMalformed();
	const count = readdirSync(malformedDir).filter((f) => f !== 'manifest.json').length;
	console.log(`valid: ${readdirSync(validDir).length} files, malformed: ${count} files`);
} finally {
	rmSync(work, { recursive: true, force: true });
}
