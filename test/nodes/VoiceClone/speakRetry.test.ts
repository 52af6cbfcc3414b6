/**
 * n8n's node setting "Retry On Fail" runs the whole node again after it failed (and, under
 * "continue on fail", when its first output item carries `json.error`), in the same execution.
 * Speech is paid per request: items that already have their audio come out of the node's run
 * memory (the execution's node context) instead of being spoken again, and an item whose request
 * may have been charged is not sent again either.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { IDataObject, NodeApiError } from 'n8n-workflow';

import type { RunNodeResult } from '../../helpers/n8nRunner';
import type { FaultSpec, Sandbox } from '../../sandbox';
import { byId, runVoiceClone, startVoiceSandbox } from './helpers';

let sandbox: Sandbox;
const previewMp3 = readFileSync(path.join(__dirname, '../../sandbox/assets/preview.mp3'));

beforeAll(async () => {
	sandbox = await startVoiceSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => sandbox.reset());

const RETRY = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };
const TEXTS = ['First line', 'Second line', 'Third line'];
/** Buena's answer for a voice that cannot speak yet: a refusal, so nothing was charged. */
const NOT_READY: FaultSpec = {
	mode: 'json',
	status: 409,
	provider: 'buena',
	pathIncludes: '/voice-clones/preview',
	body: { error: true, code: 'VOICE_CLONE_NOT_READY', message: 'Voice clone is still training', version: '2.0', details: {} },
};

/** The texts of the speak requests the sandbox received, with what it answered. */
const spoken = () =>
	sandbox
		.log()
		.filter((entry) => entry.path.endsWith('/voice-clones/preview'))
		.map((entry) => [entry.fields.find((field) => field.name === 'text')?.value, entry.status]);

async function speakAll(voiceId: string, extra: Parameters<typeof runVoiceClone>[3]) {
	return await runVoiceClone(
		sandbox,
		{ operation: 'speak', voiceId: byId(voiceId), text: '={{ $json.text }}' },
		TEXTS.map((text) => ({ json: { text } })),
		{ nodeSettings: RETRY, ...extra },
	);
}

/** What the run left in the Voice Clone node's context: the run memory of every operation. */
function nodeContext(result: RunNodeResult): IDataObject {
	const contextData = (result.run.data.executionData?.contextData ?? {}) as Record<string, IDataObject>;
	return contextData[`node:${result.node.name}`] ?? {};
}

describe.each(['default', 'filesystem'] as const)('Speak with Retry On Fail (binary data mode %s)', (binaryDataMode) => {
	it('the third item is refused once: the retry speaks only that one, and every item has its audio', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		sandbox.injectFault({ ...NOT_READY, skip: 2 });
		const result = await speakAll(voiceId, { binaryDataMode });
		expect(result.status).toBe('success');
		expect(result.error).toBeUndefined();
		expect(result.outputs[0].map((item) => item.json.characters)).toEqual(TEXTS.map((text) => text.length));
		for (const bytes of result.binaries[0]) expect(bytes.data.equals(previewMp3)).toBe(true);
		expect(result.outputs[0].map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		expect(spoken()).toEqual([
			['First line', 200],
			['Second line', 200],
			['Third line', 409],
			['Third line', 200],
		]);
		// Every item succeeded: nothing is kept for a retry that cannot come.
		expect(Object.keys(nodeContext(result))).toEqual([]);
	});
});

describe('Speak with Retry On Fail and "continue on fail"', () => {
	it('n8n runs the node again because its first item failed: only that item is spoken again', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		sandbox.injectFault(NOT_READY);
		const result = await speakAll(voiceId, { continueOnFail: true });
		expect(result.outputs[0].map((item) => item.json.error)).toEqual([undefined, undefined, undefined]);
		expect(result.binaries[0].map((bytes) => bytes.data.length)).toEqual([previewMp3.length, previewMp3.length, previewMp3.length]);
		expect(spoken()).toEqual([
			['First line', 409],
			['Second line', 200],
			['Third line', 200],
			['First line', 200],
		]);
	});
});

describe('Speak with Retry On Fail: a request that may have been charged', () => {
	it('is not sent again by the retry: the item fails saying so, and the others keep their audio', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		sandbox.injectFault({ mode: 'status', status: 502, afterBody: true, provider: 'buena', pathIncludes: '/voice-clones/preview', skip: 2 });
		const result = await speakAll(voiceId, {});
		const error = result.error as NodeApiError;
		expect(error.message).toBe(
			'Buena AI: Bad gateway [BAD_GATEWAY]. It may have been processed and charged, so it was not sent again (it is not charged twice)',
		);
		expect(error.httpCode).toBe('502');
		expect(error.description).toContain("An earlier try of this node run sent this request, so the retry (n8n's Retry On Fail) did not send it again.");
		expect(error.context.itemIndex).toBe(2);
		expect(spoken()).toEqual([
			['First line', 200],
			['Second line', 200],
			['Third line', 502],
		]);
		// A failed run keeps what it did, per run index, for a retry.
		expect(Object.keys(nodeContext(result))).toEqual(['speak:run0']);
	});

	it('under "continue on fail" the others come out with their audio, and the charged item with its error', async () => {
		const voiceId = sandbox.seedVoice('buena', { name: 'Lead' });
		sandbox.injectFault({ mode: 'reset', afterBody: true, provider: 'buena', pathIncludes: '/voice-clones/preview' });
		const result = await speakAll(voiceId, { continueOnFail: true });
		const [charged, ...others] = result.outputs[0];
		expect(charged.json.error).toHaveProperty('message', expect.stringMatching(/It may have been processed and charged, so it was not sent again \(it is not charged twice\)$/));
		expect(others.map((item) => item.json.characters)).toEqual([TEXTS[1].length, TEXTS[2].length]);
		expect(spoken().map(([text]) => text)).toEqual(['First line', 'Second line', 'Third line']);
	});
});

describe('Speak without Retry On Fail', () => {
	it('keeps nothing in the node context once every item succeeded', async () => {
		const voiceId = sandbox.seedVoice('bland', { name: 'Lead' });
		const result = await runVoiceClone(
			sandbox,
			{ provider: 'bland', operation: 'speak', voiceId: byId(voiceId), text: '={{ $json.text }}' },
			TEXTS.map((text) => ({ json: { text } })),
		);
		expect(result.outputs[0]).toHaveLength(3);
		expect(Object.keys(nodeContext(result))).toEqual([]);
	});
});
