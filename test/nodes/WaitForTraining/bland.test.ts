import { NodeOperationError } from 'n8n-workflow';

import { pairedItems } from '../../helpers/n8nRunner';
import { VirtualClock } from '../../helpers/virtualClock';
import type { Sandbox } from '../../sandbox';
import { apiRequests, itemsFor, runWait, startWaitSandbox } from './helpers';

let sandbox: Sandbox;
/** Waits are measured on a virtual clock (test/helpers/virtualClock.ts): exact, whatever the machine's load. */
let clock: VirtualClock;

beforeAll(async () => {
	sandbox = await startWaitSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	clock = VirtualClock.install();
	sandbox.reset();
});
afterEach(() => clock.uninstall());

describe('Wait for Training, Bland AI', () => {
	it('outputs a cloned voice at once: it is usable as soon as GET /v1/voices/{id} finds it', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Support', gender: 'female' });
		const result = await runWait(sandbox, { provider: 'bland', pollInterval: 10, timeout: 10 }, [
			{ json: { voiceId, ticket: 7 } },
		]);
		expect(result.error).toBeUndefined();
		const [item] = result.outputs[0];
		expect(item.json).toMatchObject({
			ticket: 7,
			voiceId,
			status: 'ready',
			trainingProgress: 100,
			voice: { name: 'Support' },
		});
		// Output at once, though the Poll Interval is 10 s.
		expect(item.json.waitedSeconds).toBe(0);
		expect(clock.elapsed()).toBe(0);
		expect(pairedItems(item)).toEqual([{ item: 0 }]);
		const requests = apiRequests(sandbox, 'bland');
		expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
			`GET /bland/v1/voices/${voiceId}`,
		]);
		expect(requests[0].authHeaders).toEqual(['authorization']);
	});

	it('asks for several voices with one list call, however many there are', async () => {
		const ids = Array.from({ length: 20 }, (_, index) => sandbox.seedVoice('bland', { name: `Voice ${index}` }));
		const result = await runWait(sandbox, { provider: 'bland' }, itemsFor([...ids, ids[0]]));
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json.voiceId)).toEqual([...ids, ids[0]]);
		expect(result.outputs[0].every((item) => item.json.status === 'ready')).toBe(true);
		expect(result.outputs[0][3].json.voice).toMatchObject({ id: ids[3], name: 'Voice 3' });
		expect(apiRequests(sandbox, 'bland').map((request) => `${request.method} ${request.path}`)).toEqual([
			'GET /bland/v1/voices',
		]);
	});

	it('asks by GET for what the list does not hold: a voice named instead of its id, an unknown one', async () => {
		const [a, b] = ['One', 'Two'].map((name) => sandbox.seedVoice('bland', { name }));
		const unknown = '3f1c1f0e-0000-4000-8000-000000000000';
		const result = await runWait(sandbox, { provider: 'bland', timeout: 1 }, itemsFor([a, 'two', unknown, b]), {
			continueOnFail: true,
		});
		const [first, byName, missing, second] = result.outputs[0];
		expect(first.json).toMatchObject({ voiceId: a, status: 'ready' });
		// Bland's GET accepts a name; the voice's own id is in its record.
		expect(byName.json).toMatchObject({ voiceId: 'two', status: 'ready', voice: { id: b, name: 'Two' } });
		expect(missing.json).toMatchObject({ voiceId: unknown, error: { message: `Bland AI has no voice "${unknown}" (voice not found)` } });
		expect(second.json).toMatchObject({ voiceId: b, status: 'ready' });
		expect(apiRequests(sandbox, 'bland').map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
			'GET /bland/v1/voices 200',
			'GET /bland/v1/voices/two 200',
			`GET /bland/v1/voices/${unknown} 404`,
		]);
	});

	it('fails an unknown voice at once, and lets the other items go on under continue on fail', async () => {
		const known = sandbox.seedVoice('bland', { name: 'Known' });
		const unknown = '3f1c1f0e-0000-4000-8000-000000000000';
		const result = await runWait(sandbox, { provider: 'bland', timeout: 1 }, itemsFor([unknown, known]), {
			continueOnFail: true,
		});
		// Failed at once, not after the 1 minute timeout.
		expect(clock.elapsed()).toBe(0);
		const [missing, ready] = result.outputs[0];
		expect(missing.json).toMatchObject({
			voiceId: unknown,
			status: null,
			error: { message: `Bland AI has no voice "${unknown}" (voice not found)`, httpCode: null },
		});
		expect(pairedItems(missing)).toEqual([{ item: 0 }]);
		expect(ready.json).toMatchObject({ voiceId: known, status: 'ready' });
	});

	it('fails the execution for an unknown voice without continue on fail', async () => {
		const result = await runWait(sandbox, { provider: 'bland' }, itemsFor(['no-such-voice']));
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Bland AI has no voice "no-such-voice" (voice not found)');
	});

	it('retries a Bland 5xx within the timeout', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Flaky' });
		sandbox.injectFault({ mode: 'status', status: 502, provider: 'bland', count: 2 });
		const result = await runWait(sandbox, { provider: 'bland' }, itemsFor([voiceId]));
		expect(result.outputs[0][0].json).toMatchObject({ voiceId, status: 'ready' });
		expect(apiRequests(sandbox, 'bland').map((request) => request.status)).toEqual([502, 502, 200]);
	});
});
