/**
 * Voice Clone Trigger's poll() in n8n-core's real PollContext (test/helpers/n8nPoller.ts) against
 * the sandbox over HTTP: what each poll emits, what it keeps in the workflow's static data, and
 * how many requests it makes.
 */
import { NodeApiError, type IDataObject } from 'n8n-workflow';

import { VoiceCloneTrigger } from '../../../nodes/VoiceCloneTrigger/VoiceCloneTrigger.node';
import { emittedJson, Poller } from '../../helpers/n8nPoller';
import { sandboxCredentials } from '../../helpers/sandboxCredentials';
import { VirtualClock } from '../../helpers/virtualClock';
import { startSandbox, type Sandbox } from '../../sandbox';

let sandbox: Sandbox;
/** Polls happen at times the test chooses (test/helpers/virtualClock.ts), days apart if need be. */
let clock: VirtualClock;

beforeAll(async () => {
	sandbox = await startSandbox({ trainingMs: 60_000, rateLimit: { limit: 100_000, windowMs: 60_000 } });
});
afterAll(async () => await sandbox?.close());
beforeEach(() => {
	clock = VirtualClock.install();
	sandbox.reset();
});
afterEach(() => clock.uninstall());

const DAY = 24 * 60 * 60 * 1000;

function trigger(parameters: Record<string, unknown> = {}, extra: { staticData?: IDataObject; credentialId?: string } = {}) {
	return new Poller({
		nodeType: new VoiceCloneTrigger(),
		parameters: { provider: 'buena', events: ['created', 'ready', 'failed'], ...parameters },
		credentials: sandboxCredentials(sandbox),
		...extra,
	});
}

const events = (result: Awaited<ReturnType<Poller['poll']>>) =>
	emittedJson(result)?.map((item) => `${String(item.event)}:${String(item.name)}`) ?? null;

const requests = (provider: 'buena' | 'bland') => sandbox.log().filter((entry) => entry.provider === provider);

