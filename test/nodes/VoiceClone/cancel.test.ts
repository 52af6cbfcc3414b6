import { recordClientRequestErrors, until } from '../../helpers/clientRequestErrors';
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
	] as const)('%s: a request the provider never answers is aborted by the cancel', async (provider, pathIncludes, parameters) => {
		const voiceId = sandbox.seedVoice(provider, { name: 'Lead' });
		sandbox.injectFault({ mode: 'hang', provider, pathIncludes });
		const hanging = () => sandbox.log().some((entry) => entry.fault === 'hang');
		const recorded = recordClientRequestErrors();
		try {
			// Cancelled once the provider holds the request: nothing but the cancel can end it then
			// (its own timeout is minutes away; a run that waited for it would outlast the test).
			const result = await runVoiceClone(sandbox, { provider, voiceId: byId(voiceId), ...parameters }, undefined, {
				cancelWhen: async () => await until(hanging),
			});
			expect(result.status).toBe('canceled');
			expect(result.outputs.flat()).toEqual([]);
			// It was the hanging request that the cancel cut short: aborted, not timed out.
			expect(sandbox.log().filter((entry) => entry.path.includes(pathIncludes)).map((entry) => [entry.fault, entry.status])).toEqual([['hang', 0]]);
			await until(() => recorded.errors.length > 0);
			expect(recorded.errors).toEqual([{ name: 'CanceledError', code: 'ERR_CANCELED', message: 'canceled' }]);
		} finally {
			recorded.stop();
		}
	});
});
