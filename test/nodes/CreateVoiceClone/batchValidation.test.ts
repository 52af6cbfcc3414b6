/**
 * Issue 15, finding 4: every item of a batch is checked before the first request. A bad item late
 * in the batch used to be found only when its turn came, after earlier items had made voices.
 */
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
beforeEach(() => sandbox.reset());

const item = (name: string, engine = 'v3', data = makeWav({ seconds: 2 })): RunnerInputItem => ({
	json: { name, engine },
	binary: { data: { data, fileName: `${name.toLowerCase().replace(/\s+/g, '-')}.wav`, mimeType: 'audio/wav' } },
});

const BLAND = { provider: 'bland', name: '={{ $json.name }}', engine: '={{ $json.engine }}', options: { concurrency: 1 } };

describe('a batch is checked as a whole before anything is sent', () => {
	it('Bland, 3 items, the last with an invalid Engine from an expression: nothing is sent, not even the list', async () => {
		const result = await runCreate(sandbox, BLAND, [item('First'), item('Second'), item('Third', 'v9')]);
		const error = result.error as NodeOperationError;
		expect(error.constructor.name).toBe('NodeOperationError');
		expect(error.message).toBe('The voice clone "Third" was not created, nothing was sent: Engine must be "v3" or "v2" (got "v9")');
		expect(error.context.itemIndex).toBe(2);
		expect(error.description).toBe(
			'Only item 2 is invalid, but nothing was sent for the other 2 items either: every item is checked before anything is sent.\n• Engine must be "v3" or "v2" (got "v9")',
		);
		expect(sandbox.log()).toEqual([]);
	});

	it('several invalid items: one error naming the first, listing every problem of every invalid item', async () => {
		const result = await runCreate(sandbox, BLAND, [
			item('Good'),
			item('Bad Engine', 'v9'),
			item('Not Audio', 'v3', Buffer.from('this is text, not audio')),
			item('A name that is far too long for Bland', 'v7', makeWav({ seconds: 0.5 })),
		]);
		const error = result.error as NodeOperationError;
		expect(error.message).toBe(
			'Nothing was sent: 3 of 4 items are invalid; the first is item 1 ("Bad Engine"): Engine must be "v3" or "v2" (got "v9")',
		);
		expect(error.context.itemIndex).toBe(1);
		expect(error.description?.split('\n')).toEqual([
			'Every problem, by item:',
			'• Item 1 ("Bad Engine"): Engine must be "v3" or "v2" (got "v9")',
			expect.stringMatching(/^• Item 2 \("Not Audio"\): "not-audio\.wav" \(item 2, binary property "data"\) is not audio that can be used: /),
			'• Item 3 ("A name that is far too long for Bland"): The name "A name that is far too long for Bland" is 37 characters long; Bland AI allows at most 30',
			'• Item 3 ("A name that is far too long for Bland"): Engine must be "v3" or "v2" (got "v7")',
			expect.stringMatching(/^• Item 3 \(.+\): "a-name-that-is-far-too-long-for-bland\.wav" \(item 3, binary property "data"\) is 0\.5 s long; Bland AI accepts samples of 1 to 60 seconds$/),
			'No voice was created: every item is checked before anything is sent. Fix these items, or set the node\'s "On Error" setting to continue: then the 1 valid item is created and the invalid ones fail.',
		]);
		expect(sandbox.log()).toEqual([]);
	});

	it('an option wrong for every item is one problem, said once', async () => {
		const result = await runCreate(sandbox, { ...BLAND, options: { maxRetries: '={{ "many" }}' } }, [item('A'), item('B'), item('C')]);
		const error = result.error as NodeOperationError;
		expect(error.message).toBe('Max Retries must be a whole number from 0 to 10 (got "many")');
		expect(error.description).toBe('All 3 items have this problem.\nSet Max Retries under Options to a whole number from 0 to 10. Nothing was sent.');
		expect(sandbox.log()).toEqual([]);
	});

	it('with continue on fail, the invalid items fail with their own errors and the others are created', async () => {
		const result = await runCreate(
			sandbox,
			BLAND,
			[item('First'), item('Bad Engine', 'v9'), item('Third'), item('Not Audio', 'v3', Buffer.from('text'))],
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		const outputs = result.outputs[0].map((output) => output.json);
		expect(outputs[0]).toMatchObject({ name: 'First', voiceId: expect.any(String) });
		expect(outputs[1].error).toHaveProperty('message', 'The voice clone "Bad Engine" was not created, nothing was sent: Engine must be "v3" or "v2" (got "v9")');
		expect(outputs[2]).toMatchObject({ name: 'Third', voiceId: expect.any(String) });
		expect(outputs[3].error).toHaveProperty('message', expect.stringMatching(/^The voice clone "Not Audio" was not created, nothing was sent: "not-audio\.wav" \(item 3, binary property "data"\)/));
		expect(result.outputs[0].map((output) => output.pairedItem)).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }], [{ item: 3 }]]);
		expect(createRequests(sandbox, 'bland').map((entry) => entry.fields.find((field) => field.name === 'name')?.value)).toEqual([
			'First',
			'Third',
		]);
	});
});