describe('Buena AI', () => {
	test('the first poll notes what exists and emits nothing; later changes fire once each', async () => {
		const ready = sandbox.seedVoice('buena', { name: 'Old Ready' });
		const training = sandbox.seedVoice('buena', { name: 'Old Training', status: 'processing' });
		const poller = trigger();

		expect(await poller.poll()).toBeNull();
		expect(poller.nodeStaticData()).toEqual({
			version: 2,
			account: 'buena:cred-buenaApi',
			voices: { [ready]: 'ready', [training]: 'processing' },
			missing: {},
		});

		expect(await poller.poll()).toBeNull();

		const fresh = sandbox.seedVoice('buena', { name: 'New Voice', status: 'processing' });
		expect(events(await poller.poll())).toEqual(['created:New Voice']);
		expect(await poller.poll()).toBeNull();

		sandbox.markReady(training);
		sandbox.markReady(fresh);
		const result = await poller.poll();
		expect(events(result)).toEqual(['ready:Old Training', 'ready:New Voice']);
		expect(emittedJson(result)?.[1]).toEqual({
			event: 'ready',
			provider: 'buena',
			voiceId: fresh,
			name: 'New Voice',
			description: '',
			status: 'ready',
			trainingProgress: 100,
			createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			raw: expect.objectContaining({ voiceId: fresh, status: 'ready' }),
		});
		expect(await poller.poll()).toBeNull();
		expect(await poller.poll()).toBeNull();

		// One list request per poll: 7 polls, 7 requests, all GET /voice-clones.
		expect(requests('buena').map((entry) => `${entry.method} ${entry.path}`)).toEqual(
			Array(7).fill('GET /buena/api/v2/voice-clones'),
		);
	});

	test('a training that fails fires failed; a voice made and trained between two polls fires created and ready', async () => {
		const poller = trigger();
		expect(await poller.poll()).toBeNull();
		sandbox.seedVoice('buena', { name: 'Noisy [fail-training]', status: 'failed', errorMessage: 'background noise' });
		sandbox.seedVoice('buena', { name: 'Quick' });
		const result = await poller.poll();
		expect(events(result)).toEqual(['created:Noisy [fail-training]', 'failed:Noisy [fail-training]', 'created:Quick', 'ready:Quick']);
		expect(emittedJson(result)?.[1]).toMatchObject({ status: 'failed', raw: { error_message: 'background noise' } });
		expect(await poller.poll()).toBeNull();
	});

	test('only the chosen events start the workflow', async () => {
		const poller = trigger({ events: ['ready'] });
		expect(await poller.poll()).toBeNull();
		const voice = sandbox.seedVoice('buena', { name: 'Lead Voice', status: 'processing' });
		expect(await poller.poll()).toBeNull();
		sandbox.markReady(voice);
		expect(events(await poller.poll())).toEqual(['ready:Lead Voice']);
		expect(await poller.poll()).toBeNull();
	});

	test('Include Voices That Already Exist: the first poll reports them', async () => {
		sandbox.seedVoice('buena', { name: 'Existing Ready' });
		sandbox.seedVoice('buena', { name: 'Existing Training', status: 'processing' });
		const poller = trigger({ events: ['ready'], options: { includeExisting: true } });
		expect(events(await poller.poll())).toEqual(['ready:Existing Ready']);
		expect(await poller.poll()).toBeNull();
	});

	test('Name Contains limits what fires, ignoring case', async () => {
		const poller = trigger({ options: { nameContains: 'northwind' } });
		expect(await poller.poll()).toBeNull();
		sandbox.seedVoice('buena', { name: 'Alex for Northwind' });
		sandbox.seedVoice('buena', { name: 'Maria for Contoso' });
		expect(events(await poller.poll())).toEqual(['created:Alex for Northwind', 'ready:Alex for Northwind']);
	});

	test('a voice a listing leaves out is not announced again when it is listed again', async () => {
		const poller = trigger();
		const early = sandbox.seedVoice('buena', { name: 'Early', status: 'processing' });
		expect(await poller.poll()).toBeNull();
		const fresh = sandbox.seedVoice('buena', { name: 'Fresh' });
		expect(events(await poller.poll())).toEqual(['created:Fresh', 'ready:Fresh']);

		// One listing leaves Fresh out (a provider hiccup, a page that shifted while it was read).
		const listed = (await (await fetch(`${sandbox.buenaBaseUrl}/voice-clones`, { headers: { 'x-api-key': sandbox.keys.buena } })).json()) as {
			data: Array<{ voiceId: string }>;
		};
		const short = listed.data.filter((clone) => clone.voiceId !== fresh);
		expect(short.map((clone) => clone.voiceId)).toEqual([early]);
		sandbox.injectFault({
			mode: 'json',
			body: { success: true, data: short, pagination: { total: 1, limit: 100, offset: 0, hasMore: false } },
			provider: 'buena',
			method: 'GET',
		});
		expect(await poller.poll()).toBeNull();
		expect(poller.nodeStaticData().voices).toEqual({ [early]: 'processing' });

		// Listed again: nothing fires for it, and the voice still training reports its training once.
		sandbox.markReady(early);
		expect(events(await poller.poll())).toEqual(['ready:Early']);
		expect(await poller.poll()).toBeNull();
		expect(poller.nodeStaticData()).toMatchObject({ voices: { [early]: 'ready', [fresh]: 'ready' }, missing: {} });
	});

	test('a deleted voice is remembered as missing, and forgotten 30 days after a poll first missed it', async () => {
		const keep = sandbox.seedVoice('buena', { name: 'Keep' });
		const remove = sandbox.seedVoice('buena', { name: 'Remove' });
		const poller = trigger();
		await poller.poll();
		await clock.sleep(60_000);
		const res = await fetch(`${sandbox.buenaBaseUrl}/voice-clones/${remove}`, {
			method: 'DELETE',
			headers: { 'x-api-key': sandbox.keys.buena },
		});
		expect(res.status).toBe(200);
		const firstMissed = clock.now();
		expect(await poller.poll()).toBeNull();
		expect(poller.nodeStaticData()).toMatchObject({
			voices: { [keep]: 'ready' },
			missing: { [remove]: { status: 'ready', since: new Date(firstMissed).toISOString() } },
		});

		// Later polls keep it, with the time it was first missed, until 30 days after that poll.
		await clock.sleep(30 * DAY - 1);
		expect(await poller.poll()).toBeNull();
		expect(poller.nodeStaticData().missing).toEqual({ [remove]: { status: 'ready', since: new Date(firstMissed).toISOString() } });
		await clock.sleep(1);
		expect(await poller.poll()).toBeNull();
		expect(poller.nodeStaticData()).toMatchObject({ voices: { [keep]: 'ready' }, missing: {} });
	});

	test('a restart after upgrading from the version 1 memory reports nothing again and saves version 2', async () => {
		const ready = sandbox.seedVoice('buena', { name: 'Ready' });
		const training = sandbox.seedVoice('buena', { name: 'Training', status: 'processing' });
		const upgraded = trigger(
			{},
			{
				staticData: {
					[`node:${trigger().node.name}`]: {
						version: 1,
						account: 'buena:cred-buenaApi',
						voices: { [ready]: 'ready', [training]: 'processing', gone: 'processing+ready' },
					},
				},
			},
		);
		expect(await upgraded.poll()).toBeNull();
		expect(upgraded.staticDataChanged()).toBe(true);
		expect(upgraded.nodeStaticData()).toEqual({
			version: 2,
			account: 'buena:cred-buenaApi',
			voices: { [ready]: 'ready', [training]: 'processing' },
			missing: { gone: { status: 'processing+ready', since: expect.any(String) } },
		});
		sandbox.markReady(training);
		expect(events(await upgraded.poll())).toEqual(['ready:Training']);
	});

	test('static data is only marked changed when there is something new to remember', async () => {
		sandbox.seedVoice('buena', { name: 'A' });
		const poller = trigger();
		await poller.poll();
		expect(poller.staticDataChanged()).toBe(true);
		poller.markStaticDataSaved();
		await poller.poll();
		expect(poller.staticDataChanged()).toBe(false);
	});

	test('after a restart (static data loaded from the database) nothing is replayed and changes still fire', async () => {
		const voice = sandbox.seedVoice('buena', { name: 'Training', status: 'processing' });
		const first = trigger();
		await first.poll();
		const restarted = trigger({}, { staticData: { [`node:${first.node.name}`]: first.nodeStaticData() } });
		expect(await restarted.poll()).toBeNull();
		sandbox.markReady(voice);
		expect(events(await restarted.poll())).toEqual(['ready:Training']);
	});

	test('another credential starts afresh instead of reporting its whole account as new', async () => {
		sandbox.seedVoice('buena', { name: 'A' });
		const first = trigger();
		await first.poll();
		sandbox.seedVoice('buena', { name: 'B' });
		const switched = trigger({}, { staticData: { [`node:${first.node.name}`]: first.nodeStaticData() }, credentialId: 'other' });
		expect(await switched.poll()).toBeNull();
		expect(switched.nodeStaticData().account).toBe('buena:other');
	});

	test('a manual test run returns the newest matching voice and leaves the static data alone', async () => {
		sandbox.seedVoice('buena', { name: 'Older Ready' });
		await clock.sleep(5);
		sandbox.seedVoice('buena', { name: 'Newer Ready' });
		await clock.sleep(5);
		sandbox.seedVoice('buena', { name: 'Newest Training', status: 'processing' });
		const poller = trigger({ events: ['ready'] });
		expect(events(await poller.poll('manual'))).toEqual(['ready:Newer Ready']);
		expect(poller.nodeStaticData()).toEqual({});

		expect(events(await trigger({ events: ['created'] }).poll('manual'))).toEqual(['created:Newest Training']);
		expect(await trigger({ events: ['failed'] }).poll('manual')).toBeNull();
	});

	test('an API failure is a NodeApiError with its HTTP code and leaves the static data as it was', async () => {
		sandbox.seedVoice('buena', { name: 'A' });
		const poller = trigger();
		await poller.poll();
		const before = poller.nodeStaticData();
		const wrongKey = new Poller({
			nodeType: new VoiceCloneTrigger(),
			parameters: { provider: 'buena', events: ['ready'] },
			credentials: { buenaApi: { apiKey: 'bna_wrong', baseUrl: sandbox.buenaBaseUrl } },
			staticData: { [`node:${poller.node.name}`]: before },
		});
		const error = await wrongKey.poll().then(
			() => undefined,
			(e: unknown) => e,
		);
		expect(error).toBeInstanceOf(NodeApiError);
		expect((error as NodeApiError).httpCode).toBe('401');
		expect((error as NodeApiError).message).not.toContain('bna_wrong');
		expect(wrongKey.nodeStaticData()).toEqual(before);
	});

	test('Events given as one value instead of a list (an expression, an older editor) works the same', async () => {
		const poller = trigger({ events: 'ready' });
		expect(await poller.poll()).toBeNull();
		const voice = sandbox.seedVoice('buena', { name: 'Single', status: 'processing' });
		expect(await poller.poll()).toBeNull();
		sandbox.markReady(voice);
		expect(events(await poller.poll())).toEqual(['ready:Single']);
	});

	test('an unknown event is an error naming it and the parameter, before any request', async () => {
		await expect(trigger({ events: ['ready', 'trained'] }).poll()).rejects.toThrow('Unknown event "trained" in Events');
		expect(requests('buena')).toHaveLength(0);
	});

	test('no event chosen is an error naming the parameter, before any request', async () => {
		await expect(trigger({ events: [] }).poll()).rejects.toThrow('No event chosen in Events');
		expect(requests('buena')).toHaveLength(0);
	});
});

