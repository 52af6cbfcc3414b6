/**
 * The shape of an error item, in a real n8n-core execution: a probe node fails its items with the
 * errors the nodes make (provider answer, network failure, bad input, a bug, an error n8n made)
 * and turns them into items with `failedItem`, the way every node does. The error output is
 * n8n's doing (handleNodeErrorOutput): the probe returns one output only.
 */
import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type JsonObject,
} from 'n8n-workflow';

import { asNodeError, failedItem, itemError } from '../../../../nodes/shared/execution/itemErrors';
import { networkApiError, providerApiError } from '../../../../nodes/shared/transport/apiErrors';
import { pairedItems, runNode, type OnErrorSetting } from '../../../helpers/n8nRunner';

const CAMPAIGNS = 'Used by 2 active campaigns: Spring promo, Summer sale';
const WHAT_TO_DO = 'Pause or end those campaigns, or move them to another voice, then delete this voice again.';

/** Fails each item the way its `fail` field says; `{ step: 'probe' }` stands for a node's own fields. */
class FailingProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Failing Probe',
		name: 'failingProbe',
		group: ['transform'],
		version: 1,
		description: 'Fails items with the errors the voice nodes make',
		defaults: { name: 'Failing Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const node = this.getNode();
		const results: INodeExecutionData[] = [];
		for (const [itemIndex, item] of this.getInputData().entries()) {
			try {
				switch (item.json.fail) {
					case 'api':
						throw providerApiError(
							node,
							'Buena AI',
							409,
							{
								kind: 'client',
								code: 'VOICE_CLONE_IN_USE',
								message: 'Voice clone is used by active campaigns and cannot be deleted',
								details: [CAMPAIGNS, WHAT_TO_DO],
							},
							itemIndex,
						);
					case 'network':
						throw networkApiError(
							node,
							'Bland AI',
							{ reason: 'network', code: 'ECONNREFUSED', message: 'The server could not be reached (ECONNREFUSED)' },
							itemIndex,
							2,
						);
					case 'input':
						throw new NodeOperationError(node, 'No voice ID given', { itemIndex, description: `Item ${itemIndex}. Nothing was sent.` });
					case 'bug':
						throw new TypeError("Cannot read properties of undefined (reading 'id')");
					case 'n8n':
						// How n8n 1.x wraps an axios error that got no answer: the system code as httpCode.
						throw new NodeApiError(node, { message: 'socket hang up', httpCode: 'ECONNRESET' } as JsonObject, { itemIndex });
				}
				results.push({ json: { voiceId: item.json.voiceId, done: true }, pairedItem: { item: itemIndex } });
			} catch (error) {
				if (!this.continueOnFail()) throw error;
				results.push(failedItem(this, asNodeError(this, error, itemIndex), [{ item: itemIndex }], { step: 'probe' }));
			}
		}
		return [results];
	}
}

const input = [
	{ json: { voiceId: 'v-ok' } },
	{ json: { voiceId: 'v-busy', fail: 'api', error: 'left by an earlier node' } },
	{ json: { voiceId: 'v-gone', fail: 'network' } },
	{ json: { voiceId: '', fail: 'input' } },
	{ json: { voiceId: 'v-bug', fail: 'bug' } },
	{ json: { voiceId: 'v-n8n', fail: 'n8n' } },
];

/** What `$json.error` holds for each failing input item, in order. */
const expectedErrors = [
	{
		message: 'Buena AI: Voice clone is used by active campaigns and cannot be deleted [VOICE_CLONE_IN_USE]',
		description: `${CAMPAIGNS}\n${WHAT_TO_DO}`,
		httpCode: 409,
		code: 'VOICE_CLONE_IN_USE',
	},
	{
		message: 'Bland AI: The server could not be reached (ECONNREFUSED) (2 attempts)',
		description: 'Network error code: ECONNREFUSED',
		httpCode: null,
		code: 'ECONNREFUSED',
	},
	{ message: 'No voice ID given', description: 'Item 3. Nothing was sent.', httpCode: null, code: null },
	{ message: "Cannot read properties of undefined (reading 'id')", description: null, httpCode: null, code: null },
	{
		message: 'The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.',
		description: null,
		httpCode: null,
		code: 'ECONNRESET',
	},
];

const run = async (settings: { onError?: OnErrorSetting; continueOnFail?: boolean }) =>
	await runNode({ nodeType: new FailingProbe(), parameters: {}, input, ...settings });

describe('failedItem', () => {
	it('"continue (using error output)": n8n routes each failure to the error output, merged with its input item', async () => {
		const result = await run({ onError: 'continueErrorOutput' });
		expect(result.error).toBeUndefined();
		const [success, errors] = result.outputs;
		expect(success.map((item) => item.json)).toEqual([{ voiceId: 'v-ok', done: true }]);
		// n8n merged the input item in (the probe returned only `{ error }`): its `error` is replaced.
		expect(errors.map((item) => item.json)).toEqual(
			input.slice(1).map(({ json }, index) => ({ ...json, error: expectedErrors[index] })),
		);
		expect(errors.map(pairedItems)).toEqual([1, 2, 3, 4, 5].map((item) => [{ item }]));
	});

	it.each([
		['"continue" (regular output)', { onError: 'continueRegularOutput' as const }],
		['the legacy Continue On Fail', { continueOnFail: true }],
	])('%s: each failure stays in place with its input item, the node\'s fields and the error', async (_, settings) => {
		const result = await run(settings);
		expect(result.error).toBeUndefined();
		expect(result.outputs).toHaveLength(1);
		const [first, ...failed] = result.outputs[0];
		expect(first.json).toEqual({ voiceId: 'v-ok', done: true });
		expect(failed.map((item) => item.json)).toEqual(
			input.slice(1).map(({ json }, index) => ({ ...json, step: 'probe', error: expectedErrors[index] })),
		);
		expect(result.outputs[0].map(pairedItems)).toEqual([0, 1, 2, 3, 4, 5].map((item) => [{ item }]));
	});

	it('without continue on fail the node fails with the error the item would have carried', async () => {
		const result = await run({});
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(itemError(result.error as NodeApiError)).toEqual(expectedErrors[0]);
	});
});
