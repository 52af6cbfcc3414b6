import { AudioProbeError, formatBytes, toProbeError } from './errors';

/** Largest number of bytes a parser may ask the reader to hold at once (`ensure`). */
export const MAX_WINDOW = 1024 * 1024;

/**
 * Most bytes of metadata (ID3 tags, WAV chunks before 'data', MP4 boxes before 'moov' other than
 * 'mdat') the probe will skip over while looking for the audio description. Skipping keeps no
 * bytes, so this bounds time, not memory.
 */
export const MAX_HEADER_SKIP = 32 * 1024 * 1024;

const EMPTY = new Uint8Array(0);

export interface ReaderOptions {
	totalBytes?: number;
	signal?: AbortSignal;
}

/**
 * Forward-only byte reader over an async iterable of chunks or an in-memory buffer.
 *
 * It keeps only the chunks that hold bytes not yet consumed, so memory is bounded by the largest
 * `ensure()` request plus one source chunk. `skip()` discards bytes without keeping them.
 *
 * `bytesRead` is how far into the source the probe went: for an iterable, the total size of the
 * chunks pulled from it (skipped bytes included: they had to be pulled); for a buffer, the furthest
 * offset looked at or skipped to.
 */
export class ByteReader {
	/** Absolute offset of the next unread byte. */
	position = 0;
	/** Size of the whole source when known (always known for a buffer). */
	readonly totalBytes: number | undefined;
	/** Largest number of bytes held at once (for tests of bounded memory). */
	peakBuffered = 0;

	private readonly queue: Uint8Array[] = [];
	private head = 0;
	private buffered = 0;
	private iterator: AsyncIterator<Uint8Array> | undefined;
	private finished = false;
	private pulled = 0;
	private reach = 0;
	private readonly isBuffer: boolean;
	private readonly signal: AbortSignal | undefined;

	constructor(source: AsyncIterable<Uint8Array> | Uint8Array, options: ReaderOptions = {}) {
		this.signal = options.signal;
		if (source instanceof Uint8Array) {
			this.isBuffer = true;
			this.finished = true;
			if (source.length > 0) this.queue.push(source);
			this.buffered = source.length;
			this.totalBytes = source.length;
		} else {
			this.isBuffer = false;
			const total = options.totalBytes;
			this.totalBytes =
				typeof total === 'number' && Number.isFinite(total) && total >= 0 ? Math.floor(total) : undefined;
			if (source === null || typeof source !== 'object' || !(Symbol.asyncIterator in source)) {
				throw new AudioProbeError(
					'SOURCE_ERROR',
					'The audio source is neither a byte array nor an async iterable of byte chunks',
				);
			}
			this.iterator = source[Symbol.asyncIterator]();
		}
	}

	get bytesRead(): number {
		return this.isBuffer ? Math.max(this.reach, this.position) : this.pulled;
	}

	/** Bytes between the current position and the end of the source, when the size is known. */
	get remainingKnown(): number | undefined {
		return this.totalBytes === undefined ? undefined : Math.max(0, this.totalBytes - this.position);
	}

	checkAborted(): void {
		if (this.signal?.aborted) {
			throw new AudioProbeError('ABORTED', 'Reading the audio was cancelled', {
				cause: this.signal.reason,
			});
		}
	}

	/** Pulls one more chunk into the queue; false at the end of the source. */
	private async pull(): Promise<boolean> {
		if (this.finished || !this.iterator) return false;
		this.checkAborted();
		for (;;) {
			let result: IteratorResult<Uint8Array>;
			try {
				result = await this.iterator.next();
			} catch (error) {
				this.finished = true;
				throw toProbeError(error, 'SOURCE_ERROR', 'Reading the audio failed');
			}
			this.checkAborted();
			if (result.done) {
				this.finished = true;
				return false;
			}
			const chunk = result.value as unknown;
			if (!(chunk instanceof Uint8Array)) {
				throw new AudioProbeError(
					'SOURCE_ERROR',
					'The audio source yielded something that is not a chunk of bytes',
				);
			}
			if (chunk.length === 0) continue;
			this.pulled += chunk.length;
			this.queue.push(chunk);
			this.buffered += chunk.length;
			if (this.buffered > this.peakBuffered) this.peakBuffered = this.buffered;
			return true;
		}
	}

	/** Makes up to `n` bytes available from the current position; returns how many are. */
	async ensure(n: number): Promise<number> {
		if (n > MAX_WINDOW) {
			throw new AudioProbeError(
				'TOO_LARGE_HEADER',
				`A header needs ${formatBytes(n)} held in memory, more than the limit of ${formatBytes(MAX_WINDOW)}`,
			);
		}
		while (this.buffered < n) {
			if (!(await this.pull())) break;
		}
		const available = Math.min(n, this.buffered);
		if (this.position + available > this.reach) this.reach = this.position + available;
		return available;
	}

