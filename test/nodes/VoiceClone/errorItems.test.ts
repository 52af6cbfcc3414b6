/**
 * What a failed Voice Clone item carries to the next node, on n8n's error output and under
 * "continue" (regular output): the input item, and in `error` the message, description, HTTP code
 * and the provider's code the editor would show. Never the API key.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import type { Sandbox } from '../../sandbox';
import { pairedItems, type OnErrorSetting } from '../../helpers/n8nRunner';
import { byId, calls, runVoiceClone, startVoiceSandbox } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const IN_USE = {
	message: 'Buena AI: Voice clone is used by active campaigns and cannot be deleted [VOICE_CLONE_IN_USE]',
	description:
		'Used by 2 active campaigns: Spring promo, Summer sale\n' +
		'Pause or end those campaigns, or move them to another voice, then delete this voice again.',
	httpCode: 409,
	code: 'VOICE_CLONE_IN_USE',
};

/** The failed items of a run: the error output's, or the regular output's that carry an error. */
function failed(outputs: INodeExecutionData[][], onError: OnErrorSetting): INodeExecutionData[] {
	return onError === 'continueErrorOutput' ? outputs[1] : outputs[0].filter((item) => item.json.error);
}
const failedJson = (outputs: INodeExecutionData[][], onError: OnErrorSetting) => failed(outputs, onError).map((item) => item.json);

describe.each(['continueErrorOutput', 'continueRegularOutput'] as const)('Voice Clone error items (%s)', (onError) => {
	it('Delete of a Buena voice in use: the campaigns, what to do, 409 and VOICE_CLONE_IN_USE, with the voiceId it came with', async () => {
		const busy = sandbox.seedVoice('buena', { name: 'Busy', activeCampaigns: ['Spring promo', 'Summer sale'] });
		const free = sandbox.seedVoice('buena', { name: 'Free' });
		const result = await runVoiceClone(
			sandbox,
			{ operation: 'delete', voiceId: byId('={{ $json.voiceId }}') },
			[{ json: { voiceId: busy, owner: 'sales' } }, { json: { voiceId: free, owner: 'support' } }],
			{ onError },
		);
		expect(result.error).toBeUndefined();
		expect(failedJson(result.outputs, onError)).toEqual([{ voiceId: busy, owner: 'sales', error: IN_USE }]);
		const deleted = result.outputs[0].filter((item) => !item.json.error);
		expect(deleted.map((item) => item.json)).toEqual([{ provider: 'buena', voiceId: free, deleted: true }]);
		expect(failed(result.outputs, onError).map(pairedItems)).toEqual([[{ item: 0 }]]);
		expect(JSON.stringify(result.outputs)).not.toContain(sandbox.keys.buena);
	});

	it('an input error has no HTTP code and sends nothing', async () => {
		const result = await runVoiceClone(sandbox, { operation: 'delete', voiceId: byId('={{ $json.voiceId }}') }, [{ json: { voiceId: '  ' } }], {
			onError,
		});
		expect(failedJson(result.outputs, onError)).toEqual([
			{ voiceId: '  ', error: { message: 'No voice given', description: expect.any(String), httpCode: null, code: null } },
		]);
		expect(calls(sandbox, 'buena')).toEqual([]);
	});

	it('a wrong key: 401 and UNAUTHORIZED, and the key sent is nowhere in the item', async () => {
		const wrongKey = 'bna_wrong_key_4f9c2e71';
		const result = await runVoiceClone(sandbox, { operation: 'delete', voiceId: byId('v1') }, [{ json: {} }], {
			onError,
			credentials: { buenaApi: { apiKey: wrongKey, baseUrl: sandbox.buenaBaseUrl } },
		});
		expect(failedJson(result.outputs, onError)).toEqual([
			{ error: { message: 'Buena AI: Invalid API key [UNAUTHORIZED]', description: expect.any(String), httpCode: 401, code: 'UNAUTHORIZED' } },
		]);
		expect(JSON.stringify(result.outputs)).not.toContain(wrongKey);
	});
});

it('a network failure: no HTTP code, the system code, and not the key (Delete, every attempt reset)', async () => {
	const voiceId = sandbox.seedVoice('buena', { name: 'Unreachable' });
	sandbox.injectFault({ mode: 'reset', provider: 'buena', method: 'DELETE', count: 5 });
	const result = await runVoiceClone(sandbox, { operation: 'delete', voiceId: byId(voiceId) }, [{ json: { voiceId } }], {
		onError: 'continueErrorOutput',
	});
	expect(result.outputs[1].map((item) => item.json)).toEqual([
		{
			voiceId,
			error: {
				message: 'Buena AI: The connection was closed before the server answered (5 attempts)',
				description: 'Network error code: ECONNRESET',
				httpCode: null,
				code: 'ECONNRESET',
			},
		},
	]);
	expect(JSON.stringify(result.outputs)).not.toContain(sandbox.keys.buena);
}, 40_000);
