import type { INodeProperties, NodeApiError } from 'n8n-workflow';

import { bland } from '../../../nodes/shared/providers/bland';
import { VoiceClone } from '../../../nodes/VoiceClone/VoiceClone.node';

import { pairedItems } from '../../helpers/n8nRunner';
import type { Sandbox } from '../../sandbox';
import { byId, calls, fromList, runVoiceClone, startVoiceSandbox } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

describe('Voice Clone: Get', () => {
	it('Buena: finds the voice in the list (no get endpoint) and outputs the shared shape', async () => {
		sandbox.seedVoice('buena', { name: 'Other' });
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead', description: 'CEO', status: 'processing' });
		const result = await runVoiceClone(sandbox, { operation: 'get', voiceId: fromList(voiceId) });
		expect(result.outputs[0].map((item) => item.json)).toEqual([
			expect.objectContaining({ provider: 'buena', voiceId, name: 'Lead', description: 'CEO', status: 'processing', trainingProgress: 0 }),
		]);
		expect(calls(sandbox, 'buena')).toEqual(['GET /voice-clones']);
	});

	it('Bland: GET /v1/voices/{id}', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Support' });
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'get', voiceId: byId(voiceId) });
		expect(result.outputs[0][0].json).toMatchObject({ provider: 'bland', voiceId, name: 'Support', status: 'ready' });
		expect(calls(sandbox, 'bland')).toEqual([`GET /v1/voices/${voiceId}`]);
	});

	it('an unknown voice is an item error; with continue-on-fail the other items still succeed', async () => {
		const known = sandbox.seedVoice('buena', { name: 'Known' });
		const result = await runVoiceClone(
			sandbox,
			{ operation: 'get', voiceId: byId('={{ $json.id }}') },
			[{ json: { id: 'Missing00000000000000' } }, { json: { id: known } }],
			{ continueOnFail: true },
		);
		const [missing, found] = result.outputs[0];
		expect(missing.json).toEqual({
			id: 'Missing00000000000000',
			error: {
				message: 'Buena AI has no voice "Missing00000000000000" (voice not found)',
				description: expect.any(String),
				httpCode: null,
				code: null,
			},
		});
		expect(pairedItems(missing)).toEqual([{ item: 0 }]);
		expect(found.json).toMatchObject({ voiceId: known, name: 'Known' });
		expect(pairedItems(found)).toEqual([{ item: 1 }]);
	});

	it('without continue-on-fail an unknown Bland voice fails the node at its item', async () => {
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'get', voiceId: byId('nope') });
		expect(result.error?.message).toBe('Bland AI has no voice "nope" (voice not found)');
		expect((result.error as NodeApiError).context?.itemIndex).toBe(0);
	});

	it('an empty voice is an item error and nothing is sent', async () => {
		const result = await runVoiceClone(sandbox, { operation: 'get', voiceId: byId('  ') });
		expect(result.error?.message).toBe('No voice given');
		expect(calls(sandbox, 'buena')).toEqual([]);
	});
});

