import { createReadStream, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import { probeAudio, type AudioInfo } from '../../nodes/shared/audio';
import { chunked, closeDuration, ffprobe, validFixtures, VALID_DIR } from './helpers';

const KIB = 1024;

/** Fixtures whose answer is in the header: the probe must stop within 64 KiB. */
function isHeaderFormat(name: string): boolean {
	if (name.startsWith('wav-') || name.startsWith('flac-')) return true;
	if (name.startsWith('m4a-')) return !name.includes('moov-end');
	if (name.startsWith('mp3-')) return !name.includes('vbr-noxing');
	return false;
}

/**
 * Where music-metadata 7 is not a usable oracle (ffprobe still checks these):
 * - RF64: not supported by music-metadata.
 * - VBRI: music-metadata ignores the VBRI header and estimates.
 * - VBR MP3 without Xing: music-metadata estimates from the first frame's bitrate.
 * - AAC in MP4: music-metadata ignores the edit list, so it includes the encoder priming (1024 samples).
 * - Opus: music-metadata reports the header's informational input rate, not the 48 kHz decode rate.
 */
const MM_SKIP_DURATION = /rf64|vbri|vbr-noxing|m4a-aac/;
const MM_SKIP_FORMAT = /rf64|opus/;

const expectedContainer: Record<string, AudioInfo['container']> = { wav: 'wav', mp3: 'mp3', m4a: 'm4a', flac: 'flac', ogg: 'ogg' };

describe('probeAudio on valid fixtures', () => {
	const files = validFixtures();

	it('has fixtures for every parser path', () => {
		expect(files.length).toBeGreaterThanOrEqual(20);
	});

	describe.each(files)('%s', (name) => {
		const file = join(VALID_DIR, name);
		const bytes = readFileSync(file);
		let info: AudioInfo;

		beforeAll(async () => {
			info = await probeAudio(bytes);
		});

		it('matches ffprobe (codec, sample rate, channels, duration)', () => {
			const ff = ffprobe(file);
			expect(info.codec).toBe(ff.codec);
			expect(info.sampleRate).toBe(ff.sampleRate);
			expect(info.channels).toBe(ff.channels);
			// For MP3, ffprobe's own duration is an estimate when there is no Xing header: use the
			// number of frames it actually read instead.
			const expected = info.codec === 'mp3' ? (ff.packets * (ff.sampleRate >= 32000 ? 1152 : 576)) / ff.sampleRate : ff.duration;
			if (!closeDuration(info.durationSeconds, expected)) {
				throw new Error(`duration ${info.durationSeconds} differs from ffprobe ${expected}`);
			}
		});

		it('matches music-metadata (parseFile with duration)', async () => {
			if (MM_SKIP_DURATION.test(name) && MM_SKIP_FORMAT.test(name)) return;
			const mm = await parseFile(file, { duration: true });
			if (!MM_SKIP_FORMAT.test(name)) {
				expect(info.sampleRate).toBe(mm.format.sampleRate);
				// music-metadata reports the (bogus) 2 channels of the sample entry for mono AAC in MP4.
				if (!name.startsWith('m4a-aac')) expect(info.channels).toBe(mm.format.numberOfChannels);
			}
			if (!MM_SKIP_DURATION.test(name)) {
				if (!closeDuration(info.durationSeconds, mm.format.duration ?? NaN)) {
					throw new Error(`duration ${info.durationSeconds} differs from music-metadata ${mm.format.duration}`);
				}
			}
		});

		it('reports the container, MIME type and extension from the content', () => {
			const ext = name.slice(name.lastIndexOf('.') + 1);
			expect(info.container).toBe(expectedContainer[ext] ?? 'ogg');
			expect(info.extension).toBe(ext);
			const mime: Record<string, string> = { wav: 'audio/wav', mp3: 'audio/mpeg', m4a: 'audio/mp4', flac: 'audio/flac', ogg: 'audio/ogg' };
			expect(info.mimeType).toBe(mime[info.container]);
		});

		it('gives the same answer from a file stream, from 1-byte chunks and from odd chunks', async () => {
			const total = statSync(file).size;
			const { bytesRead: _b, ...expected } = info;
			const fromStream = await probeAudio(createReadStream(file), { totalBytes: total });
			const fromBytes = await probeAudio(chunked(bytes, 1), { totalBytes: total });
			const fromOdd = await probeAudio(chunked(bytes, 4093), { totalBytes: total });
			for (const other of [fromStream, fromBytes, fromOdd]) {
				const { bytesRead: _o, ...rest } = other;
				expect(rest).toEqual(expected);
			}
		});

		it('gives a close answer without totalBytes', async () => {
			const other = await probeAudio(chunked(bytes, 1000));
			expect(other.sampleRate).toBe(info.sampleRate);
			expect(closeDuration(other.durationSeconds, info.durationSeconds)).toBe(true);
		});

		if (isHeaderFormat(name)) {
			it('reads at most 64 KiB (header format)', async () => {
				expect(info.bytesRead).toBeLessThanOrEqual(64 * KIB);
				const source = chunked(bytes, 4 * KIB);
				const streamed = await probeAudio(source, { totalBytes: bytes.length });
				expect(streamed.bytesRead).toBeLessThanOrEqual(64 * KIB);
				expect(source.yielded).toBe(streamed.bytesRead);
				if (streamed.bytesRead < bytes.length) expect(source.returned).toBe(1);
			});
		}
	});
});
