import type { Sandbox } from '../../sandbox';
import { byId, runVoiceClone, startVoiceSandbox } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

describe('Voice Clone: cancelling the execution', () => {
	it.each([
		['buena', '/voice-clones/preview', { operation: 'speak', text: 'Hello' }],
		['bland', '/v1/voices', { operation: 'getAll', returnAll: true }],
	] as const)('%s: a request the provider never answers stops within a second of the cancel', async (provider, pathIncludes, parameters) => {
		const voiceId = sandbox.seedVoice(provider, { name: 'Lead' });
		sandbox.injectFault({ mode: 'hang', provider, pathIncludes });
		const result = await runVoiceClone(sandbox, { provider, voiceId: byId(voiceId), ...parameters }, undefined, { cancelAfterMs: 300 });
		expect(result.status).toBe('canceled');
		expect(result.durationMs).toBeLessThan(1_500);
		expect(result.outputs.flat()).toEqual([]);
		// It was the hanging request that the cancel cut short.
		expect(sandbox.log().filter((entry) => entry.fault !== undefined).map((entry) => [entry.fault, entry.status])).toEqual([['hang', 0]]);
	});
});
