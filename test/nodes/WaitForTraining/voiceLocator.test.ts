import { WaitForTraining } from '../../../nodes/WaitForTraining/WaitForTraining.node';
import type { Sandbox } from '../../sandbox';
import { itemsFor, runWait, startWaitSandbox } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startWaitSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

describe('Wait for Training: the voice as a resource locator', () => {
	it('the default is "By ID" with the incoming item\'s voiceId', () => {
		const voiceId = new WaitForTraining().description.properties.find((property) => property.name === 'voiceId');
		expect(voiceId).toMatchObject({
			type: 'resourceLocator',
			default: { __rl: true, mode: 'id', value: '={{ $json.voiceId }}' },
			modes: [
				expect.objectContaining({ name: 'list', typeOptions: expect.objectContaining({ searchListMethod: 'searchVoices' }) }),
				expect.objectContaining({ name: 'id' }),
			],
		});
	});

	it('a workflow that never set the field waits on each item\'s voiceId (the default)', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		const result = await runWait(sandbox, { checkOnce: true }, itemsFor([voiceId]));
		expect(result.outputs[0][0].json).toMatchObject({ voiceId, status: 'ready' });
	});

	it('"From list" and "By ID" values are read', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead', status: 'processing' });
		for (const mode of ['list', 'id']) {
			const result = await runWait(sandbox, { checkOnce: true, voiceId: { __rl: true, mode, value: voiceId } }, [{ json: {} }]);
			expect(result.outputs[0][0].json).toMatchObject({ voiceId, status: 'processing' });
		}
	});

	it('a plain string saved by an older workflow still works, expression or literal', async () => {
		const first = sandbox.seedVoice('buena', { name: 'One' });
		const second = sandbox.seedVoice('buena', { name: 'Two' });
		const expression = await runWait(sandbox, { checkOnce: true, voiceId: '={{ $json.id }}' }, [{ json: { id: first } }]);
		expect(expression.outputs[0][0].json).toMatchObject({ voiceId: first, status: 'ready' });
		const literal = await runWait(sandbox, { checkOnce: true, voiceId: ` ${second} ` }, [{ json: {} }]);
		expect(literal.outputs[0][0].json).toMatchObject({ voiceId: second, status: 'ready' });
	});

	it('a voice that resolves to nothing is still the item error it was', async () => {
		// (An empty field is a workflow issue n8n reports before running the node.)
		const result = await runWait(sandbox, { checkOnce: true, voiceId: { __rl: true, mode: 'id', value: '={{ $json.none }}' } }, [{ json: {} }]);
		expect(result.error?.message).toBe('No voice ID to wait for');
	});
});