	/** The next `n` bytes without consuming them; `ensure(n)` must have returned at least `n`. */
	peek(n: number): Uint8Array {
		if (n === 0) return EMPTY;
		if (n > this.buffered) throw new AudioProbeError('CORRUPT', 'Internal: peek beyond buffered bytes');
		const first = this.queue[0];
		if (first.length - this.head >= n) return first.subarray(this.head, this.head + n);
		const out = new Uint8Array(n);
		let filled = 0;
		let offset = this.head;
		for (const chunk of this.queue) {
			const take = Math.min(n - filled, chunk.length - offset);
			out.set(chunk.subarray(offset, offset + take), filled);
			filled += take;
			offset = 0;
			if (filled === n) break;
		}
		return out;
	}

	/** Reads exactly `n` bytes or throws TRUNCATED naming `what`. */
	async read(n: number, what: string): Promise<Uint8Array> {
		const available = await this.ensure(n);
		if (available < n) {
			throw new AudioProbeError(
				'TRUNCATED',
				`The file ends inside ${what} (needed ${formatBytes(n)}, only ${formatBytes(available)} left at offset ${this.position})`,
			);
		}
		const bytes = this.peek(n);
		this.consume(n);
		return bytes;
	}

	/** Reads up to `n` bytes (fewer only at the end of the source). */
	async readUpTo(n: number): Promise<Uint8Array> {
		const available = await this.ensure(n);
		const bytes = this.peek(available);
		this.consume(available);
		return bytes;
	}

	private consume(n: number): void {
		this.position += n;
		this.buffered -= n;
		let left = n;
		while (left > 0) {
			const first = this.queue[0];
			const inFirst = first.length - this.head;
			if (inFirst > left) {
				this.head += left;
				return;
			}
			left -= inFirst;
			this.queue.shift();
			this.head = 0;
		}
		if (this.queue.length > 0 && this.head === this.queue[0].length) {
			this.queue.shift();
			this.head = 0;
		}
	}

	/** Skips up to `n` bytes without keeping them; returns how many were skipped (fewer at EOF). */
	async skip(n: number): Promise<number> {
		if (!(n > 0)) return 0;
		let left = n;
		for (;;) {
			const fromBuffer = Math.min(left, this.buffered);
			if (fromBuffer > 0) {
				this.consume(fromBuffer);
				left -= fromBuffer;
			}
			if (left === 0) break;
			if (!(await this.pull())) break;
		}
		return n - left;
	}

	/** Skips exactly `n` bytes or throws TRUNCATED naming `what`. */
	async skipExactly(n: number, what: string): Promise<void> {
		const start = this.position;
		const skipped = await this.skip(n);
		if (skipped < n) {
			throw new AudioProbeError(
				'TRUNCATED',
				`The file ends inside ${what}: it declares ${formatBytes(n)} from offset ${start} but the file ends after ${formatBytes(start + skipped)}`,
			);
		}
	}

	/** True when no byte is left. */
	async atEnd(): Promise<boolean> {
		return (await this.ensure(1)) === 0;
	}

	/** Releases the source: calls `return()` on the iterator unless it already finished. */
	async close(): Promise<void> {
		this.queue.length = 0;
		this.buffered = 0;
		this.head = 0;
		const iterator = this.iterator;
		this.iterator = undefined;
		if (!iterator || this.finished) return;
		this.finished = true;
		try {
			await iterator.return?.();
		} catch {
			// The source is being abandoned; an error while closing it changes nothing for the caller.
		}
	}
}

export function ascii(bytes: Uint8Array, start: number, length: number): string {
	let s = '';
	for (let i = start; i < start + length && i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
	return s;
}

export function u16le(b: Uint8Array, o: number): number {
	return b[o] | (b[o + 1] << 8);
}
export function u32le(b: Uint8Array, o: number): number {
	return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) + b[o + 3] * 0x1000000;
}
export function u64le(b: Uint8Array, o: number): number {
	return u32le(b, o) + u32le(b, o + 4) * 0x100000000;
}
export function u16be(b: Uint8Array, o: number): number {
	return (b[o] << 8) | b[o + 1];
}
export function u32be(b: Uint8Array, o: number): number {
	return b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
}
export function u64be(b: Uint8Array, o: number): number {
	return u32be(b, o) * 0x100000000 + u32be(b, o + 4);
}
