/**
 * Create Voice Clone on items shaped as n8n 2.x's "combined" binary mode hands them on: every
 * stored binary under json._files (an IBinaryData with an id), item.binary empty. The items come
 * from a real n8n-core execution whose binary data service stores the files, so the node streams
 * them by id exactly as it does from item.binary.
 */
import { createHash } from 'node:crypto';

import type { NodeOperationError } from 'n8n-workflow';

import { startSandbox, type Sandbox } from '../../sandbox';
import { makeWav } from '../../helpers/wav';
import type { RunnerInputItem } from '../../helpers/n8nRunner';
import { createRequests, runCreate } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 60_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.reset();
	sandbox.configure({ rateLimit: { limit: 1000, windowMs: 60_000 }, buenaMaxClones: 10 });
});

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const wav = (seconds: number, fileName: string) => ({ data: makeWav({ seconds }), fileName, mimeType: 'audio/wav' });

/** The items as the node received them: no binary anywhere but json._files, and there an id. */
function expectOnlyInFiles(result: Awaited<ReturnType<typeof runCreate>>, names: string[][]) {
	const input = result.run.data.resultData.runData.Input[0].data?.main[0] ?? [];
	expect(input.map((item) => item.binary)).toEqual(names.map(() => undefined));
	expect(input.map((item) => Object.keys(item.json._files ?? {}))).toEqual(names);
	for (const item of input) {
		for (const file of Object.values(item.json._files as Record<string, { id?: string }>)) {
			expect(file.id).toMatch(/^filesystem-v2:/);
		}
	}
}

describe('Create Voice Clone with binaries only in json._files (n8n 2.x combined binary mode)', () => {
	it('Buena, one voice per item: "data" is found in each item\'s _files and its exact bytes are uploaded', async () => {
		const files = [wav(3, 'alex.wav'), wav(2, 'maria.wav'), wav(4, 'sam.wav')];
		const input: RunnerInputItem[] = files.map((file, index) => ({
			json: { lead: `Lead ${index}` },
			files: { data: file },
		}));
		const result = await runCreate(sandbox, { provider: 'buena', name: '={{ $json.lead }}' }, input, {
			binaryDataMode: 'filesystem',
		});

		expect(result.error).toBeUndefined();
		expectOnlyInFiles(result, [['data'], ['data'], ['data']]);
		expect(result.outputs[0].map((item) => [item.json.name, item.json.status, item.pairedItem])).toEqual([
			['Lead 0', 'processing', [{ item: 0 }]],
			['Lead 1', 'processing', [{ item: 1 }]],
			['Lead 2', 'processing', [{ item: 2 }]],
		]);
		const uploads = createRequests(sandbox, 'buena');
		expect(uploads.map((entry) => entry.status)).toEqual([201, 201, 201]);
		const sent = uploads.flatMap((entry) => entry.files.map((file) => [file.field, file.fileName, file.bytes, file.sha256]));
		expect(sent.sort()).toEqual(
			files.map((file) => ['files', file.fileName, file.data.length, sha256(file.data)]).sort(),
		);
	});

	it('Bland, Combine Items with *: every _files binary of every item goes into one voice', async () => {
		const input: RunnerInputItem[] = [
			{ json: { name: 'Team' }, files: { intro: wav(2, 'intro.wav'), outro: wav(3, 'outro.wav') } },
			{ json: {}, files: { pitch: wav(4, 'pitch.wav') } },
		];
		const result = await runCreate(
			sandbox,
			{ provider: 'bland', name: '={{ $json.name }}', binaryProperties: '*', combineItems: true },
			input,
			{ binaryDataMode: 'filesystem' },
		);

		expect(result.error).toBeUndefined();
		expectOnlyInFiles(result, [['intro', 'outro'], ['pitch']]);
		expect(result.outputs[0]).toHaveLength(1);
		expect(result.outputs[0][0].json).toMatchObject({ provider: 'bland', name: 'Team', status: 'ready' });
		expect(result.outputs[0][0].pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		const [upload] = createRequests(sandbox, 'bland');
		expect(upload.files.map((file) => [file.field, file.fileName, file.bytes])).toEqual([
			['audio_samples', 'intro.wav', makeWav({ seconds: 2 }).length],
			['audio_samples', 'outro.wav', makeWav({ seconds: 3 }).length],
			['audio_samples', 'pitch.wav', makeWav({ seconds: 4 }).length],
		]);
	});

	it('a missing property names what the item has in both places, and nothing is sent', async () => {
		const result = await runCreate(
			sandbox,
			{ provider: 'buena', name: 'Voice', binaryProperties: 'data, voice' },
			[{ json: { _files: { notes: 'not a file' } }, binary: { voice: wav(2, 'voice.wav') }, files: { recording: wav(2, 'rec.wav') } }],
			{ binaryDataMode: 'filesystem' },
		);

		const error = result.error as NodeOperationError;
		expect(error.constructor.name).toBe('NodeOperationError');
		expect(error.context.itemIndex).toBe(0);
		expect(error.message).toContain('Item 0 has no binary property "data" (it has "voice", "recording" (in _files))');
		expect(error.message).not.toContain('notes');
		expect(sandbox.log()).toEqual([]);
	});

	it('an in-memory binary (data, no id) under _files is read from the item', async () => {
		const file = wav(2, 'memory.wav');
		const base64 = file.data.toString('base64');
		const result = await runCreate(
			sandbox,
			{ provider: 'bland', name: 'Memory' },
			[{ json: { _files: { data: { data: base64, mimeType: 'audio/wav', fileName: 'memory.wav' } } } }],
		);

		expect(result.error).toBeUndefined();
		const [upload] = createRequests(sandbox, 'bland');
		expect(upload.files.map((entry) => [entry.fileName, entry.sha256])).toEqual([['memory.wav', sha256(file.data)]]);
	});

	it('a name in both places is taken from item.binary', async () => {
		const result = await runCreate(
			sandbox,
			{ provider: 'bland', name: 'Both' },
			[{ json: {}, binary: { data: wav(2, 'from-binary.wav') }, files: { data: wav(3, 'from-files.wav') } }],
			{ binaryDataMode: 'filesystem' },
		);

		expect(result.error).toBeUndefined();
		const [upload] = createRequests(sandbox, 'bland');
		expect(upload.files.map((entry) => entry.fileName)).toEqual(['from-binary.wav']);
	});
});
