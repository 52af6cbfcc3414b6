/**
 * Writes valid PCM WAV files of an exact total size to disk without holding them in memory:
 * a 44-byte RIFF/WAVE header (16-bit mono 44.1 kHz) and a 440 Hz tone written in 1 MiB chunks.
 */
import * as fs from 'fs';

const SAMPLE_RATE = 44_100;
const HEADER_BYTES = 44;
const CHUNK_BYTES = 1024 * 1024;

function header(dataBytes: number): Buffer {
	const h = Buffer.alloc(HEADER_BYTES);
	h.write('RIFF', 0, 'ascii');
	h.writeUInt32LE(36 + dataBytes, 4);
	h.write('WAVE', 8, 'ascii');
	h.write('fmt ', 12, 'ascii');
	h.writeUInt32LE(16, 16); // fmt chunk size
	h.writeUInt16LE(1, 20); // PCM
	h.writeUInt16LE(1, 22); // mono
	h.writeUInt32LE(SAMPLE_RATE, 24);
	h.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
	h.writeUInt16LE(2, 32); // block align
	h.writeUInt16LE(16, 34); // bits per sample
	h.write('data', 36, 'ascii');
	h.writeUInt32LE(dataBytes, 40);
	return h;
}

let tone: Buffer | undefined;
function toneChunk(): Buffer {
	if (!tone) {
		// 1 MiB of a 440 Hz tone; 44100/440 is not whole, so chunks join with a tiny phase jump (fine for a bench).
		tone = Buffer.alloc(CHUNK_BYTES);
		for (let i = 0; i < CHUNK_BYTES / 2; i++) {
			tone.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE)), i * 2);
		}
	}
	return tone;
}

/** Writes a WAV file of exactly `totalBytes` bytes (even, ≥ 46). */
export function writeWav(file: string, totalBytes: number): void {
	if (totalBytes < HEADER_BYTES + 2 || totalBytes % 2) throw new Error(`writeWav: bad size ${totalBytes}`);
	const dataBytes = totalBytes - HEADER_BYTES;
	const fd = fs.openSync(file, 'w');
	try {
		fs.writeSync(fd, header(dataBytes));
		const chunk = toneChunk();
		for (let left = dataBytes; left > 0; left -= CHUNK_BYTES) {
			fs.writeSync(fd, chunk, 0, Math.min(CHUNK_BYTES, left));
		}
	} finally {
		fs.closeSync(fd);
	}
}

/** Duration in seconds of a file written by writeWav. */
export function wavSeconds(totalBytes: number): number {
	return (totalBytes - HEADER_BYTES) / (SAMPLE_RATE * 2);
}
