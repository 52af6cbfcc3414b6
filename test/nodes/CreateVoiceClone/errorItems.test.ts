/**
 * What a failed Create Voice Clone item carries to the next node, on n8n's error output and under
 * "continue" (regular output): the input item, and in `error` the message, description, HTTP code
 * and the provider's code the editor would show. Never the API key.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { makeWav } from '../../helpers/wav';
import { pairedItems, type OnErrorSetting, type RunnerInputItem } from '../../helpers/n8nRunner';
import { startSandbox, type Sandbox } from '../../sandbox';
import { createRequests, runCreate } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 5_000 });
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const recording = (name: string, seconds = 2): RunnerInputItem => ({
	json: { name, recording: `${name}.wav` },
	binary: { data: { data: makeWav({ seconds }), fileName: `${name}.wav`, mimeType: 'audio/wav' } },
});

/** The failed items of a run: the error output's, or the regular output's that carry an error. */
function failed(outputs: INodeExecutionData[][], onError: OnErrorSetting): INodeExecutionData[] {
	return onError === 'continueErrorOutput' ? outputs[1] : outputs[0].filter((item) => item.json.error);
}

describe.each(['continueErrorOutput', 'continueRegularOutput'] as const)('Create Voice Clone error items (%s)', (onError) => {
	it("the provider's refusal with its details: Buena's clone quota (429 VOICE_CLONE_LIMIT_EXCEEDED)", async () => {
		// The node is told the account may hold 10; the server knows it holds 5, so only it can refuse.
		for (let index = 0; index < 5; index++) sandbox.seedVoice('buena', { name: `Existing ${index}` });
		const result = await runCreate(sandbox, { provider: 'buena', name: '={{ $json.name }}', cloneLimit: 10 }, [recording('Sixth')], { onError });
		expect(result.error).toBeUndefined();
		const [item] = failed(result.outputs, onError);
		expect(item.json).toEqual({
			name: 'Sixth',
			recording: 'Sixth.wav',
			error: {
				message: 'Buena AI: Maximum voice clones reached (5). Delete existing clones or upgrade your plan. [VOICE_CLONE_LIMIT_EXCEEDED]',
				description: 'Voice clones: 5 of 5 allowed',
				httpCode: 429,
				code: 'VOICE_CLONE_LIMIT_EXCEEDED',
			},
		});
		expect(pairedItems(item)).toEqual([{ item: 0 }]);
		expect(JSON.stringify(result.outputs)).not.toContain(sandbox.keys.buena);
	});

	it('an input error (a sample too short) has no HTTP code and uploads nothing; the other item is cloned', async () => {
		const result = await runCreate(sandbox, { provider: 'bland', name: '={{ $json.name }}' }, [recording('Short', 0.2), recording('Long Enough')], {
			onError,
		});
		expect(failed(result.outputs, onError).map((item) => item.json)).toEqual([
			{
				name: 'Short',
				recording: 'Short.wav',
				error: {
					message: expect.stringMatching(/"Short\.wav" \(item 0, binary property "data"\) is 0\.2 s long/),
					description: expect.stringContaining('0.2 s long'),
					httpCode: null,
					code: null,
				},
			},
		]);
		expect(result.outputs[0].filter((item) => !item.json.error).map((item) => item.json.name)).toEqual(['Long Enough']);
		expect(createRequests(sandbox, 'bland')).toHaveLength(1);
	});

	it('a wrong key: 401, the provider code, and the key sent is nowhere in the item', async () => {
		const wrongKey = 'sk-wrong-key-8d31c0aa';
		const result = await runCreate(sandbox, { provider: 'bland', name: '={{ $json.name }}' }, [recording('Keyless')], {
			onError,
			credentials: { blandApi: { apiKey: wrongKey, baseUrl: sandbox.blandBaseUrl } },
		});
		expect(failed(result.outputs, onError).map((item) => item.json)).toEqual([
			{
				name: 'Keyless',
				recording: 'Keyless.wav',
				error: { message: 'Bland AI: Invalid token [Authentication Error]', description: expect.any(String), httpCode: 401, code: 'Authentication Error' },
			},
		]);
		expect(JSON.stringify(result.outputs)).not.toContain(wrongKey);
	});
});

it('a network failure: no HTTP code, the system code, and not the key (every upload reset, no retries)', async () => {
	sandbox.injectFault({ mode: 'reset', afterBytes: 2_000, count: 10, provider: 'buena', method: 'POST', pathIncludes: '/voice-clones' });
	const result = await runCreate(sandbox, { provider: 'buena', name: '={{ $json.name }}', options: { maxRetries: 0 } }, [recording('Cut Off')], {
		onError: 'continueErrorOutput',
	});
	expect(result.outputs[1].map((item) => item.json)).toEqual([
		{
			name: 'Cut Off',
			recording: 'Cut Off.wav',
			error: {
				message: 'Buena AI: The connection was closed before the server answered',
				description: 'Network error code: ECONNRESET',
				httpCode: null,
				code: 'ECONNRESET',
			},
		},
	]);
	expect(JSON.stringify(result.outputs)).not.toContain(sandbox.keys.buena);
});
