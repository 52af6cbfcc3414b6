import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { parseBinaryPropertyNames, selectItemBinaries } from '../../../../nodes/shared/samples/binaryInput';
import { isBinaryData, itemBinaries } from '../../../../nodes/shared/samples/itemBinaries';

/** A binary as n8n's store describes one (filesystem/database mode): an id and no bytes. */
const stored = (id: string, fileName = `${id}.wav`): IBinaryData => ({
	id: `filesystem-v2:workflows/1/executions/7/binary_data/${id}`,
	data: 'filesystem-v2',
	mimeType: 'audio/wav',
	fileName,
});
/** A binary kept in the item (n8n's in-memory "default" mode): base64 bytes and no id. */
const inMemory = (fileName: string): IBinaryData => ({ data: 'UklGRg==', mimeType: 'audio/wav', fileName });

type Item = Pick<INodeExecutionData, 'json' | 'binary'>;
const inBinary = (binary: Record<string, IBinaryData>, json: IDataObject = {}): Item => ({ json, binary });
/** What n8n 2.x's combined binary mode hands the next node: binaries in json._files, none in binary. */
const inFiles = (files: Record<string, unknown>, json: IDataObject = {}): Item => ({
	json: { ...json, _files: files as IDataObject },
});

/** The property and file name of each selected binary, in order. */
function select(item: Item | undefined, parameter: string) {
	const { inputs, problems } = selectItemBinaries(item, 3, parseBinaryPropertyNames(parameter));
	return { selected: inputs.map((input) => [input.property, input.binary.fileName]), problems };
}

describe('isBinaryData: what counts as a binary under json._files', () => {
	it.each<[string, boolean, unknown]>([
		['a stored binary (id)', true, stored('a')],
		['an in-memory binary (data)', true, inMemory('a.wav')],
		['an id without data', true, { id: 'filesystem-v2:x', mimeType: 'audio/wav' }],
		['empty data (an empty file kept in memory)', true, { data: '', mimeType: 'audio/wav' }],
		['no mimeType', false, { id: 'filesystem-v2:x', data: 'filesystem-v2' }],
		['neither id nor data', false, { mimeType: 'audio/wav', fileName: 'a.wav' }],
		['an empty id and no data', false, { id: '', mimeType: 'audio/wav' }],
		['a number as data', false, { data: 5, mimeType: 'audio/wav' }],
		['a string', false, 'filesystem-v2:x'],
		['an array', false, [stored('a')]],
		['null', false, null],
	])('%s → %s', (_, expected, value) => {
		expect(isBinaryData(value)).toBe(expected);
	});
});

describe('itemBinaries: both places, junk ignored', () => {
	it('lists item.binary first, then json._files, each with its place', () => {
		const found = itemBinaries({ json: { _files: { b: stored('b') } }, binary: { a: inMemory('a.wav') } });
		expect([...found].map(([name, { place }]) => [name, place])).toEqual([
			['a', 'binary'],
			['b', '_files'],
		]);
	});

	it.each<[string, unknown]>([
		['a string', 'data'],
		['an array of binaries', [stored('a')]],
		['null', null],
		['a number', 42],
	])('ignores json._files that is %s', (_, files) => {
		expect(itemBinaries({ json: { _files: files as IDataObject } }).size).toBe(0);
	});

	it('ignores entries of json._files that are not binaries, keeps the ones that are', () => {
		const found = itemBinaries(inFiles({ note: 'hello', count: 3, half: { mimeType: 'audio/wav' }, voice: stored('voice') }));
		expect([...found.keys()]).toEqual(['voice']);
	});

	it('takes a name found in both places from item.binary, whatever the order of the keys', () => {
		const item = { json: { _files: { data: stored('old', 'from-files.wav'), extra: stored('x') } }, binary: { data: inMemory('from-binary.wav') } };
		const found = itemBinaries(item);
		expect(found.get('data')).toEqual({ binary: item.binary.data, place: 'binary' });
		expect([...found.keys()]).toEqual(['data', 'extra']);
	});

	it('has nothing for a missing item or an item with neither place', () => {
		expect(itemBinaries(undefined).size).toBe(0);
		expect(itemBinaries({ json: {} }).size).toBe(0);
	});
});

describe('selectItemBinaries: data, comma lists and * behave the same in both places', () => {
	const places = {
		'item.binary': (files: Record<string, IBinaryData>) => inBinary(files),
		'json._files': (files: Record<string, IBinaryData>) => inFiles(files),
	};

	describe.each(Object.entries(places))('binaries in %s', (_, make) => {
		const item = make({ data: stored('d', 'intro.wav'), second: stored('s', 'outro.wav'), third: stored('t', 'pitch.wav') });

		it('"data" picks the data binary', () => {
			expect(select(item, 'data')).toEqual({ selected: [['data', 'intro.wav']], problems: [] });
		});

		it('a comma list picks each, in the order asked, once', () => {
			expect(select(item, ' third , data,third ')).toEqual({
				selected: [['third', 'pitch.wav'], ['data', 'intro.wav']],
				problems: [],
			});
		});

		it('* picks every binary', () => {
			expect(select(item, '*').selected).toEqual([
				['data', 'intro.wav'],
				['second', 'outro.wav'],
				['third', 'pitch.wav'],
			]);
		});

		it('a missing name is a problem that lists what the item has', () => {
			const { selected, problems } = select(item, 'data,voice');
			expect(selected).toEqual([['data', 'intro.wav']]);
			expect(problems).toHaveLength(1);
			expect(problems[0]).toMatch(/^Item 3 has no binary property "voice" \(it has "data".*, "second".*, "third".*\)$/);
		});
	});

	it('a missing name lists the binaries of both places and says which are in _files', () => {
		const item = { json: { _files: { b: stored('b'), junk: 'x' } }, binary: { a: inMemory('a.wav') } };
		expect(select(item, 'voice').problems).toEqual(['Item 3 has no binary property "voice" (it has "a", "b" (in _files))']);
	});

	it('mixes both places in one selection', () => {
		const item = { json: { _files: { b: stored('b', 'b.wav') } }, binary: { a: inMemory('a.wav') } };
		expect(select(item, 'b,a').selected).toEqual([['b', 'b.wav'], ['a', 'a.wav']]);
		expect(select(item, '*').selected).toEqual([['a', 'a.wav'], ['b', 'b.wav']]);
	});

	it('a name in both places is selected once, from item.binary', () => {
		const item = { json: { _files: { data: stored('d', 'from-files.wav') } }, binary: { data: inMemory('from-binary.wav') } };
		expect(select(item, '*').selected).toEqual([['data', 'from-binary.wav']]);
		expect(select(item, 'data').selected).toEqual([['data', 'from-binary.wav']]);
	});

	it('junk under json._files is not selectable and not listed', () => {
		const item = inFiles({ data: { fileName: 'a.wav' }, notes: 'text' });
		expect(select(item, 'data').problems).toEqual(['Item 3 has no binary property "data" (it has no binary data at all)']);
		expect(select(item, '*').problems).toEqual(['Item 3 has no binary data']);
	});

	it('an empty parameter is a problem of its own', () => {
		expect(select(inFiles({ data: stored('d') }), ' , ').problems).toEqual(['No binary property name is set for item 3']);
	});
});
