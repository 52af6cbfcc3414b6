/** Helpers for the sandbox's own tests: a plain Node http client, a multipart builder, real audio. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export interface Res {
	status: number;
	headers: http.IncomingHttpHeaders;
	body: Buffer;
	text: string;
	json: any;
}

export interface ReqOptions {
	method?: string;
	headers?: Record<string, string>;
	body?: Buffer | string;
	timeoutMs?: number;
}

export function request(url: string, opts: ReqOptions = {}): Promise<Res> {
	return new Promise((resolve, reject) => {
		const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
		const headers: Record<string, string | number> = { ...(opts.headers ?? {}) };
		if (body) headers['Content-Length'] = body.length;
		const req = http.request(url, { method: opts.method ?? 'GET', headers, agent: false }, (res) => {
			const chunks: Buffer[] = [];
			res.on('data', (c: Buffer) => chunks.push(c));
			res.on('end', () => {
				const buf = Buffer.concat(chunks);
				const text = buf.toString('utf8');
				let json: unknown;
				try {
					json = JSON.parse(text);
				} catch {
					json = undefined;
				}
				resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buf, text, json });
			});
			res.on('error', reject);
		});
		req.on('error', reject);
		if (opts.timeoutMs) req.setTimeout(opts.timeoutMs, () => req.destroy(new Error('client timeout')));
		req.end(body);
	});
}

export function json(url: string, method: string, value: unknown, headers: Record<string, string> = {}): Promise<Res> {
	return request(url, {
		method,
		headers: { 'Content-Type': 'application/json', ...headers },
		body: JSON.stringify(value),
	});
}

export type Part =
	| { name: string; value: string }
	| { name: string; data: Buffer; fileName?: string; contentType?: string };

export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
	const boundary = '----sandboxtest' + randomBytes(8).toString('hex');
	const chunks: Buffer[] = [];
	for (const p of parts) {
		let head = `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"`;
		if ('data' in p) {
			if (p.fileName !== undefined) head += `; filename="${p.fileName}"`;
			else head += '; filename=""';
			head += `\r\nContent-Type: ${p.contentType ?? 'application/octet-stream'}`;
		}
		head += '\r\n\r\n';
		chunks.push(Buffer.from(head), 'data' in p ? p.data : Buffer.from(p.value), Buffer.from('\r\n'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`));
	return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

export function postMultipart(url: string, parts: Part[], headers: Record<string, string> = {}): Promise<Res> {
	const { body, contentType } = multipart(parts);
	return request(url, { method: 'POST', headers: { 'Content-Type': contentType, ...headers }, body });
}

/** A PCM WAV written independently of the sandbox: `seconds` of a tone, or exactly `totalBytes` long. */
export function wav(opts: { seconds?: number; totalBytes?: number; sampleRate?: number; channels?: number }): Buffer {
	const sampleRate = opts.sampleRate ?? 8000;
	const channels = opts.channels ?? 1;
	const blockAlign = channels * 2;
	const dataBytes =
		opts.totalBytes !== undefined ? opts.totalBytes - 44 : Math.round((opts.seconds ?? 1) * sampleRate) * blockAlign;
	const buf = Buffer.alloc(44 + dataBytes);
	buf.write('RIFF', 0, 'latin1');
	buf.writeUInt32LE(36 + dataBytes, 4);
	buf.write('WAVE', 8, 'latin1');
	buf.write('fmt ', 12, 'latin1');
	buf.writeUInt32LE(16, 16);
	buf.writeUInt16LE(1, 20);
	buf.writeUInt16LE(channels, 22);
	buf.writeUInt32LE(sampleRate, 24);
	buf.writeUInt32LE(sampleRate * blockAlign, 28);
	buf.writeUInt16LE(blockAlign, 32);
	buf.writeUInt16LE(16, 34);
	buf.write('data', 36, 'latin1');
	buf.writeUInt32LE(dataBytes, 40);
	for (let i = 44; i + 1 < buf.length && i < 44 + 20000; i += 2) buf.writeInt16LE(((i * 37) % 2000) - 1000, i);
	return buf;
}

/** Real encoded audio made with ffmpeg into a temp dir. */
export function ffmpegAudio(): { mp3(seconds: number): Buffer; m4a(seconds: number): Buffer; flac(seconds: number): Buffer; cleanup(): void } {
	const dir = mkdtempSync(join(tmpdir(), 'sandbox-audio-'));
	const make = (ext: string, seconds: number, args: string[]) => {
		const out = join(dir, `a${seconds}.${ext}`);
		execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`, '-ac', '1', '-ar', '16000', ...args, out]);
		return readFileSync(out);
	};
	return {
		mp3: (s) => make('mp3', s, ['-b:a', '32k']),
		m4a: (s) => make('m4a', s, ['-c:a', 'aac', '-b:a', '32k']),
		flac: (s) => make('flac', s, []),
		cleanup: () => rmSync(dir, { recursive: true, force: true }),
	};
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `condition` holds, checking every few milliseconds (waits for an event, asserts no time). */
export async function until(condition: () => boolean): Promise<void> {
	while (!condition()) await sleep(5);
}

/** Resolves with the error a request fails with (it must fail). */
export async function failure(p: Promise<unknown>): Promise<Error> {
	try {
		await p;
	} catch (err) {
		return err as Error;
	}
	throw new Error('expected the request to fail');
}
