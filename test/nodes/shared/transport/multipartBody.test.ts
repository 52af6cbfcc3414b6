import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import FormData from 'form-data';

import { MultipartBody, type MultipartPart } from '../../../../nodes/shared/transport/multipartBody';

/** What a server sees in a multipart body, in order: fields with values, files with their bytes' hash. */
type Received =
	| { kind: 'field'; name: string; value: string }
	| { kind: 'file'; name: string; fileName: string; contentType: string; bytes: number; sha256: string };

async function receive(body: Buffer, contentType: string): Promise<Received[]> {
	return await new Promise((resolve, reject) => {
		const parser = busboy({ headers: { 'content-type': contentType }, defParamCharset: 'utf8', preservePath: true });
		const parts: Array<Promise<Received>> = [];
		parser.on('field', (name, value) => parts.push(Promise.resolve({ kind: 'field', name, value })));
		parser.on('file', (name, stream, info) => {
			parts.push(
				new Promise((done) => {
					const hash = createHash('sha256');
					let bytes = 0;
					stream.on('data', (chunk: Buffer) => {
						bytes += chunk.length;
						hash.update(chunk);
					});
					stream.on('end', () =>
						done({ kind: 'file', name, fileName: info.filename ?? '', contentType: info.mimeType, bytes, sha256: hash.digest('hex') }),
					);
				}),
			);
		});
		parser.on('error', reject);
		parser.on('close', () => void Promise.all(parts).then(resolve, reject));
		parser.end(body);
	});
}

interface Spec {
	fields: Array<[string, string]>;
	files: Array<{ name: string; fileName: string; contentType: string; data: Buffer }>;
}

/** Sends a file's bytes in uneven chunks, as n8n's binary store does from disk. */
function chunked(data: Buffer, sizes = [1, 7, 4096, 65536]): Readable {
	const chunks: Buffer[] = [];
	for (let offset = 0, i = 0; offset < data.length; i++) {
		const size = sizes[i % sizes.length];
		chunks.push(data.subarray(offset, offset + size));
		offset += size;
	}
	return Readable.from(chunks, { objectMode: false });
}

function ourBody(spec: Spec): MultipartBody {
	const parts: MultipartPart[] = [
		...spec.fields.map(([name, value]) => ({ name, value })),
		...spec.files.map(({ name, fileName, contentType, data }) => ({
			name,
			file: { fileName, contentType, bytes: data.length, open: async () => chunked(data) },
		})),
	];
	return new MultipartBody(parts);
}

function formDataBody(spec: Spec): { body: Buffer; contentType: string } {
	const form = new FormData();
	for (const [name, value] of spec.fields) form.append(name, value);
	for (const { name, fileName, contentType, data } of spec.files) form.append(name, data, { filename: fileName, contentType });
	return { body: form.getBuffer(), contentType: form.getHeaders()['content-type'] as string };
}

async function collect(body: MultipartBody): Promise<Buffer> {
	const chunks: Uint8Array[] = [];
	for await (const chunk of body.stream()) chunks.push(chunk);
	return Buffer.concat(chunks);
}

const wav = (bytes: number) => Buffer.concat([Buffer.from('RIFF'), randomBytes(bytes - 4)]);

const cases: Array<[string, Spec]> = [
	['one file and the usual fields', {
		fields: [['name', 'Sales Voice'], ['description', 'Energetic']],
		files: [{ name: 'files', fileName: 'intro.wav', contentType: 'audio/wav', data: wav(48_044) }],
	}],
	['ten files under one repeated field', {
		fields: [['name', 'Ten']],
		files: Array.from({ length: 10 }, (_, i) => ({
			name: 'audio_samples', fileName: `take-${i}.mp3`, contentType: 'audio/mpeg', data: wav(1_000 + i * 9_973),
		})),
	}],
	['an empty text field and a multi-line one', {
		fields: [['name', 'Lines'], ['description', ''], ['notes', 'first line\nsecond line\r\nthird\n']],
		files: [{ name: 'files', fileName: 'a.flac', contentType: 'audio/flac', data: wav(300) }],
	}],
	['file names with quotes and non-ASCII characters', {
		fields: [['name', 'Zoë "the voice" 日本']],
		files: [
			{ name: 'files', fileName: 'say "hello".wav', contentType: 'audio/wav', data: wav(2_000) },
			{ name: 'files', fileName: 'Grüße – ñandú 声.m4a', contentType: 'audio/mp4', data: wav(3_000) },
			{ name: 'files', fileName: 'semi;colon=equals.ogg', contentType: 'audio/ogg', data: wav(50) },
		],
	}],
	['a JSON settings field', {
		fields: [['name', 'J'], ['settings', JSON.stringify({ stability: 0.5, clarity: 0.75, use_speaker_boost: true })]],
		files: [{ name: 'files', fileName: 'x.wav', contentType: 'audio/wav', data: wav(10) }],
	}],
];

