/**
 * A tiny Chrome DevTools Protocol client for a Node process started with --inspect: a full GC
 * before each measured run (so idle RSS is a collected heap, not the garbage of the run before),
 * and CPU profiles for finding where upload time goes. Uses the `ws` package of the n8n install.
 */
import { createRequire } from 'module';

interface WsLike {
	on(event: 'message', cb: (data: Buffer) => void): void;
	once(event: 'open' | 'error' | 'close', cb: (arg?: unknown) => void): void;
	send(text: string): void;
	close(): void;
}

export interface CpuProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	hitCount?: number;
	children?: number[];
}
export interface CpuProfile {
	nodes: CpuProfileNode[];
	startTime: number;
	endTime: number;
	samples?: number[];
	timeDeltas?: number[];
}

export class Inspector {
	private nextId = 1;
	private pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

	private constructor(private readonly socket: WsLike) {
		socket.on('message', (data) => {
			const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
			const p = msg.id !== undefined ? this.pending.get(msg.id) : undefined;
			if (!p) return;
			this.pending.delete(msg.id!);
			if (msg.error) p.reject(new Error(msg.error.message));
			else p.resolve(msg.result);
		});
	}

	/** Connects to the inspector listening on 127.0.0.1:port; `wsModuleFrom` is a package.json to resolve `ws` from. */
	static async connect(port: number, wsModuleFrom: string): Promise<Inspector> {
		const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
		const WebSocketCtor = createRequire(wsModuleFrom)('ws') as new (url: string, opts?: unknown) => WsLike;
		const socket = new WebSocketCtor(targets[0].webSocketDebuggerUrl, { maxPayload: 1024 * 1024 * 1024 });
		await new Promise<void>((resolve, reject) => {
			socket.once('open', () => resolve());
			socket.once('error', (e) => reject(e as Error));
		});
		return new Inspector(socket);
	}

	async send<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
		const id = this.nextId++;
		const result = new Promise<unknown>((resolve, reject) => this.pending.set(id, { resolve, reject }));
		this.socket.send(JSON.stringify({ id, method, params }));
		return (await result) as T;
	}

	async collectGarbage(): Promise<void> {
		await this.send('HeapProfiler.collectGarbage');
	}

	async startProfile(intervalUs = 500): Promise<void> {
		await this.send('Profiler.enable');
		await this.send('Profiler.setSamplingInterval', { interval: intervalUs });
		await this.send('Profiler.start');
	}

	async stopProfile(): Promise<CpuProfile> {
		const { profile } = await this.send<{ profile: CpuProfile }>('Profiler.stop');
		await this.send('Profiler.disable');
		return profile;
	}

	close(): void {
		this.socket.close();
	}
}

/** Self time per function ("name (file:line)") and per package/file group, in ms, biggest first. */
export function summariseProfile(profile: CpuProfile, top = 15): { functions: Array<[string, number]>; groups: Array<[string, number]>; totalMs: number } {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const self = new Map<number, number>();
	const samples = profile.samples ?? [];
	const deltas = profile.timeDeltas ?? [];
	for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
	const functions = new Map<string, number>();
	const groups = new Map<string, number>();
	for (const [id, ms] of self) {
		const f = byId.get(id)!.callFrame;
		const file = f.url.replace(/^file:\/\//, '');
		const short = file.replace(/.*\/node_modules\//, '');
		const name = `${f.functionName || '(anonymous)'} (${short.split('/').slice(-2).join('/') || 'native'}:${f.lineNumber + 1})`;
		functions.set(name, (functions.get(name) ?? 0) + ms);
		const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
		const group = m ? m[1] : file.startsWith('node:') ? file.split('/')[0] : file ? 'other js' : f.functionName || '(program)';
		groups.set(group, (groups.get(group) ?? 0) + ms);
	}
	const sort = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
	return { functions: sort(functions), groups: sort(groups), totalMs: (profile.endTime - profile.startTime) / 1000 };
}
