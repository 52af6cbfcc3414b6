import type { IncomingMessage } from 'node:http';
import { createHash } from 'node:crypto';
import busboy from 'busboy';

import type { RequestLogEntry } from './types';

/** Longest multipart text-field value kept (in memory and in the log). */
const MAX_FIELD_BYTES = 64 * 1024;
const MAX_LOGGED_VALUE = 2000;
const HEAD_BYTES = 16;

export interface FilePart {
	field: string;
	fileName?: string;
	contentType?: string;
	/** Bytes read so far (all of them once the part ended). */
	bytes: number;
	/** The first bytes of the part, for magic-number sniffing. */
	head: Buffer;
	ended: boolean;
}

/** Receives a file part's bytes while they stream. A returned promise applies back-pressure. */
export interface FileSink {
	write(chunk: Buffer): void | Promise<void>;
	end(): void;
}

export interface MultipartControl {
	/** Stop parsing now: the rest of the request body is discarded, `parseMultipart` resolves with `stopped`. */
	stop(reason: unknown): void;
}

export interface MultipartHooks {
	onFile?(part: FilePart, ctl: MultipartControl): FileSink | undefined;
}

export type MultipartResult =
	| { kind: 'done'; fields: Map<string, string[]>; files: FilePart[] }
	| { kind: 'stopped'; reason: unknown; fields: Map<string, string[]>; files: FilePart[] }
	| { kind: 'malformed'; message: string }
	| { kind: 'gone' };

export function isMultipart(req: IncomingMessage): boolean {
	return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
}

/**
 * Parse a multipart/form-data request as a stream. File bytes are counted and handed to the
 * sink chunk by chunk, never collected; text fields are kept (up to 64 KB each). Every part is
 * recorded in the log entry as it arrives, so even a rejected or aborted upload is logged as far
 * as it was read.
 */
export function parseMultipart(
	req: IncomingMessage,
	entry: RequestLogEntry,
	hooks: MultipartHooks = {},
	keepValues = true,
): Promise<MultipartResult> {
	return new Promise<MultipartResult>((resolve) => {
		const fields = new Map<string, string[]>();
		const files: FilePart[] = [];
		let settled = false;
		let bb: busboy.Busboy;
		try {
			bb = busboy({
				headers: req.headers,
				limits: { fieldSize: MAX_FIELD_BYTES, fields: 100, files: 100, parts: 250 },
				preservePath: false,
				defParamCharset: 'utf8',
			});
		} catch (err) {
			// Not multipart, or no boundary: nothing was read yet.
			resolve({ kind: 'malformed', message: (err as Error).message });
			return;
		}

		const finish = (result: MultipartResult) => {
			if (settled) return;
			settled = true;
			req.off('close', onClose);
			req.unpipe(bb);
			bb.removeAllListeners();
			bb.on('error', () => undefined);
			// Whatever was not read is discarded (the socket stays usable for the answer).
			if (!req.complete) req.resume();
			resolve(result);
		};
		const ctl: MultipartControl = {
			stop: (reason) => finish({ kind: 'stopped', reason, fields, files }),
		};
		const onClose = () => {
			if (!req.complete) finish({ kind: 'gone' });
		};
		req.on('close', onClose);

		bb.on('field', (name, value, info) => {
			if (settled) return;
			const list = fields.get(name) ?? [];
			list.push(value);
			fields.set(name, list);
			entry.fields.push(
				keepValues
					? {
							name,
							value:
								value.length > MAX_LOGGED_VALUE || info.valueTruncated
									? value.slice(0, MAX_LOGGED_VALUE) + '…'
									: value,
						}
					: { name },
			);
		});
		bb.on('file', (name, stream, info) => {
			if (settled) {
				stream.resume();
				return;
			}
			const part: FilePart = {
				field: name,
				fileName: info.filename || undefined,
				contentType: info.mimeType || undefined,
				bytes: 0,
				head: Buffer.alloc(0),
				ended: false,
			};
			files.push(part);
			const logged: RequestLogEntry['files'][number] = { field: name, fileName: part.fileName, contentType: part.contentType, bytes: 0 };
			const hash = createHash('sha256');
			if (logged.fileName === undefined) delete logged.fileName;
			if (logged.contentType === undefined) delete logged.contentType;
			entry.files.push(logged);
			const sink = hooks.onFile?.(part, ctl);
			stream.on('data', (chunk: Buffer) => {
				if (settled) return;
				if (part.head.length < HEAD_BYTES) {
					part.head = Buffer.concat([part.head, chunk.subarray(0, HEAD_BYTES - part.head.length)]);
				}
				part.bytes += chunk.length;
				logged.bytes = part.bytes;
				hash.update(chunk);
				const pending = sink?.write(chunk);
				if (pending && !settled) {
					stream.pause();
					void pending.then(() => stream.resume());
				}
			});
			stream.on('end', () => {
				part.ended = true;
				if (!settled) logged.sha256 = hash.digest('hex');
				if (!settled) sink?.end();
			});
			stream.on('error', () => undefined);
		});
		bb.on('filesLimit', () => finish({ kind: 'malformed', message: 'Too many parts in the form' }));
		bb.on('fieldsLimit', () => finish({ kind: 'malformed', message: 'Too many fields in the form' }));
		bb.on('partsLimit', () => finish({ kind: 'malformed', message: 'Too many parts in the form' }));
		bb.on('error', (err: Error) => finish({ kind: 'malformed', message: err.message }));
		bb.on('close', () => finish({ kind: 'done', fields, files }));
		req.pipe(bb);
	});
}

export function firstField(fields: Map<string, string[]>, name: string): string | undefined {
	return fields.get(name)?.[0];
}
