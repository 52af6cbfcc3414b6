import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { IDataObject } from 'n8n-workflow';

import { parseVoiceList, parseVoiceRecord, voiceId } from '../../../../nodes/shared/providers/bland';
import { cloneId, parseClonePage, parseCloneState } from '../../../../nodes/shared/providers/buena';
import { asNumber, asObject, asString } from '../../../../nodes/shared/providers/parsing';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'providers');

interface Fixture<Expect> {
	why: string;
	body: unknown;
	expect: Expect;
}

/** Every fixture of one parser: `[file name, fixture]`, sorted, so each file is one test case. */
function fixtures<Expect>(folder: string): Array<[string, Fixture<Expect>]> {
	const dir = join(FIXTURES, folder);
	return readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => [file, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Fixture<Expect>]);
}

describe('Buena list page (parseClonePage)', () => {
	const cases = fixtures<{ ids: string[]; total?: number; hasMore?: boolean }>('buena-list-page');

	it('has fixtures for both pagination shapes, data as an array and as one object', () => {
		expect(cases.length).toBeGreaterThanOrEqual(10);
		const names = cases.map(([file]) => file);
		for (const name of ['pagination.json', 'top-level-total.json', 'data-wrapper-total.json', 'data-single-object.json']) {
			expect(names).toContain(name);
		}
	});

	it.each(cases)('%s', (_file, { body, expect: expected }) => {
		const page = parseClonePage(body);
		expect(page.clones.map(cloneId)).toEqual(expected.ids);
		expect(page.total).toBe(expected.total);
		expect(page.hasMore).toBe(expected.hasMore);
	});
});

describe('Buena clone state (parseCloneState)', () => {
	const cases = fixtures<{ status: string; trainingProgress?: number; errorMessage?: string }>('buena-clone-state');

	it.each(cases)('%s', (_file, { body, expect: expected }) => {
		const record = body as IDataObject;
		const state = parseCloneState(record, 'the-id');
		expect(state.voiceId).toBe('the-id');
		expect(state.raw).toBe(record);
		expect(state.status).toBe(expected.status);
		if ('trainingProgress' in expected) expect(state.trainingProgress).toBe(expected.trainingProgress);
		if ('errorMessage' in expected) expect(state.errorMessage).toBe(expected.errorMessage);
		if (expected.status === 'ready') expect(state.trainingProgress).toBe(100);
	});

	it('reads every documented alias the way the table in buena.ts says', () => {
		const statusOf = (status: string) => parseCloneState({ voiceId: 'x', status, isActive: false }, 'x').status;
		expect(['ready', 'completed', 'active', 'Succeeded', 'DONE'].map(statusOf)).toEqual(Array(5).fill('ready'));
		expect(['failed', 'error', 'Errored', 'cancelled'].map(statusOf)).toEqual(Array(4).fill('failed'));
		expect(['processing', 'pending', 'queued', 'training', 'in progress'].map(statusOf)).toEqual(Array(5).fill('processing'));
	});
});

describe('Bland voice list (parseVoiceList)', () => {
	it.each(fixtures<{ ids: string[] }>('bland-voice-list'))('%s', (_file, { body, expect: expected }) => {
		expect(parseVoiceList(body).map(voiceId)).toEqual(expected.ids);
	});
});

describe('Bland voice record (parseVoiceRecord)', () => {
	it.each(fixtures<{ id: string | null }>('bland-voice-record'))('%s', (_file, { body, expect: expected }) => {
		const record = parseVoiceRecord(body);
		if (expected.id === null) expect(record).toBeUndefined();
		else expect(record && voiceId(record)).toBe(expected.id);
	});
});

describe('the shared readers (parsing.ts)', () => {
	it.each([
		[12, 12],
		['12', 12],
		[' 7.5 ', 7.5],
		['', undefined],
		['  ', undefined],
		['twelve', undefined],
		[Number.NaN, undefined],
		[Number.POSITIVE_INFINITY, undefined],
		[null, undefined],
		[undefined, undefined],
		[true, undefined],
		[[3], undefined],
		[{ total: 3 }, undefined],
	])('asNumber(%p) is %p', (value, expected) => {
		expect(asNumber(value)).toBe(expected);
	});

	it.each([
		['abc', 'abc'],
		['', ''],
		[42, '42'],
		[null, undefined],
		[true, undefined],
		[{}, undefined],
		[['a'], undefined],
	])('asString(%p) is %p', (value, expected) => {
		expect(asString(value)).toBe(expected);
	});

	it('asObject takes plain objects only', () => {
		const object = { a: 1 };
		expect(asObject(object)).toBe(object);
		for (const value of [null, undefined, [], [object], 'x', 1, true]) expect(asObject(value)).toBeUndefined();
	});
});
