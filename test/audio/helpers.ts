import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'audio');
export const VALID_DIR = join(FIXTURES, 'valid');
export const MALFORMED_DIR = join(FIXTURES, 'malformed');

export interface ManifestEntry {
	expect: string;
	why: string;
}

export function validFixtures(): string[] {
	return readdirSync(VALID_DIR).sort();
}

export function readManifest(): Record<string, ManifestEntry> {
	return (JSON.parse(readFileSync(join(MALFORMED_DIR, 'manifest.json'), 'utf8')) as { files: Record<string, ManifestEntry> }).files;
}

export interface TrackedSource extends AsyncIterable<Uint8Array> {
	/** Bytes handed out so far. */
	yielded: number;
	/** How many times return() was called on an iterator. */
	returned: number;
	/** True once the generator ran to its end. */
	exhausted: boolean;
}

/** An async iterable over `bytes` in chunks of `chunkSize`, counting what it hands out. */
export function chunked(bytes: Uint8Array, chunkSize: number): TrackedSource {
	return tracked(function* () {
		for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, Math.min(bytes.length, i + chunkSize));
	});
}

/** Wraps a (lazy) chunk generator so tests can see how much was pulled and whether it was released. */
export function tracked(make: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>): TrackedSource {
	const source: TrackedSource = {
		yielded: 0,
		returned: 0,
		exhausted: false,
		[Symbol.asyncIterator]() {
			const inner = make();
			const it: Iterator<Uint8Array> | AsyncIterator<Uint8Array> =
				Symbol.asyncIterator in inner ? (inner as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]() : (inner as Iterable<Uint8Array>)[Symbol.iterator]();
			return {
				async next() {
					const r = await it.next();
					if (r.done) source.exhausted = true;
					else source.yielded += r.value.length;
					return r;
				},
				async return() {
					source.returned++;
					await it.return?.();
					return { done: true as const, value: undefined };
				},
			};
		},
	};
	return source;
}

export interface FfprobeInfo {
	codec: string;
	sampleRate: number;
	channels: number;
	duration: number;
	packets: number;
}

/** ffprobe as an independent oracle; `packets` counts the audio packets (frames) by reading them. */
export function ffprobe(file: string): FfprobeInfo {
	const out = execFileSync('ffprobe', [
		'-v', 'error', '-select_streams', 'a:0', '-count_packets',
		'-show_entries', 'format=duration:stream=codec_name,sample_rate,channels,nb_read_packets',
		'-of', 'json', file,
	]).toString();
	const json = JSON.parse(out) as {
		format: { duration: string };
		streams: Array<{ codec_name: string; sample_rate: string; channels: number; nb_read_packets: string }>;
	};
	const s = json.streams[0];
	return {
		codec: s.codec_name,
		sampleRate: Number(s.sample_rate),
		channels: s.channels,
		duration: Number(json.format.duration),
		packets: Number(s.nb_read_packets),
	};
}

/** "within 1 % or 20 ms", whichever is looser. */
export function closeDuration(actual: number, expected: number): boolean {
	return Math.abs(actual - expected) <= Math.max(0.02, expected * 0.01);
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** One mutation of `input`: bit flips, truncation, inserted / duplicated / deleted / overwritten ranges. */
export function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
	const int = (n: number) => Math.floor(rnd() * n);
	const b = Uint8Array.from(input);
	// Mutations near the start hit headers, which is where parsers can go wrong.
	const pos = (len: number) => (rnd() < 0.6 ? int(Math.min(len, 256)) : int(len));
	switch (int(7)) {
		case 0: {
			const flips = 1 + int(8);
			for (let i = 0; i < flips && b.length > 0; i++) b[pos(b.length)] ^= 1 << int(8);
			return b;
		}
		case 1:
			return b.subarray(0, int(b.length + 1));
		case 2: {
			const at = pos(b.length + 1);
			const extra = Uint8Array.from({ length: 1 + int(64) }, () => int(256));
			return concat(b.subarray(0, at), extra, b.subarray(at));
		}
		case 3: {
			const start = pos(b.length);
			const end = Math.min(b.length, start + 1 + int(512));
			const at = pos(b.length + 1);
			return concat(b.subarray(0, at), b.slice(start, end), b.subarray(at));
		}
		case 4: {
			const start = pos(b.length);
			const end = Math.min(b.length, start + 1 + int(512));
			return concat(b.subarray(0, start), b.subarray(end));
		}
		case 5: {
			// Interesting values written over size fields.
			const values = [0, 0xff, 0x7f, 0x80, 0xfe];
			const at = pos(b.length);
			for (let i = 0; i < 4 && at + i < b.length; i++) b[at + i] = values[int(values.length)];
			return b;
		}
		default:
			return Uint8Array.from({ length: int(4096) }, () => int(256));
	}
}

function concat(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let o = 0;
	for (const p of parts) {
		out.set(p, o);
		o += p.length;
	}
	return out;
}