describe('Voice Clone: Update', () => {
	it('Buena: PUT name and description, outputs the voice as it now is', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Old', description: 'old' });
		const result = await runVoiceClone(sandbox, {
			operation: 'update',
			voiceId: byId(voiceId),
			updateFields: { name: '  New name ', description: 'New description' },
		});
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ provider: 'buena', voiceId, name: 'New name', description: 'New description' });
		expect(calls(sandbox, 'buena')).toEqual([`PUT /voice-clones/${voiceId}`]);
		const listed = await runVoiceClone(sandbox, { operation: 'get', voiceId: byId(voiceId) });
		expect(listed.outputs[0][0].json).toMatchObject({ name: 'New name', description: 'New description' });
	});

	it('Buena: an answer that does not say the voice\'s state: the state is read back from the list, not guessed', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Old' });
		sandbox.injectFault({ mode: 'json', provider: 'buena', method: 'PUT', afterBody: true, body: { success: true, data: { voiceId, name: 'New' } } });
		const result = await runVoiceClone(sandbox, { operation: 'update', voiceId: byId(voiceId), updateFields: { name: 'New' } });
		expect(result.outputs[0][0].json).toMatchObject({ voiceId, name: 'New', status: 'ready', trainingProgress: 100 });
		expect(calls(sandbox, 'buena')).toEqual([`PUT /voice-clones/${voiceId}`, 'GET /voice-clones']);
	});

	it('Buena: neither the answer nor the list says the state: it is reported unknown (null), never "processing"', async () => {
		const voiceId = 'NotListed000000000000';
		sandbox.injectFault({ mode: 'json', provider: 'buena', method: 'PUT', body: { success: true, message: 'Voice clone updated' } });
		const result = await runVoiceClone(sandbox, { operation: 'update', voiceId: byId(voiceId), updateFields: { name: 'New', description: 'd' } });
		expect(result.outputs[0][0].json).toEqual({
			provider: 'buena',
			voiceId,
			name: 'New',
			description: 'd',
			status: null,
			trainingProgress: null,
			createdAt: null,
			raw: { success: true, message: 'Voice clone updated' },
		});
	});

	it('Buena: an unknown voice is a NodeApiError 404 item error', async () => {
		const result = await runVoiceClone(sandbox, { operation: 'update', voiceId: byId('Missing00000000000000'), updateFields: { name: 'x' } });
		expect(result.error?.message).toBe('Buena AI: Voice clone not found [VOICE_CLONE_NOT_FOUND]');
		expect((result.error as NodeApiError).httpCode).toBe('404');
	});

	it('nothing to change is an item error naming the option; nothing is sent', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Old' });
		const result = await runVoiceClone(sandbox, { operation: 'update', voiceId: byId(voiceId), updateFields: {} });
		expect(result.error?.message).toBe(`Cannot update voice "${voiceId}": Nothing to update: give a new name, a new description, or both`);
		expect((result.error as NodeApiError).description).toContain('Update Fields');
		expect(calls(sandbox, 'buena')).toEqual([]);
	});

	it('Bland: checks the name is free, then PATCHes the rename', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Support' });
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'update', voiceId: byId(voiceId), updateFields: { name: 'Sales' } });
		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toMatchObject({ provider: 'bland', voiceId, name: 'Sales' });
		expect(calls(sandbox, 'bland')).toEqual([
			`GET /v1/voices/${voiceId}`,
			'POST /v1/voices/check_name_availability',
			`PATCH /v1/voices/${voiceId}/rename`,
			`GET /v1/voices/${voiceId}`,
		]);
	});

	it('Bland: a change of case only is allowed without the availability check (the name is its own)', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'support' });
		const result = await runVoiceClone(sandbox, { provider: 'bland', operation: 'update', voiceId: byId(voiceId), updateFields: { name: 'Support' } });
		expect(result.outputs[0][0].json).toMatchObject({ name: 'Support' });
		expect(calls(sandbox, 'bland')).not.toContain('POST /v1/voices/check_name_availability');
	});

	it('Bland: a taken name (ignoring case) fails the item and nothing is renamed', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Support' });
		sandbox.seedVoice('bland', { name: 'Sales' });
		const result = await runVoiceClone(
			sandbox,
			{ provider: 'bland', operation: 'update', voiceId: byId(voiceId), updateFields: { name: 'SALES' } },
			[{ json: {} }],
			{ continueOnFail: true },
		);
		expect(result.outputs[0][0].json.error).toHaveProperty('message', 'The voice name "SALES" is already taken in this Bland AI account');
		expect(calls(sandbox, 'bland').some((call) => call.startsWith('PATCH'))).toBe(false);
	});

	it('Bland: a name over 30 characters is refused before anything is sent', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Support' });
		const long = await runVoiceClone(sandbox, { provider: 'bland', operation: 'update', voiceId: byId(voiceId), updateFields: { name: 'x'.repeat(31) } });
		expect(long.error?.message).toBe(`Cannot update voice "${voiceId}": The name "${'x'.repeat(31)}" is 31 characters long; Bland AI allows at most 30`);
		expect(calls(sandbox, 'bland')).toEqual([]);
	});

	it('Bland: the Description field is not offered, and the provider refuses one given anyway', async () => {
		const described = bland.validateVoiceChanges({ name: 'Ok', description: 'd' });
		expect(described).toEqual(['Bland AI can rename a voice but cannot change its description']);
		const updateFields = new VoiceClone().description.properties.find((property) => property.name === 'updateFields');
		const description = updateFields?.options?.find((option) => option.name === 'description') as INodeProperties;
		expect(description.displayOptions?.show?.['/provider']).toEqual(['buena']);
	});
});

