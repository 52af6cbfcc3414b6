import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { INodeParameters, NodeOperationError } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { makeWav, MiB } from '../../helpers/wav';
import type { RunnerInputItem } from '../../helpers/n8nRunner';
import { createRequests, runCreate } from './helpers';

const FIXTURES = path.join(__dirname, '../../fixtures/audio');

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 2_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

/** One item with each buffer under its own binary property (file0.wav, file1.wav, …). */
function itemWith(...files: Buffer[]): RunnerInputItem {
	const binary = Object.fromEntries(
		files.map((data, index) => [`file${index}`, { data, fileName: `file${index}.wav`, mimeType: 'audio/wav' }]),
	);
	return { json: {}, binary };
}

const BLAND = { provider: 'bland', name: 'Limit Test', binaryProperties: '*' };
const BUENA = { provider: 'buena', name: 'Limit Test', binaryProperties: '*' };

async function expectAccepted(parameters: INodeParameters, item: RunnerInputItem) {
	const result = await runCreate(sandbox, parameters, [item], { binaryDataMode: 'filesystem' });
	expect(result.error).toBeUndefined();
	expect(result.outputs[0][0].json.voiceId).toEqual(expect.any(String));
	const provider = parameters.provider as 'buena' | 'bland';
	expect(createRequests(sandbox, provider).map((entry) => entry.status)).toEqual([provider === 'buena' ? 201 : 200]);
}

async function expectRejected(parameters: INodeParameters, item: RunnerInputItem, ...reasons: RegExp[]) {
	const result = await runCreate(sandbox, parameters, [item], { binaryDataMode: 'filesystem' });
	const error = result.error as NodeOperationError;
	expect(error).toBeDefined();
	expect(error.constructor.name).toBe('NodeOperationError');
	expect(error.context.itemIndex).toBe(0);
	for (const reason of reasons) expect(error.message).toMatch(reason);
	expect(error.description).toContain('•');
	// Nothing at all reaches the provider for an item that fails validation.
	expect(sandbox.log()).toEqual([]);
	return error;
}

describe('Bland limits, at and around each bound', () => {
	it('accepts a 1 s and a 60 s sample and refuses 0.99 s and 60.01 s', async () => {
		await expectAccepted(BLAND, itemWith(makeWav({ seconds: 1 })));
		sandbox.reset();
		await expectAccepted(BLAND, itemWith(makeWav({ seconds: 60 })));
		sandbox.reset();
		await expectRejected(BLAND, itemWith(makeWav({ seconds: 0.99 })), /"file0\.wav" \(item 0, binary property "file0"\) is 0\.99 s long; Bland AI accepts samples of 1 to 60 seconds/);
		await expectRejected(BLAND, itemWith(makeWav({ seconds: 60.01 })), /is 60\.01 s long/);
	});

	it('accepts 10 MB per file and refuses one byte more', async () => {
		await expectAccepted(BLAND, itemWith(makeWav({ seconds: 30, sampleRate: 96_000, totalBytes: 10 * MiB })));
		sandbox.reset();
		await expectRejected(
			BLAND,
			itemWith(makeWav({ seconds: 30, sampleRate: 96_000, totalBytes: 10 * MiB + 1 })),
			/"file0\.wav" .* is 10 MB \(10,485,761 bytes\); Bland AI accepts at most 10 MB \(10,485,760 bytes\) per file/,
		);
	});

	it('accepts 25 MB in total and refuses one byte more', async () => {
		const big = makeWav({ seconds: 30, sampleRate: 96_000, totalBytes: 10 * MiB });
		await expectAccepted(BLAND, itemWith(big, big, makeWav({ seconds: 20, sampleRate: 96_000, totalBytes: 5 * MiB })));
		sandbox.reset();
		await expectRejected(
			BLAND,
			itemWith(big, big, makeWav({ seconds: 20, sampleRate: 96_000, totalBytes: 5 * MiB + 1 })),
			/The audio files add up to 25 MB \(26,214,401 bytes\); Bland AI accepts at most 25 MB/,
		);
	});

	it('accepts 5 files and refuses 6', async () => {
		const sample = makeWav({ seconds: 2 });
		await expectAccepted(BLAND, itemWith(...Array(5).fill(sample)));
		sandbox.reset();
		await expectRejected(BLAND, itemWith(...Array(6).fill(sample)), /6 audio files were given; Bland AI accepts at most 5/);
	});

	it('accepts a 30-character name and refuses 31', async () => {
		const sample = makeWav({ seconds: 2 });
		await expectAccepted({ ...BLAND, name: 'x'.repeat(30) }, itemWith(sample));
		sandbox.reset();
		await expectRejected({ ...BLAND, name: 'y'.repeat(31) }, itemWith(sample), /is 31 characters long; Bland AI allows at most 30/);
	});

	it('refuses an unknown gender or engine given by an expression', async () => {
		await expectRejected(
			{ ...BLAND, gender: '={{ "robot" }}', engine: '={{ "v9" }}' },
			itemWith(makeWav({ seconds: 2 })),
			/Gender must be "male", "female" or empty \(got "robot"\)/,
			/Engine must be "v3" or "v2" \(got "v9"\)/,
		);
	});

	it('reports every problem of one item together, each naming its file', async () => {
		const error = await expectRejected(
			{ ...BLAND, name: 'A name that is far too long for Bland' },
			itemWith(
				makeWav({ seconds: 0.5 }),
				makeWav({ seconds: 2 }),
				Buffer.from('this is not audio at all, just text'),
				makeWav({ seconds: 61 }),
				makeWav({ seconds: 2 }),
				makeWav({ seconds: 2 }),
			),
		);
		const lines = error.description!.split('\n');
		expect(lines).toEqual([
			expect.stringContaining('characters long; Bland AI allows at most 30'),
			expect.stringMatching(/"file2\.wav" .* is not audio that can be used/),
			expect.stringContaining('6 audio files were given'),
			expect.stringMatching(/"file0\.wav" .* is 0\.5 s long/),
			expect.stringMatching(/"file3\.wav" .* is 61 s long/),
		]);
	});
});

