import {
	detectVoiceEvents,
	newestMatchingVoice,
	readMemory,
	type ListedVoice,
	type MissingVoice,
	type TriggerMemory,
	type VoiceEvent,
} from '../../../nodes/shared/trigger/voiceEvents';

const ACCOUNT = 'buena:cred1';
const ALL: VoiceEvent[] = ['created', 'ready', 'failed'];
const NOW = Date.UTC(2026, 4, 1, 12, 0, 0);
const NOW_ISO = new Date(NOW).toISOString();
const DAY = 24 * 60 * 60 * 1000;
const iso = (time: number) => new Date(time).toISOString();

const voice = (voiceId: string, status: ListedVoice['status'], createdAt?: string): ListedVoice => ({
	voiceId,
	status,
	createdAt,
});
const memory = (voices: Record<string, string>, missing: Record<string, MissingVoice> = {}, account = ACCOUNT): TriggerMemory => ({
	version: 2,
	account,
	voices,
	missing,
});
const summary = (events: Array<{ event: VoiceEvent; voice: ListedVoice }>) => events.map((e) => `${e.event}:${e.voice.voiceId}`);

describe('detectVoiceEvents', () => {
	const cases: Array<{
		name: string;
		previous?: TriggerMemory;
		current: ListedVoice[];
		events?: VoiceEvent[];
		includeExisting?: boolean;
		fired: string[];
		remembered: Record<string, string>;
		missing?: Record<string, MissingVoice>;
	}> = [
		{
			name: 'first poll: remembers what exists and reports nothing',
			current: [voice('a', 'ready'), voice('b', 'processing'), voice('c', 'failed')],
			fired: [],
			remembered: { a: 'ready', b: 'processing', c: 'failed' },
		},
		{
			name: 'first poll with includeExisting: reports every existing voice and its outcome',
			current: [voice('a', 'ready'), voice('b', 'processing'), voice('c', 'failed')],
			includeExisting: true,
			fired: ['created:a', 'ready:a', 'created:b', 'created:c', 'failed:c'],
			remembered: { a: 'ready', b: 'processing', c: 'failed' },
		},
		{
			name: 'nothing changed: nothing fires',
			previous: memory({ a: 'ready', b: 'processing' }),
			current: [voice('a', 'ready'), voice('b', 'processing')],
			fired: [],
			remembered: { a: 'ready', b: 'processing' },
		},
		{
			name: 'a voice finishes training: ready fires once',
			previous: memory({ a: 'processing' }),
			current: [voice('a', 'ready')],
			fired: ['ready:a'],
			remembered: { a: 'ready' },
		},
		{
			name: 'a voice fails training: failed fires',
			previous: memory({ a: 'processing' }),
			current: [voice('a', 'failed')],
			fired: ['failed:a'],
			remembered: { a: 'failed' },
		},
		{
			name: 'a new voice still training: created only',
			previous: memory({}),
			current: [voice('n', 'processing')],
			fired: ['created:n'],
			remembered: { n: 'processing' },
		},
		{
			name: 'a new voice already trained between two polls (or a Bland voice): created and ready',
			previous: memory({}),
			current: [voice('n', 'ready')],
			fired: ['created:n', 'ready:n'],
			remembered: { n: 'ready' },
		},
		{
			name: 'only the chosen events are reported, but all are remembered',
			previous: memory({ a: 'processing', b: 'processing' }),
			current: [voice('a', 'ready'), voice('b', 'failed'), voice('n', 'processing')],
			events: ['ready'],
			fired: ['ready:a'],
			remembered: { a: 'ready', b: 'failed', n: 'processing' },
		},
		{
			name: 'a voice no longer listed is remembered as missing since this poll',
			previous: memory({ gone: 'processing+ready', a: 'ready' }),
			current: [voice('a', 'ready')],
			fired: [],
			remembered: { a: 'ready' },
			missing: { gone: { status: 'processing+ready', since: NOW_ISO } },
		},
		{
			name: 'a missing voice listed again is not new: only an outcome it had not reported fires',
			previous: memory({}, { back: { status: 'ready', since: iso(NOW - DAY) }, late: { status: 'processing', since: iso(NOW - DAY) } }),
			current: [voice('back', 'ready'), voice('late', 'ready')],
			fired: ['ready:late'],
			remembered: { back: 'ready', late: 'ready' },
		},
		{
			name: 'a voice still missing keeps the time a poll first missed it',
			previous: memory({}, { gone: { status: 'ready', since: iso(NOW - 29 * DAY) } }),
			current: [],
			fired: [],
			remembered: {},
			missing: { gone: { status: 'ready', since: iso(NOW - 29 * DAY) } },
		},
		{
			name: 'a voice missing for 30 days is forgotten',
			previous: memory({}, { old: { status: 'ready', since: iso(NOW - 30 * DAY) }, young: { status: 'ready', since: iso(NOW - 30 * DAY + 1) } }),
			current: [],
			fired: [],
			remembered: {},
			missing: { young: { status: 'ready', since: iso(NOW - 30 * DAY + 1) } },
		},
		{
			name: 'a voice listed again at the poll that would forget it is not new',
			previous: memory({}, { old: { status: 'ready', since: iso(NOW - 31 * DAY) } }),
			current: [voice('old', 'ready')],
			fired: [],
			remembered: { old: 'ready' },
		},
		{
			name: 'a missing entry whose time cannot be read is kept, missing since now',
			previous: memory({}, { odd: { status: 'ready', since: 'yesterday' } }),
			current: [],
			fired: [],
			remembered: {},
			missing: { odd: { status: 'ready', since: NOW_ISO } },
		},
		{
			name: 'ready → processing → ready reports ready once',
			previous: memory({ a: 'processing+ready' }),
			current: [voice('a', 'ready')],
			fired: [],
			remembered: { a: 'ready' },
		},
		{
			name: 'a ready voice listed as processing keeps its reported outcome',
			previous: memory({ a: 'ready' }),
			current: [voice('a', 'processing')],
			fired: [],
			remembered: { a: 'processing+ready' },
		},
		{
			name: 'a failed voice trained again: ready fires, failed is kept',
			previous: memory({ a: 'failed' }),
			current: [voice('a', 'ready')],
			fired: ['ready:a'],
			remembered: { a: 'ready+failed' },
		},
		{
			name: 'memory of another account (provider or credential switched): a first poll again',
			previous: memory({ a: 'processing', b: 'ready' }, { c: { status: 'ready', since: NOW_ISO } }, 'bland:cred2'),
			current: [voice('a', 'ready'), voice('x', 'ready')],
			fired: [],
			remembered: { a: 'ready', x: 'ready' },
		},
		{
			name: 'an unreadable remembered entry counts as seen and still training',
			previous: memory({ a: 'weird' }),
			current: [voice('a', 'ready')],
			fired: ['ready:a'],
			remembered: { a: 'ready' },
		},
		{
			name: 'a voice listed twice is handled once; voices without an id are skipped',
			previous: memory({}),
			current: [voice('a', 'ready'), voice('a', 'ready'), voice('', 'ready')],
			fired: ['created:a', 'ready:a'],
			remembered: { a: 'ready' },
		},
		{
			name: 'oldest voice first, whatever order the provider lists them in',
			previous: memory({}),
			current: [voice('late', 'processing', '2026-01-02T00:00:00Z'), voice('early', 'ready', '2026-01-01T00:00:00Z')],
			fired: ['created:early', 'ready:early', 'created:late'],
			remembered: { late: 'processing', early: 'ready' },
		},
		{
			name: 'an id that is an Object.prototype key is a voice like any other',
			previous: memory({}),
			current: [voice('constructor', 'processing')],
			fired: ['created:constructor'],
			remembered: { constructor: 'processing' },
		},
	];

	test.each(cases)('$name', ({ previous, current, events = ALL, includeExisting = false, fired, remembered, missing = {} }) => {
		const result = detectVoiceEvents(previous, current, { account: ACCOUNT, events, includeExisting, now: NOW });
		expect(summary(result.events)).toEqual(fired);
		expect(result.memory).toEqual({ version: 2, account: ACCOUNT, voices: remembered, missing });
	});

	test('fires each event exactly once across a sequence of polls, also when listings leave voices out', () => {
		const polls: ListedVoice[][] = [
			[voice('old', 'ready')],
			[voice('old', 'ready'), voice('new', 'processing')],
			// A listing that leaves a voice out (a hiccup, a page that shifted), then an empty one.
			[voice('new', 'processing')],
			[],
			[voice('old', 'ready'), voice('new', 'ready')],
			[voice('old', 'ready'), voice('new', 'ready')],
			// Deleted.
			[voice('new', 'ready')],
			[voice('new', 'ready')],
		];
		let state: TriggerMemory | undefined;
		const fired: string[][] = [];
		polls.forEach((list, index) => {
			const result = detectVoiceEvents(state, list, { account: ACCOUNT, events: ALL, includeExisting: false, now: NOW + index * 60_000 });
			fired.push(summary(result.events));
			state = result.memory;
		});
		expect(fired).toEqual([[], ['created:new'], [], [], ['ready:new'], [], [], []]);
		expect(state).toEqual(memory({ new: 'ready' }, { old: { status: 'ready', since: iso(NOW + 6 * 60_000) } }));
	});

	test('a voice listed again after it was forgotten is new', () => {
		const options = { account: ACCOUNT, events: ALL, includeExisting: false };
		const missedMonthAgo = memory({}, { old: { status: 'ready', since: iso(NOW - 30 * DAY) } });
		const forgotten = detectVoiceEvents(missedMonthAgo, [], { ...options, now: NOW });
		expect(forgotten.memory).toEqual(memory({}));
		const back = detectVoiceEvents(forgotten.memory, [voice('old', 'ready')], { ...options, now: NOW + 60_000 });
		expect(summary(back.events)).toEqual(['created:old', 'ready:old']);
	});

	test('a restart after upgrading from version 1 reports nothing again', () => {
		const stored = { version: 1, account: ACCOUNT, voices: { a: 'ready', b: 'processing+ready', c: 'failed', gone: 'ready' } };
		const result = detectVoiceEvents(
			readMemory(stored, ACCOUNT),
			[voice('a', 'ready'), voice('b', 'ready'), voice('c', 'failed')],
			{ account: ACCOUNT, events: ALL, includeExisting: true, now: NOW },
		);
		expect(summary(result.events)).toEqual([]);
		expect(result.memory).toEqual(
			memory({ a: 'ready', b: 'ready', c: 'failed' }, { gone: { status: 'ready', since: NOW_ISO } }),
		);
	});

	test('of voices missed by earlier polls too, 500 are kept: those missing longest go first; voices only this poll missed all stay', () => {
		const id = (prefix: string, index: number) => `${prefix}${String(index).padStart(4, '0')}`;
		const earlier: Record<string, MissingVoice> = {};
		// 502 voices missed by earlier polls: e0000 the longest, e0001 and e0002 missing since the same poll.
		for (let index = 0; index < 502; index++) {
			earlier[id('e', index)] = { status: 'ready', since: iso(NOW - DAY + Math.max(1, index) * 60_000) };
		}
		// A large account listed empty for one poll: all 1,000 of its voices are missing since now.
		const listedBefore: Record<string, string> = {};
		for (let index = 0; index < 1_000; index++) listedBefore[id('v', index)] = 'ready';

		const result = detectVoiceEvents(memory(listedBefore, earlier), [], { account: ACCOUNT, events: ALL, includeExisting: false, now: NOW });
		const missing = result.memory.missing;
		expect(Object.keys(missing)).toHaveLength(1_500);
		expect(Object.keys(missing).filter((voiceId) => voiceId.startsWith('v'))).toHaveLength(1_000);
		expect(missing).not.toHaveProperty('e0000');
		expect(missing).not.toHaveProperty('e0001');
		expect(missing).toHaveProperty('e0002');
		expect(missing.e0501).toEqual(earlier.e0501);
		expect(missing.v0999).toEqual({ status: 'ready', since: NOW_ISO });

		// Listed again at the next poll: nothing is new.
		const back = Object.keys(listedBefore).map((voiceId) => voice(voiceId, 'ready'));
		const next = detectVoiceEvents(result.memory, back, { account: ACCOUNT, events: ALL, includeExisting: false, now: NOW + 60_000 });
		expect(next.events).toEqual([]);
	});

	test('the memory reads the same whatever order the provider lists voices in', () => {
		const options = { account: ACCOUNT, events: ALL, includeExisting: false, now: NOW };
		const previous = memory({ a: 'ready', b: 'ready', c: 'ready', d: 'ready' });
		const one = detectVoiceEvents(previous, [voice('c', 'ready'), voice('a', 'ready')], options).memory;
		const other = detectVoiceEvents(previous, [voice('a', 'ready'), voice('c', 'ready')], options).memory;
		expect(JSON.stringify(one)).toBe(JSON.stringify(other));
	});
});

