/**
 * Benchmark: our probe vs music-metadata (parseFile with duration) on every valid fixture, in the
 * same run. For each file: bytes read and median time over --reps repetitions (default 15).
 * Prints a table; asserts nothing. Goal: <= 64 KiB read for header formats, >= 10x faster.
 *
 *   npm run bench:probe -- [--reps 15]
 */
import fs, { readFileSync, readdirSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { parseFile } from 'music-metadata';
import { probeAudio } from '../nodes/shared/audio';

const dir = join(__dirname, '..', 'test', 'fixtures', 'audio', 'valid');
const repsArg = process.argv.indexOf('--reps');
const reps = repsArg >= 0 ? Number(process.argv[repsArg + 1]) : 15;

function median(values: number[]): number {
	const s = [...values].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Bytes music-metadata reads: its file tokenizer calls fs.read(fd, ...), counted here. */
async function measureMusicMetadataBytes(file: string): Promise<number> {
	const mutableFs = fs as unknown as { read: (...args: unknown[]) => void };
	const original = mutableFs.read;
	let bytes = 0;
	mutableFs.read = (...args: unknown[]) => {
		const callback = args[args.length - 1] as (err: unknown, n: number, b: unknown) => void;
		args[args.length - 1] = (err: unknown, n: number, b: unknown) => {
			if (!err) bytes += n;
			callback(err, n, b);
		};
		original.apply(fs, args);
	};
	try {
		await parseFile(file, { duration: true });
	} finally {
		mutableFs.read = original;
	}
	return bytes;
}

/** The file as an async iterable of 16 KiB chunks read through a FileHandle (closed on return()). */
async function* fileChunks(file: string, chunkSize = 16 * 1024): AsyncGenerator<Uint8Array> {
	const handle = await open(file, 'r');
	try {
		for (;;) {
			const buffer = Buffer.allocUnsafe(chunkSize);
			const { bytesRead } = await handle.read(buffer, 0, chunkSize, null);
			if (bytesRead === 0) return;
			yield buffer.subarray(0, bytesRead);
		}
	} finally {
		await handle.close();
	}
}

async function main(): Promise<void> {
	const files = readdirSync(dir).sort();
	const rows: string[][] = [];
	const ratios: number[] = [];
	const ratiosMemory: number[] = [];
	for (const name of files) {
		const file = join(dir, name);
		const size = statSync(file).size;
		// From disk, both open and read the file themselves: ours streams it in 16 KiB chunks with the
		// size known from stat (as n8n knows it); music-metadata reads it through its file tokenizer.
		// "memory" is our probe on the bytes already in memory (n8n's default binary data mode).
		const bytes = readFileSync(file);
		const oursFile: number[] = [];
		const oursMemory: number[] = [];
		const theirs: number[] = [];
		let streamBytes = 0;
		let exactBytes = 0;
		for (let r = 0; r < reps + 2; r++) {
			let t = performance.now();
			const info = await probeAudio(fileChunks(file), { totalBytes: size });
			const a = performance.now() - t;
			streamBytes = info.bytesRead;
			t = performance.now();
			exactBytes = (await probeAudio(bytes)).bytesRead;
			const m = performance.now() - t;
			t = performance.now();
			await parseFile(file, { duration: true });
			const b = performance.now() - t;
			if (r >= 2) {
				oursFile.push(a);
				oursMemory.push(m);
				theirs.push(b);
			}
		}
		const mmBytes = await measureMusicMetadataBytes(file);
		const ratio = median(theirs) / median(oursFile);
		const ratioMemory = median(theirs) / median(oursMemory);
		ratios.push(ratio);
		ratiosMemory.push(ratioMemory);
		rows.push([
			name,
			String(size),
			String(exactBytes),
			String(streamBytes),
			String(mmBytes),
			median(oursFile).toFixed(3),
			median(oursMemory).toFixed(3),
			median(theirs).toFixed(3),
			`${ratio.toFixed(1)}x`,
			`${ratioMemory.toFixed(0)}x`,
		]);
	}
	const header = ['fixture', 'size', 'probe bytes', 'stream bytes', 'mm bytes', 'probe ms file', 'probe ms mem', 'mm ms', 'x file', 'x mem'];
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
	console.log(`median of ${reps} repetitions, Node ${process.version}`);
	console.log(line(header));
	console.log(widths.map((w) => '-'.repeat(w)).join('  '));
	for (const r of rows) console.log(line(r));
	console.log('\nprobe bytes: bytes looked at (in-memory source); stream bytes: 16 KiB chunks pulled from the file');
	console.log(`speed-up from file: median ${median(ratios).toFixed(1)}x, min ${Math.min(...ratios).toFixed(1)}x, max ${Math.max(...ratios).toFixed(1)}x`);
	console.log(`speed-up in memory: median ${median(ratiosMemory).toFixed(0)}x, min ${Math.min(...ratiosMemory).toFixed(0)}x, max ${Math.max(...ratiosMemory).toFixed(0)}x`);
}

void main();
