import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseStream } from 'music-metadata';

import type { FileSink } from './multipart';

export type SniffedFormat = 'wav' | 'mp3' | 'm4a' | 'flac';

/** Buena's accepted formats, recognised by content only (file name and declared type are ignored). */
export function sniffFormat(head: Buffer): SniffedFormat | undefined {
	if (head.length >= 12) {
		const riff = head.toString('latin1', 0, 4);
		if ((riff === 'RIFF' || riff === 'RF64') && head.toString('latin1', 8, 12) === 'WAVE') return 'wav';
	}
	if (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp') return 'm4a';
	if (head.length >= 4 && head.toString('latin1', 0, 4) === 'fLaC') return 'flac';
	if (head.length >= 3 && head.toString('latin1', 0, 3) === 'ID3') return 'mp3';
	if (head.length >= 3 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0) {
		const version = (head[1] >> 3) & 0x03; // 01 reserved
		const layer = (head[1] >> 1) & 0x03; // 00 reserved
		const bitrate = (head[2] >> 4) & 0x0f; // 1111 bad
		const rate = (head[2] >> 2) & 0x03; // 11 reserved
		if (version !== 1 && layer !== 0 && bitrate !== 0x0f && rate !== 3) return 'mp3';
	}
	return undefined;
}

let previewCache: Buffer | undefined;
/** A real, tiny MP3 (espeak-ng + ffmpeg, committed in assets/) returned by Buena's preview. */
export function previewMp3(): Buffer {
	previewCache ??= readFileSync(join(__dirname, 'assets', 'preview.mp3'));
	return previewCache;
}

/** A valid 16-bit mono PCM WAV: a quiet tone lasting about as long as the text would take to say. */
export function speechWav(text: string, sampleRate = 16000): Buffer {
	const seconds = Math.min(30, Math.max(0.5, [...text].length * 0.06));
	const samples = Math.round(seconds * sampleRate);
	const buf = Buffer.alloc(44 + samples * 2);
	buf.write('RIFF', 0, 'latin1');
	buf.writeUInt32LE(36 + samples * 2, 4);
	buf.write('WAVE', 8, 'latin1');
	buf.write('fmt ', 12, 'latin1');
	buf.writeUInt32LE(16, 16);
	buf.writeUInt16LE(1, 20); // PCM
	buf.writeUInt16LE(1, 22); // mono
	buf.writeUInt32LE(sampleRate, 24);
	buf.writeUInt32LE(sampleRate * 2, 28);
	buf.writeUInt16LE(2, 32);
	buf.writeUInt16LE(16, 34);
	buf.write('data', 36, 'latin1');
	buf.writeUInt32LE(samples * 2, 40);
	for (let i = 0; i < samples; i++) {
		buf.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / sampleRate)), 44 + i * 2);
	}
	return buf;
}

/**
 * A sink that measures a sample's duration with music-metadata while its bytes stream past.
 * Bytes go through a small PassThrough with back-pressure; nothing is accumulated. Once the
 * parser has its answer (or the caller abandons the file) further bytes are simply not fed.
 */
export class DurationProbe implements FileSink {
	readonly result: Promise<number | undefined>;
	private readonly pt = new PassThrough({ highWaterMark: 64 * 1024 });
	private settled = false;
	private abandoned = false;
	private drainWaiters: Array<() => void> = [];
	private onAbandon: () => void = () => undefined;

	/** The declared content type is deliberately not passed: music-metadata would trust it over the bytes. */
	constructor() {
		this.pt.on('error', () => undefined);
		this.pt.on('drain', () => this.release());
		const abandoned = new Promise<undefined>((resolve) => (this.onAbandon = () => resolve(undefined)));
		const parsed = parseStream(this.pt, {}, { duration: true, skipCovers: true, skipPostHeaders: true })
			.then((meta) => {
				const d = meta.format.duration;
				return typeof d === 'number' && Number.isFinite(d) && d > 0 ? d : undefined;
			})
			.catch(() => undefined)
			.finally(() => {
				this.settled = true;
				this.release();
				this.pt.destroy();
			});
		this.result = Promise.race([parsed, abandoned]);
	}

	write(chunk: Buffer): void | Promise<void> {
		if (this.settled || this.abandoned) return;
		if (this.pt.write(chunk)) return;
		return new Promise<void>((resolve) => this.drainWaiters.push(resolve));
	}

	end(): void {
		if (!this.settled && !this.abandoned) this.pt.end();
	}

	/** Stop feeding (the file is rejected for another reason); the result resolves soon after. */
	abandon(): void {
		if (this.abandoned) return;
		this.abandoned = true;
		this.release();
		this.onAbandon();
		this.pt.destroy(new Error('abandoned'));
	}

	private release(): void {
		const waiters = this.drainWaiters;
		this.drainWaiters = [];
		for (const w of waiters) w();
	}
}