describe('readMemory', () => {
	const since = iso(NOW - DAY);
	test.each([
		['nothing stored', {}, undefined],
		['undefined', undefined, undefined],
		['a version it does not know', { version: 3, account: ACCOUNT, voices: {}, missing: {} }, undefined],
		['another account', { version: 2, account: 'bland:x', voices: {}, missing: {} }, undefined],
		['voices missing', { version: 2, account: ACCOUNT, missing: {} }, undefined],
		['version 1, written before missing voices were remembered', { version: 1, account: ACCOUNT, voices: { a: 'ready' } }, memory({ a: 'ready' })],
		['version 1 of another account', { version: 1, account: 'bland:x', voices: { a: 'ready' } }, undefined],
		[
			'version 2',
			{ version: 2, account: ACCOUNT, voices: { a: 'ready' }, missing: { b: { status: 'failed', since } } },
			memory({ a: 'ready' }, { b: { status: 'failed', since } }),
		],
		['version 2 without missing', { version: 2, account: ACCOUNT, voices: { a: 'ready' } }, memory({ a: 'ready' })],
		[
			'version 2 with missing entries it cannot read: still known voices',
			{ version: 2, account: ACCOUNT, voices: {}, missing: { b: 'ready', c: null, d: { status: 7 } } },
			memory({}, { b: { status: '', since: '' }, c: { status: '', since: '' }, d: { status: '', since: '' } }),
		],
	])('%s', (_name, stored, expected) => {
		expect(readMemory(stored, ACCOUNT)).toEqual(expected);
	});
});

