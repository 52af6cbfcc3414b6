export type AudioContainer = 'wav' | 'mp3' | 'm4a' | 'flac' | 'ogg';

export interface AudioInfo {
	container: AudioContainer;
	/** e.g. 'pcm_s16le' | 'pcm_f32le' | 'mp3' | 'aac' | 'alac' | 'flac' | 'vorbis' | 'opus' */
	codec: string;
	/** True MIME type from the content: audio/wav, audio/mpeg, audio/mp4, audio/flac, audio/ogg. */
	mimeType: string;
	/** wav | mp3 | m4a | flac | ogg | opus */
	extension: string;
	durationSeconds: number;
	sampleRate: number;
	channels: number;
	/** Bytes the probe actually consumed from the source (see ByteReader.bytesRead). */
	bytesRead: number;
}

export interface ProbeOptions {
	/** Size of the whole source when known; lets header formats compute duration from sizes. */
	totalBytes?: number;
	signal?: AbortSignal;
}

export type ParsedAudio = Omit<AudioInfo, 'bytesRead'>;

/** Sanity limits shared by the parsers. */
export const MAX_SAMPLE_RATE = 1_536_000;
export const MAX_CHANNELS = 255;