describe('Buena limits', () => {
	it('accepts 10 files and refuses 11', async () => {
		const sample = makeWav({ seconds: 1 });
		await expectAccepted(BUENA, itemWith(...Array(10).fill(sample)));
		sandbox.reset();
		await expectRejected(BUENA, itemWith(...Array(11).fill(sample)), /11 audio files were given; Buena AI accepts at most 10/);
	});

	it('accepts a file just under 50 MB and refuses exactly 50 MB', async () => {
		await expectAccepted(BUENA, itemWith(makeWav({ seconds: 5, totalBytes: 50 * MiB - 1 })));
		sandbox.reset();
		await expectRejected(
			BUENA,
			itemWith(makeWav({ seconds: 5, totalBytes: 50 * MiB })),
			/is 50 MB \(52,428,800 bytes\); Buena AI accepts at most 50 MB \(52,428,799 bytes\) per file/,
		);
	});

	it('judges the format by content: Ogg is refused whatever its name says, a mislabelled WAV is sent as WAV', async () => {
		const ogg = readFileSync(path.join(FIXTURES, 'valid/ogg-vorbis-22k-mono.ogg'));
		await expectRejected(
			BUENA,
			{ json: {}, binary: { data: { data: ogg, fileName: 'voice.mp3', mimeType: 'audio/mpeg' } } },
			/"voice\.mp3" .* is Ogg audio; Buena AI accepts WAV, MP3, M4A and FLAC/,
		);
		const result = await runCreate(sandbox, BUENA, [
			{ json: {}, binary: { data: { data: makeWav({ seconds: 2 }), fileName: 'voice.mp3', mimeType: 'audio/mpeg' } } },
		]);
		expect(result.error).toBeUndefined();
		expect(createRequests(sandbox, 'buena')[0].files).toEqual([
			{ field: 'files', fileName: 'voice.wav', contentType: 'audio/wav', bytes: 32044, sha256: expect.any(String) },
		]);
	});

	it('names the missing binary property and the ones the item has', async () => {
		await expectRejected(
			{ ...BUENA, binaryProperties: 'data, voice' },
			{ json: {}, binary: { data: { data: makeWav({ seconds: 1 }), fileName: 'a.wav' }, other: { data: makeWav({ seconds: 1 }), fileName: 'b.wav' } } },
			/Item 0 has no binary property "voice" \(it has "data", "other"\)/,
		);
		await expectRejected({ ...BUENA }, { json: {} }, /Item 0 has no binary data/);
	});

	it('refuses an empty name and out-of-range settings', async () => {
		await expectRejected(
			{ ...BUENA, name: '  ', settings: { stability: '={{ 1.5 }}' } },
			itemWith(makeWav({ seconds: 1 })),
			/The voice name is empty/,
			/Stability must be a number from 0 to 1 \(got 1\.5\)/,
		);
	});
});

describe('the malformed audio corpus', () => {
	const manifest = JSON.parse(readFileSync(path.join(FIXTURES, 'malformed/manifest.json'), 'utf8')) as {
		files: Record<string, { expect: string; why: string }>;
	};
	const broken = Object.entries(manifest.files).filter(([, entry]) => entry.expect !== 'valid');

	it('has at least 40 broken files', () => expect(broken.length).toBeGreaterThanOrEqual(40));

	it.each(broken)('%s gets a clear error and nothing is sent', async (fileName, entry) => {
		const data = readFileSync(path.join(FIXTURES, 'malformed', fileName));
		const result = await runCreate(sandbox, BLAND, [{ json: {}, binary: { data: { data, fileName } } }]);
		const error = result.error as NodeOperationError;
		expect(error?.constructor.name).toBe('NodeOperationError');
		expect(error.message).toContain(`"${fileName}" (item 0, binary property "data")`);
		expect(error.message).toMatch(data.length === 0 ? /is empty \(0 bytes\)/ : /is not audio that can be used: \S/);
		expect(entry.why.length).toBeGreaterThan(0);
		expect(sandbox.log()).toEqual([]);
	});
});
