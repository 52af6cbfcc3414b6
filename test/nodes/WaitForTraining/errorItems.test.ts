/**
 * What a failed Wait for Training item carries to the next node, on n8n's error output and under
 * "continue" (regular output, which also keeps the status last seen): the input item, and in
 * `error` the message, description, HTTP code and the provider's code the editor would show.
 * Never the API key.
 */
import type { INodeExecutionData } from 'n8n-workflow';

import { pairedItems, type OnErrorSetting } from '../../helpers/n8nRunner';
import { FAIL_TRAINING_MESSAGE, type Sandbox } from '../../sandbox';
import { apiRequests, runWait, startWaitSandbox } from './helpers';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startWaitSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

/** The failed items of a run: the error output's, or the regular output's that carry an error. */
function failed(outputs: INodeExecutionData[][], onError: OnErrorSetting): INodeExecutionData[] {
	return onError === 'continueErrorOutput' ? outputs[1] : outputs[0].filter((item) => item.json.error);
}

describe.each(['continueErrorOutput', 'continueRegularOutput'] as const)('Wait for Training error items (%s)', (onError) => {
	const regular = onError === 'continueRegularOutput';

	it('a failed training: the message and what to do, no HTTP code; the regular output keeps the status seen', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Noisy [fail-training]', status: 'processing' });
		const result = await runWait(sandbox, {}, [{ json: { voiceId, batch: 7 } }], { onError });
		const [item] = failed(result.outputs, onError);
		expect(item.json).toMatchObject({
			voiceId,
			batch: 7,
			error: {
				message: `Training of voice "${voiceId}" failed at Buena AI: ${FAIL_TRAINING_MESSAGE}`,
				description: expect.any(String),
				httpCode: null,
				code: null,
			},
		});
		expect(Object.keys(item.json.error as object)).toEqual(['message', 'description', 'httpCode', 'code']);
		if (regular) expect(item.json).toMatchObject({ status: 'failed', trainingProgress: expect.any(Number) });
		else expect(Object.keys(item.json).sort()).toEqual(['batch', 'error', 'voiceId']);
		expect(pairedItems(item)).toEqual([{ item: 0 }]);
	});

	it('an input error (no voice ID) has no HTTP code', async () => {
		const result = await runWait(sandbox, {}, [{ json: { voiceId: '' } }], { onError });
		expect(failed(result.outputs, onError).map((item) => item.json.error)).toEqual([
			{ message: 'No voice ID to wait for', description: expect.any(String), httpCode: null, code: null },
		]);
		expect(apiRequests(sandbox, 'buena')).toEqual([]);
	});

	it("the provider's answer (Check Once, 503): its HTTP code and code", async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Ready' });
		sandbox.injectFault({ mode: 'status', status: 503, provider: 'buena', count: 1_000 });
		const result = await runWait(sandbox, { checkOnce: true, timeout: 0.01 }, [{ json: { voiceId } }], { onError });
		expect(failed(result.outputs, onError).map((item) => item.json)).toEqual([
			expect.objectContaining({
				voiceId,
				error: {
					message: 'Buena AI: Service temporarily unavailable [SERVICE_UNAVAILABLE]',
					description: expect.any(String),
					httpCode: 503,
					code: 'SERVICE_UNAVAILABLE',
				},
			}),
		]);
		expect(JSON.stringify(result.outputs)).not.toContain(sandbox.keys.buena);
	});

	it('a network failure (Check Once, connection reset): no HTTP code, the system code, not the key', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Ready' });
		sandbox.injectFault({ mode: 'reset', provider: 'buena', count: 1_000 });
		const result = await runWait(sandbox, { checkOnce: true, timeout: 0.01 }, [{ json: { voiceId } }], { onError });
		expect(failed(result.outputs, onError).map((item) => item.json.error)).toEqual([
			{
				message: expect.stringMatching(/^Buena AI: The connection was closed before the server answered/),
				description: 'Network error code: ECONNRESET',
				httpCode: null,
				code: 'ECONNRESET',
			},
		]);
		expect(JSON.stringify(result.outputs)).not.toContain(sandbox.keys.buena);
	});

	it('a wrong key: 401 and UNAUTHORIZED, and the key sent is nowhere in the item', async () => {
		const wrongKey = 'bna_wrong_key_0b7d51ce';
		const voiceId = sandbox.seedVoice('buena', { name: 'Ready' });
		const result = await runWait(sandbox, {}, [{ json: { voiceId } }], {
			onError,
			credentials: { buenaApi: { apiKey: wrongKey, baseUrl: sandbox.buenaBaseUrl } },
		});
		expect(failed(result.outputs, onError).map((item) => item.json.error)).toEqual([
			{ message: 'Buena AI: Invalid API key [UNAUTHORIZED]', description: expect.any(String), httpCode: 401, code: 'UNAUTHORIZED' },
		]);
		expect(JSON.stringify(result.outputs)).not.toContain(wrongKey);
	});
});