describe('Voice Clone: Delete', () => {
	it('Buena: deletes, outputs {provider, voiceId, deleted}; the slot is free', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Old' });
		const result = await runVoiceClone(sandbox, { operation: 'delete', voiceId: byId(voiceId) });
		expect(result.outputs[0].map((item) => item.json)).toEqual([{ provider: 'buena', voiceId, deleted: true }]);
		expect(calls(sandbox, 'buena')).toEqual([`DELETE /voice-clones/${voiceId}`]);
		const after = await runVoiceClone(sandbox, { operation: 'getAll', returnAll: true });
		expect(after.outputs[0]).toEqual([]);
	});

	it.each(['buena', 'bland'] as const)(
		'%s: a delete whose answer was lost and whose retry finds nothing is done, not an error',
		async (provider) => {
			const voiceId = sandbox.seedVoice(provider, { name: 'Gone' });
			sandbox.injectFault({ mode: 'status', status: 503, afterBody: true, provider, method: 'DELETE' });
			const result = await runVoiceClone(sandbox, { provider, operation: 'delete', voiceId: byId(voiceId) });
			expect(result.error).toBeUndefined();
			expect(result.outputs[0].map((item) => item.json)).toEqual([{ provider, voiceId, deleted: true }]);
			expect(sandbox.log().filter((entry) => entry.method === 'DELETE').map((entry) => entry.status)).toEqual([503, 404]);
		},
	);

	it('Buena: a voice used by campaigns is a 409 that says so and how many; the voice stays', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Busy', activeCampaigns: 2 });
		const result = await runVoiceClone(sandbox, { operation: 'delete', voiceId: byId(voiceId) });
		const error = result.error as NodeApiError;
		expect(error.message).toBe('Buena AI: Voice clone is used by active campaigns and cannot be deleted [VOICE_CLONE_IN_USE]');
		expect(error.httpCode).toBe('409');
		expect(error.description).toMatch(/2 active campaigns/);
		const after = await runVoiceClone(sandbox, { operation: 'get', voiceId: byId(voiceId) });
		expect(after.outputs[0][0].json.voiceId).toBe(voiceId);
	});

	it('Buena: an unknown voice is a 404 item error; the error output gets it with its input', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Old' });
		const result = await runVoiceClone(
			sandbox,
			{ operation: 'delete', voiceId: byId('={{ $json.id }}') },
			[{ json: { id: 'Missing00000000000000' } }, { json: { id: voiceId } }],
			{ onError: 'continueErrorOutput' },
		);
		const [success, errors] = result.outputs;
		expect(success.map((item) => item.json)).toEqual([{ provider: 'buena', voiceId, deleted: true }]);
		expect(pairedItems(success[0])).toEqual([{ item: 1 }]);
		expect(errors.map((item) => item.json)).toEqual([
			{
				id: 'Missing00000000000000',
				error: {
					message: 'Buena AI: Voice clone not found [VOICE_CLONE_NOT_FOUND]',
					description: expect.any(String),
					httpCode: 404,
					code: 'VOICE_CLONE_NOT_FOUND',
				},
			},
		]);
		expect(pairedItems(errors[0])).toEqual([{ item: 0 }]);
	});

	it('Bland: DELETE /v1/voices/{id}; unknown ids are 404s', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Support' });
		const result = await runVoiceClone(
			sandbox,
			{ provider: 'bland', operation: 'delete', voiceId: byId('={{ $json.id }}') },
			[{ json: { id: voiceId } }, { json: { id: voiceId } }],
			{ continueOnFail: true },
		);
		expect(result.outputs[0].map((item) => item.json)).toEqual([
			{ provider: 'bland', voiceId, deleted: true },
			{ id: voiceId, error: expect.objectContaining({ message: 'Bland AI: Voice not found [Not Found]', httpCode: 404 }) },
		]);
	});
});