describe('Bland AI', () => {
	test('an empty listing forgets nothing: the voices are not new when they are listed again', async () => {
		sandbox.seedVoice('bland', { name: 'One' });
		const poller = trigger({ provider: 'bland' });
		expect(await poller.poll()).toBeNull();
		sandbox.seedVoice('bland', { name: 'Two' });
		expect(events(await poller.poll())).toEqual(['created:Two', 'ready:Two']);
		sandbox.injectFault({ mode: 'json', body: { voices: [] }, provider: 'bland', method: 'GET', count: 2 });
		expect(await poller.poll()).toBeNull();
		expect(await poller.poll()).toBeNull();
		expect(poller.nodeStaticData().voices).toEqual({});
		expect(await poller.poll()).toBeNull();
		expect(Object.keys(poller.nodeStaticData().voices as object)).toHaveLength(2);
		expect(poller.nodeStaticData().missing).toEqual({});
	});

	test('one GET /v1/voices per poll; a new voice is created and ready at once', async () => {
		sandbox.seedVoice('bland', { name: 'Existing' });
		const poller = trigger({ provider: 'bland' });
		expect(await poller.poll()).toBeNull();
		sandbox.seedVoice('bland', { name: 'Fresh' });
		expect(events(await poller.poll())).toEqual(['created:Fresh', 'ready:Fresh']);
		expect(await poller.poll()).toBeNull();
		expect(requests('bland').map((entry) => `${entry.method} ${entry.path}`)).toEqual(Array(3).fill('GET /bland/v1/voices'));
		expect(poller.nodeStaticData().account).toBe('bland:cred-blandApi');
	});
});
