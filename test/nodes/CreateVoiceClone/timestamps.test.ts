/**
 * Issue 15, finding 5: Buena's "newest voice with this name" compared `createdAt` as text, so
 * timestamps with other UTC offsets or another precision misordered, and "Use the Existing Voice"
 * or the lookup after a lost answer picked the wrong voice. The list answers here are crafted
 * (the sandbox's `json` fault) with the offsets and precisions a server may send.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { makeWav } from '../../helpers/wav';
import type { RunnerInputItem } from '../../helpers/n8nRunner';
import { createRequests, runCreate } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 60_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const sample = (): RunnerInputItem[] => [
	{ json: {}, binary: { data: { data: makeWav({ seconds: 2 }), fileName: 'sample.wav', mimeType: 'audio/wav' } } },
];

const clone = (voiceId: string, name: string, createdAt: string) => ({
	voiceId,
	name,
	description: '',
	createdAt,
	updatedAt: createdAt,
	isActive: true,
	status: 'ready',
	sampleCount: 1,
});

const listAnswer = (clones: ReturnType<typeof clone>[]) => ({
	success: true,
	data: clones,
	pagination: { total: clones.length, limit: 100, offset: 0, hasMore: false },
});

/** Listed oldest first as Buena would, but each server wrote its time its own way. */
const named = (name: string) => [
	clone('PlusTwoHours00000001', name, '2024-05-01T12:00:00+02:00'), // 10:00:00Z
	clone('WholeSecond000000002', name, '2024-05-01T10:30:00Z'),
	clone('WithMilliseconds0003', name, '2024-05-01T10:30:00.250Z'), // the newest
	clone('MinusFourHours000004', name, '2024-05-01T06:15:00-04:00'), // 10:15:00Z, listed last
];

describe('the newest voice of a name, by instant', () => {
	it('"Use the Existing Voice" reuses the voice created last, whatever the offsets and precision of the timestamps', async () => {
		sandbox.injectFault({ mode: 'json', provider: 'buena', method: 'GET', pathIncludes: '/voice-clones', body: listAnswer(named('Sales Voice')) });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Sales Voice', ifNameExists: 'useExisting' }, sample());
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ voiceId: 'WithMilliseconds0003', reused: true });
		expect(createRequests(sandbox, 'buena')).toEqual([]);
	});

	it('the lookup after a lost answer adopts the newest new voice of the name', async () => {
		// The upload is answered 502 without being stored; the lookup's list then shows new voices
		// of the name (made meanwhile, e.g. by the server after all), none in the batch's snapshot.
		sandbox.injectFault({ mode: 'status', status: 502, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
		sandbox.injectFault({ mode: 'json', skip: 1, provider: 'buena', method: 'GET', pathIncludes: '/voice-clones', body: listAnswer(named('Lost')) });
		const result = await runCreate(sandbox, { provider: 'buena', name: 'Lost' }, sample());
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ voiceId: 'WithMilliseconds0003', recovered: true });
		expect(createRequests(sandbox, 'buena')).toHaveLength(1);
	});
});
