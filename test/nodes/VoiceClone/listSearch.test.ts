import type { NodeApiError } from 'n8n-workflow';

import { VoiceClone } from '../../../nodes/VoiceClone/VoiceClone.node';
import { WaitForTraining } from '../../../nodes/WaitForTraining/WaitForTraining.node';
import { listSearch } from '../../helpers/n8nListSearch';
import { sandboxCredentials } from '../../helpers/sandboxCredentials';
import type { Sandbox } from '../../sandbox';
import { calls, startVoiceSandbox } from './helpers';

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const search = async (provider: string, filter?: string, nodeType = new VoiceClone()) =>
	await listSearch({
		nodeType,
		parameters: { provider, operation: 'get' },
		credentials: sandboxCredentials(sandbox),
		method: 'searchVoices',
		parameterName: 'voiceId',
		filter,
	});

describe('Voice picker ("From list")', () => {
	it('Buena: the account\'s voices with name and status, from one list call of the credential\'s account', async () => {
		const ready = sandbox.seedVoice('buena', { name: 'Lead ready' });
		const training = sandbox.seedVoice('buena', { name: 'Lead training', status: 'processing' });
		const failed = sandbox.seedVoice('buena', { name: 'Broken', status: 'failed' });
		sandbox.addKey('buena', 'bna_someone_else');
		sandbox.seedVoice('buena', { name: 'Not ours', key: 'bna_someone_else' });
		const { results } = await search('buena');
		expect(results).toEqual(
			expect.arrayContaining([
				{ name: 'Lead ready (ready)', value: ready },
				{ name: 'Lead training (processing 0%)', value: training },
				{ name: 'Broken (failed)', value: failed },
			]),
		);
		expect(results).toHaveLength(3);
		expect(calls(sandbox, 'buena')).toEqual(['GET /voice-clones']);
	});

	it('searches by name (ignoring case) or by id', async () => {
		const lead = sandbox.seedVoice('buena', { name: 'Lead Voice' });
		sandbox.seedVoice('buena', { name: 'Other' });
		expect((await search('buena', 'lead')).results).toEqual([{ name: 'Lead Voice (ready)', value: lead }]);
		expect((await search('buena', lead.slice(0, 8))).results).toEqual([{ name: 'Lead Voice (ready)', value: lead }]);
		expect((await search('buena', 'nothing like it')).results).toEqual([]);
	});

	it('Bland: the voices of the Bland credential when the node is set to Bland', async () => {
		const support = sandbox.seedVoice('bland', { name: 'Support' });
		sandbox.seedVoice('buena', { name: 'Buena voice' });
		expect((await search('bland')).results).toEqual([{ name: 'Support (ready)', value: support }]);
		expect(calls(sandbox, 'buena')).toEqual([]);
	});

	it('Wait for Training offers the same picker', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead', status: 'processing' });
		const { results } = await search('buena', undefined, new WaitForTraining());
		expect(results).toEqual([{ name: 'Lead (processing 0%)', value: voiceId }]);
	});

	it('a wrong key is the provider\'s 401, shown to the user as such', async () => {
		await expect(
			listSearch({
				nodeType: new VoiceClone(),
				parameters: { provider: 'buena', operation: 'get' },
				credentials: { ...sandboxCredentials(sandbox), buenaApi: { apiKey: 'bna_wrong', baseUrl: sandbox.buenaBaseUrl } },
				method: 'searchVoices',
				parameterName: 'voiceId',
			}),
		).rejects.toMatchObject({ httpCode: '401', message: 'Buena AI: Invalid API key [UNAUTHORIZED]' });
	});

	it.each(['buena', 'bland'] as const)(
		'%s: a provider that never answers: within 15 s the list shows why, as the editor displays it',
		async (provider) => {
			sandbox.injectFault({ mode: 'hang', provider });
			const started = Date.now();
			const error = (await search(provider).then(
				() => undefined,
				(thrown: unknown) => thrown,
			)) as NodeApiError;
			const name = provider === 'buena' ? 'Buena AI' : 'Bland AI';
			expect(Date.now() - started).toBeLessThan(15_000 + 2_000);
			expect(error.message).toBe(`The voice list did not load within 15 s: ${name} did not answer`);
			// The editor splits a list error's message at dashes: there are none to split.
			expect(error.message).not.toMatch(/[-–—]/);
			// What n8n's server sends the editor for a NodeApiError: its own fields, description included
			// (of any other error only the message reaches the list).
			expect({ ...error }).toMatchObject({
				name: 'NodeApiError',
				description: `${name} did not list the voices in time. Open the list again in a moment, or choose By ID and enter the voice ID.`,
			});
			expect(sandbox.log().filter((entry) => entry.fault === 'hang')).toHaveLength(1);
		},
		30_000,
	);
});
