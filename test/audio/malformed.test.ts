import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AudioProbeError, probeAudio } from '../../nodes/shared/audio';
import { chunked, MALFORMED_DIR, readManifest } from './helpers';

const CODES = ['EMPTY', 'UNRECOGNISED_FORMAT', 'TRUNCATED', 'CORRUPT', 'UNSUPPORTED_CODEC', 'NO_DURATION', 'TOO_LARGE_HEADER'];

async function outcome(run: () => Promise<unknown>): Promise<string> {
	try {
		await run();
		return 'valid';
	} catch (error) {
		if (error instanceof AudioProbeError) return error.code;
		throw error;
	}
}

describe('malformed / edge corpus', () => {
	const manifest = readManifest();
	const names = Object.keys(manifest).sort();

	it('has a manifest entry for every file and at least 40 files', () => {
		const onDisk = readdirSync(MALFORMED_DIR).filter((f) => f !== 'manifest.json').sort();
		expect(onDisk).toEqual(names);
		expect(names.length).toBeGreaterThanOrEqual(40);
		for (const name of names) {
			expect(['valid', ...CODES]).toContain(manifest[name].expect);
			expect(manifest[name].why.length).toBeGreaterThan(0);
		}
	});

	it('covers every error code', () => {
		const seen = new Set(names.map((n) => manifest[n].expect));
		for (const code of [...CODES, 'valid']) expect(seen).toContain(code);
	});

	describe.each(names)('%s', (name) => {
		const bytes = readFileSync(join(MALFORMED_DIR, name));
		const { expect: expected } = manifest[name];

		it(`gives ${expected} from a buffer`, async () => {
			const result = await outcome(() => probeAudio(bytes));
			expect(result).toBe(expected);
		});

		it(`gives ${expected} from a stream with totalBytes, and releases it`, async () => {
			const source = chunked(bytes, 7);
			const result = await outcome(() => probeAudio(source, { totalBytes: bytes.length }));
			expect(result).toBe(expected);
			// The source is either read to its end or released.
			expect(source.exhausted || source.returned === 1).toBe(true);
		});

		// Every case asserts: a file the probe accepts must come out as usable audio, and one it
		// refuses with a message (never a bare code, never "undefined").
		if (expected === 'valid') {
			it('is read as audio with a MIME type and a real duration', async () => {
				const info = await probeAudio(bytes);
				expect(info.mimeType).toMatch(/^audio\//);
				expect(Number.isFinite(info.durationSeconds)).toBe(true);
				expect(info.durationSeconds).toBeGreaterThan(0);
			});
		} else {
			it('has an error message a person can read', async () => {
				const error = await probeAudio(bytes).then(
					() => undefined,
					(thrown: unknown) => thrown,
				);
				expect(error).toBeInstanceOf(AudioProbeError);
				const message = (error as Error).message;
				expect(message.length).toBeGreaterThan(15);
				expect(message).toMatch(/^[A-Z]/);
				expect(message).not.toMatch(/undefined|NaN|Infinity|\[object/);
				expect(message).not.toContain((error as AudioProbeError).code);
			});
		}
	});
});
