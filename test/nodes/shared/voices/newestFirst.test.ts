import { instantOf, newestFirst } from '../../../../nodes/shared/voices/newestFirst';

describe('instantOf', () => {
	it.each([
		['2024-05-01T10:00:00Z', Date.UTC(2024, 4, 1, 10)],
		['2024-05-01T12:00:00+02:00', Date.UTC(2024, 4, 1, 10)],
		['2024-05-01T05:30:00-0430', Date.UTC(2024, 4, 1, 10)],
		['2024-05-01T10:00:00.250Z', Date.UTC(2024, 4, 1, 10, 0, 0, 250)],
		['2024-05-01T10:00:00.250123456Z', Date.UTC(2024, 4, 1, 10, 0, 0, 250)],
		// No offset: read as UTC whatever the host's time zone.
		['2024-05-01T10:00:00', Date.UTC(2024, 4, 1, 10)],
		['2024-05-01 10:00:00.5', Date.UTC(2024, 4, 1, 10, 0, 0, 500)],
		['2024-05-01T10:00', Date.UTC(2024, 4, 1, 10)],
		['  2024-05-01T10:00:00Z ', Date.UTC(2024, 4, 1, 10)],
	])('%s', (text, expected) => expect(instantOf(text)).toBe(expected));

	it.each([null, undefined, '', '   ', 'yesterday', '2024-13-45T99:00:00Z'])('%j cannot be read', (text) => {
		expect(instantOf(text)).toBeUndefined();
	});
});

describe('newestFirst', () => {
	const voices = [
		{ id: 'plus-two', createdAt: '2024-05-01T12:00:00+02:00' }, // 10:00Z, the oldest
		{ id: 'later-ms', createdAt: '2024-05-01T10:30:00.250Z' }, // the newest
		{ id: 'undated', createdAt: null },
		{ id: 'whole-second', createdAt: '2024-05-01T10:30:00Z' },
		{ id: 'minus', createdAt: '2024-05-01T06:15:00-04:00' }, // 10:15Z
	];

	it('orders by instant, not by the text (offsets and precision differ), undated last or first as asked', () => {
		expect([...voices].sort(newestFirst('oldest')).map((voice) => voice.id)).toEqual([
			'later-ms',
			'whole-second',
			'minus',
			'plus-two',
			'undated',
		]);
		expect([...voices].sort(newestFirst('newest')).map((voice) => voice.id)[0]).toBe('undated');
	});

	it('keeps the given order among voices of the same age', () => {
		const same = [
			{ id: 'a', createdAt: '2024-05-01T10:00:00Z' },
			{ id: 'b', createdAt: '2024-05-01T12:00:00+02:00' },
			{ id: 'c', createdAt: '2024-05-01T10:00:00.000Z' },
		];
		expect([...same].sort(newestFirst('oldest')).map((voice) => voice.id)).toEqual(['a', 'b', 'c']);
	});
});
