/**
 * Builds real PCM WAV files in memory: exact durations and exact file sizes (a JUNK chunk after
 * the data pads the file without changing the duration), for tests at the limits.
 */
export interface WavSpec {
	seconds: number;
	sampleRate?: number;
	channels?: number;
	/** Pad the file with a trailing JUNK chunk to exactly this many bytes. */
	totalBytes?: number;
}

export function makeWav({ seconds, sampleRate = 8000, channels = 1, totalBytes }: WavSpec): Buffer {
	const bytesPerSample = 2;
	const blockAlign = channels * bytesPerSample;
	const frames = Math.round(seconds * sampleRate);
	const dataBytes = frames * blockAlign;
	const headerBytes = 44;
	let junkBytes = 0;
	if (totalBytes !== undefined) {
		junkBytes = totalBytes - headerBytes - dataBytes;
		if (junkBytes !== 0 && junkBytes < 8) throw new Error(`cannot pad a ${seconds} s WAV to ${totalBytes} bytes`);
	}
	const file = Buffer.alloc(headerBytes + dataBytes + junkBytes);
	file.write('RIFF', 0, 'ascii');
	file.writeUInt32LE(file.length - 8, 4);
	file.write('WAVE', 8, 'ascii');
	file.write('fmt ', 12, 'ascii');
	file.writeUInt32LE(16, 16);
	file.writeUInt16LE(1, 20);
	file.writeUInt16LE(channels, 22);
	file.writeUInt32LE(sampleRate, 24);
	file.writeUInt32LE(sampleRate * blockAlign, 28);
	file.writeUInt16LE(blockAlign, 32);
	file.writeUInt16LE(16, 34);
	file.write('data', 36, 'ascii');
	file.writeUInt32LE(dataBytes, 40);
	// A quiet 220 Hz tone, so the audio is not plain silence.
	for (let frame = 0; frame < frames; frame++) {
		const value = Math.round(Math.sin((2 * Math.PI * 220 * frame) / sampleRate) * 3000);
		for (let channel = 0; channel < channels; channel++) {
			file.writeInt16LE(value, headerBytes + frame * blockAlign + channel * bytesPerSample);
		}
	}
	if (junkBytes) {
		const junkAt = headerBytes + dataBytes;
		file.write('JUNK', junkAt, 'ascii');
		file.writeUInt32LE(junkBytes - 8, junkAt + 4);
	}
	return file;
}

export const MiB = 1024 * 1024;
