import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AudioProbeError, probeAudio } from '../../nodes/shared/audio';
import { chunked, mutate, prng, validFixtures, VALID_DIR } from './helpers';

/**
 * Small deterministic fuzz run of what the probe answers; `npm run fuzz:probe` does the long one
 * and holds every case to a time bound (`--max-ms`): how fast it is, is measured there, not here.
 */
describe('fuzzing the probe', () => {
	const seeds = validFixtures().map((name) => readFileSync(join(VALID_DIR, name)));
	const CASES = 3000;

	it(`gives only AudioInfo or AudioProbeError for ${CASES} mutated inputs`, async () => {
		const rnd = prng(20240601);
		const outcomes: Record<string, number> = {};
		for (let i = 0; i < CASES; i++) {
			let input: Uint8Array = seeds[Math.floor(rnd() * seeds.length)];
			const rounds = 1 + Math.floor(rnd() * 3);
			for (let r = 0; r < rounds; r++) input = mutate(input, rnd);
			const streamed = rnd() < 0.3;
			let outcome: string;
			try {
				const source = streamed ? chunked(input, 1 + Math.floor(rnd() * 5000)) : input;
				const info = await probeAudio(source, streamed && rnd() < 0.5 ? { totalBytes: input.length } : {});
				expect(Number.isFinite(info.durationSeconds)).toBe(true);
				expect(info.sampleRate).toBeGreaterThan(0);
				expect(info.channels).toBeGreaterThan(0);
				outcome = 'valid';
			} catch (error) {
				if (!(error instanceof AudioProbeError)) {
					throw new Error(`case ${i}: ${String(error)}\ninput (hex, first 64 bytes): ${Buffer.from(input.subarray(0, 64)).toString('hex')}`);
				}
				if (error.code === 'CORRUPT' && error.message.startsWith('The audio could not be parsed')) {
					throw new Error(`case ${i}: a parser threw a raw error: ${error.message}`);
				}
				outcome = error.code;
			}
			outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
		}
		expect(Object.keys(outcomes).length).toBeGreaterThan(4);
	});
});