describe('newestMatchingVoice', () => {
	const list = [
		voice('r1', 'ready', '2026-01-01T00:00:00Z'),
		voice('f1', 'failed', '2026-01-03T00:00:00Z'),
		voice('r2', 'ready', '2026-01-02T00:00:00Z'),
		voice('p1', 'processing', '2026-01-04T00:00:00Z'),
	];
	test.each<[string, VoiceEvent[], string | undefined]>([
		['ready: the newest trained voice', ['ready'], 'ready:r2'],
		['failed: the newest failed voice', ['failed'], 'failed:f1'],
		['created: the newest voice of any status', ['created'], 'created:p1'],
		['ready and failed: the newer of the two', ['ready', 'failed'], 'failed:f1'],
		['all: the newest voice, named by its outcome when it has one', ALL, 'created:p1'],
	])('%s', (_name, events, expected) => {
		const found = newestMatchingVoice(list, events);
		expect(found && `${found.event}:${found.voice.voiceId}`).toBe(expected);
	});

	test('nothing matches: undefined', () => {
		expect(newestMatchingVoice([voice('p', 'processing')], ['ready', 'failed'])).toBeUndefined();
		expect(newestMatchingVoice([], ALL)).toBeUndefined();
	});

	test('without creation dates, the last listed wins', () => {
		expect(newestMatchingVoice([voice('a', 'ready'), voice('b', 'ready')], ['ready'])?.voice.voiceId).toBe('b');
	});
});