describe('MultipartBody against form-data as the oracle', () => {
	it.each(cases)('%s: a server reads the same fields, file names, content types and bytes', async (_, spec) => {
		const body = ourBody(spec);
		const ours = await collect(body);
		const oracle = formDataBody(spec);
		const received = await receive(ours, body.type);
		expect(received).toEqual(await receive(oracle.body, oracle.contentType));
		// And what was put in, so a parser that drops everything cannot make the two agree. Quotes
		// in a file name are sent as %22, as browsers do (a quote would end the header parameter).
		expect(received).toHaveLength(spec.fields.length + spec.files.length);
		expect(received.filter((part) => part.kind === 'file').map((part) => (part as { fileName: string }).fileName))
			.toEqual(spec.files.map((file) => file.fileName.replace(/"/g, '%22')));
	});

	it.each(cases)('%s: the announced size is the exact length sent', async (_, spec) => {
		const body = ourBody(spec);
		const sent = await collect(body);
		expect(body.size).toBe(sent.length);
		expect(body.headers).toEqual({ 'content-type': body.type, 'content-length': String(sent.length) });
		expect(body.type).toMatch(/^multipart\/form-data; boundary=[-\w]{27,70}$/);
	});

	it('uses a fresh boundary for every body', () => {
		const spec = cases[0][1];
		expect(ourBody(spec).type).not.toBe(ourBody(spec).type);
	});

	it('looks like a Blob to axios and is not empty to n8n', () => {
		const body = ourBody(cases[0][1]);
		expect(Object.prototype.toString.call(body)).toBe('[object Blob]');
		expect(Object.keys(body).length).toBeGreaterThan(0);
	});
});

/** A file source that records whether it was opened and destroyed. */
function trackedSource(data: Buffer) {
	const state = { opened: false, destroyed: false };
	return {
		state,
		open: async () => {
			state.opened = true;
			const stream = chunked(data, [1024]);
			stream.on('close', () => (state.destroyed = true));
			return stream;
		},
	};
}

function trackedBody(count: number, options: { failOpening?: number; sizeLie?: number } = {}) {
	const data = wav(10_000);
	const sources = Array.from({ length: count }, () => trackedSource(data));
	const parts: MultipartPart[] = [{ name: 'name', value: 'x' }];
	sources.forEach((source, index) =>
		parts.push({
			name: 'files',
			file: {
				fileName: `f${index}.wav`,
				contentType: 'audio/wav',
				bytes: index === options.sizeLie ? data.length + 1 : data.length,
				open: index === options.failOpening ? async () => await Promise.reject(new Error('binary data not found')) : source.open,
			},
		}),
	);
	return { body: new MultipartBody(parts), sources: sources.map((source) => source.state) };
}

const settle = async () => await new Promise((resolve) => setImmediate(resolve));

describe('MultipartBody file lifecycle', () => {
	it('opens each file only when the request reaches it and closes it once read', async () => {
		const { body, sources } = trackedBody(3);
		const iterator = body.stream()[Symbol.asyncIterator]();
		await iterator.next(); // the first part's header
		expect(sources.map((source) => source.opened)).toEqual([false, false, false]);
		let result = await iterator.next();
		while (!result.done) result = await iterator.next();
		await settle();
		expect(sources).toEqual(Array(3).fill({ opened: true, destroyed: true }));
	});

	it('stops at a file that cannot be opened, closes the ones before and never opens the rest', async () => {
		const { body, sources } = trackedBody(4, { failOpening: 2 });
		await expect(collect(body)).rejects.toThrow('"f2.wav" could not be opened: binary data not found');
		expect(body.readFailure?.message).toBe('"f2.wav" could not be opened: binary data not found');
		await settle();
		expect(sources[0]).toEqual({ opened: true, destroyed: true });
		expect(sources[1]).toEqual({ opened: true, destroyed: true });
		expect(sources[3]).toEqual({ opened: false, destroyed: false });
	});

	it('closes the file being sent when the request is cancelled, and opens no other', async () => {
		const { body, sources } = trackedBody(3);
		const iterator = body.stream()[Symbol.asyncIterator]();
		while (!sources[0].opened) await iterator.next();
		await iterator.next(); // the first chunk of file 0
		expect(sources[0]).toEqual({ opened: true, destroyed: false });
		body.close();
		await settle();
		expect(sources[0].destroyed).toBe(true);
		let result = await iterator.next().catch(() => ({ done: true }));
		while (!result.done) result = await iterator.next().catch(() => ({ done: true }));
		expect(sources.slice(1).map((source) => source.opened)).toEqual([false, false]);
	});

	it('closes the file being sent when the consumer stops reading (the request failed)', async () => {
		const { body, sources } = trackedBody(2);
		for await (const chunk of body.stream()) {
			if (chunk.length === 1024) break;
		}
		await settle();
		expect(sources[0]).toEqual({ opened: true, destroyed: true });
		expect(sources[1].opened).toBe(false);
	});

	it('fails rather than send a body whose length differs from the announced one', async () => {
		const { body, sources } = trackedBody(2, { sizeLie: 1 });
		await expect(collect(body)).rejects.toThrow('"f1.wav" changed while it was being sent: expected 10001 bytes, got 10000');
		await settle();
		expect(sources[1]).toEqual({ opened: true, destroyed: true });
	});

	it('is good for one request only', async () => {
		const { body } = trackedBody(1);
		await collect(body);
		await expect(collect(body)).rejects.toThrow('A multipart body can be sent only once');
	});

	it('sends in-memory binaries as they are', async () => {
		const data = wav(5_000);
		const body = new MultipartBody([{ name: 'files', file: { fileName: 'm.wav', contentType: 'audio/wav', bytes: data.length, open: async () => data } }]);
		const [part] = await receive(await collect(body), body.type);
		expect(part).toEqual({
			kind: 'file', name: 'files', fileName: 'm.wav', contentType: 'audio/wav', bytes: 5_000,
			sha256: createHash('sha256').update(data).digest('hex'),
		});
	});
});
