import {
	detectVoiceEvents,
	newestMatchingVoice,
	readMemory,
	type ListedVoice,
	type TriggerMemory,
	type VoiceEvent,
} from '../../../nodes/shared/trigger/voiceEvents';

const ACCOUNT = 'buena:cred1';
const ALL: VoiceEvent[] = ['created', 'ready', 'failed'];

const voice = (voiceId: string, status: ListedVoice['status'], createdAt?: string): ListedVoice => ({
	voiceId,
	status,
	createdAt,
});
const memory = (voices: Record<string, string>, account = ACCOUNT): TriggerMemory => ({ version: 1, account, voices });
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
			name: 'voices no longer listed are forgotten',
			previous: memory({ gone: 'ready', a: 'ready' }),
			current: [voice('a', 'ready')],
			fired: [],
			remembered: { a: 'ready' },
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
			previous: memory({ a: 'processing' }, 'bland:cred2'),
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

	test.each(cases)('$name', ({ previous, current, events = ALL, includeExisting = false, fired, remembered }) => {
		const result = detectVoiceEvents(previous, current, { account: ACCOUNT, events, includeExisting });
		expect(summary(result.events)).toEqual(fired);
		expect(result.memory).toEqual({ version: 1, account: ACCOUNT, voices: remembered });
	});

	test('fires each event exactly once across a sequence of polls', () => {
		const polls: ListedVoice[][] = [
			[voice('old', 'ready')],
			[voice('old', 'ready'), voice('new', 'processing')],
			[voice('old', 'ready'), voice('new', 'processing')],
			[voice('old', 'ready'), voice('new', 'ready')],
			[voice('old', 'ready'), voice('new', 'ready')],
			[voice('new', 'ready')],
		];
		let state: TriggerMemory | undefined;
		const fired: string[][] = [];
		for (const list of polls) {
			const result = detectVoiceEvents(state, list, { account: ACCOUNT, events: ALL, includeExisting: false });
			fired.push(summary(result.events));
			state = result.memory;
		}
		expect(fired).toEqual([[], ['created:new'], [], ['ready:new'], [], []]);
		expect(state?.voices).toEqual({ new: 'ready' });
	});
});

describe('readMemory', () => {
	test.each([
		['nothing stored', {}, undefined],
		['undefined', undefined, undefined],
		['another version', { version: 2, account: ACCOUNT, voices: {} }, undefined],
		['another account', { version: 1, account: 'bland:x', voices: {} }, undefined],
		['voices missing', { version: 1, account: ACCOUNT }, undefined],
		['usable', { version: 1, account: ACCOUNT, voices: { a: 'ready' } }, memory({ a: 'ready' })],
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
