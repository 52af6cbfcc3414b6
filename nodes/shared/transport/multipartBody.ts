import { randomBytes } from 'crypto';

/** A file part whose bytes are read only while the body is being sent. */
interface MultipartFile {
	fileName: string;
	contentType: string;
	/** Exact size: it goes into Content-Length, so a source that yields more or less is an error. */
	bytes: number;
	open(): Promise<Uint8Array | AsyncIterable<Uint8Array | string>>;
}

export type MultipartPart = { name: string; value: string } | { name: string; file: MultipartFile };

type Closable = { destroy?: (error?: Error) => void };

const CRLF = '\r\n';

/** As browsers and form-data write names inside a quoted header parameter. */
function headerParameter(text: string): string {
	return text.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

function partHeader(boundary: string, part: MultipartPart): Buffer {
	const name = headerParameter(part.name);
	const lines = [`--${boundary}`];
	if ('file' in part) {
		lines.push(`Content-Disposition: form-data; name="${name}"; filename="${headerParameter(part.file.fileName)}"`);
		lines.push(`Content-Type: ${part.file.contentType}`);
	} else {
		lines.push(`Content-Disposition: form-data; name="${name}"`);
	}
	return Buffer.from(lines.join(CRLF) + CRLF + CRLF, 'utf8');
}

/**
 * A multipart/form-data body that n8n's request helper streams without any dependency: it is
 * blob-like (`type`, `size`, `stream()`), which axios sends chunk by chunk with `size` as the
 * Content-Length. Files are opened one at a time, only when the request reaches them, and each is
 * closed as soon as it has been read; `close()` releases whatever a request left half-read.
 * A body is good for one request: every attempt needs a fresh one.
 */
export class MultipartBody {
	readonly type: string;

	readonly size: number;

	/** Set when a file could not be read while sending: a local failure, not a network one. */
	readFailure: Error | undefined;

	private readonly segments: Array<Buffer | MultipartFile>;

	private readonly openSources = new Set<Closable>();

	private closed = false;

	private started = false;

	constructor(parts: MultipartPart[], boundary = `----n8nVoiceClone${randomBytes(12).toString('hex')}`) {
		this.type = `multipart/form-data; boundary=${boundary}`;
		this.segments = [];
		for (const part of parts) {
			this.segments.push(partHeader(boundary, part));
			this.segments.push('file' in part ? part.file : Buffer.from(part.value, 'utf8'));
			this.segments.push(Buffer.from(CRLF));
		}
		this.segments.push(Buffer.from(`--${boundary}--${CRLF}`));
		this.size = this.segments.reduce(
			(total, segment) => total + (Buffer.isBuffer(segment) ? segment.length : segment.bytes),
			0,
		);
	}

	get [Symbol.toStringTag](): string {
		return 'Blob';
	}

	get headers(): Record<string, string> {
		return { 'content-type': this.type, 'content-length': String(this.size) };
	}

	async *stream(): AsyncGenerator<Uint8Array> {
		if (this.started) throw new Error('A multipart body can be sent only once');
		this.started = true;
		for (const segment of this.segments) {
			if (this.closed) return;
			if (Buffer.isBuffer(segment)) yield segment;
			else yield* this.readFile(segment);
		}
	}

	/** Destroys any file stream a request did not finish reading; no file is opened after this. */
	close(): void {
		this.closed = true;
		for (const source of this.openSources) source.destroy?.();
		this.openSources.clear();
	}

	private async *readFile(file: MultipartFile): AsyncGenerator<Uint8Array> {
		let source: Uint8Array | AsyncIterable<Uint8Array | string>;
		try {
			source = await file.open();
		} catch (error) {
			throw this.fail(error, `"${file.fileName}" could not be opened`);
		}
		if (source instanceof Uint8Array) {
			this.checkLength(file, source.byteLength);
			yield source;
			return;
		}
		const closable = source as Closable;
		this.openSources.add(closable);
		let sent = 0;
		try {
			if (this.closed) return;
			for await (const data of source) {
				const chunk = typeof data === 'string' ? Buffer.from(data) : data;
				sent += chunk.byteLength;
				if (sent > file.bytes) this.checkLength(file, sent);
				yield chunk;
			}
			this.checkLength(file, sent);
		} catch (error) {
			throw this.fail(error, `"${file.fileName}" could not be read`);
		} finally {
			this.openSources.delete(closable);
			closable.destroy?.();
		}
	}

	private checkLength(file: MultipartFile, actual: number): void {
		if (actual === file.bytes) return;
		throw this.fail(
			undefined,
			`"${file.fileName}" changed while it was being sent: expected ${file.bytes} bytes, got ${actual}${actual > file.bytes ? ' or more' : ''}`,
		);
	}

	private fail(cause: unknown, message: string): Error {
		if (this.readFailure) return this.readFailure;
		const reason = cause instanceof Error ? `: ${cause.message}` : '';
		this.readFailure = new Error(`${message}${reason}`);
		return this.readFailure;
	}
}
