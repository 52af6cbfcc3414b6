/**
 * A clock a test controls, for in-process node runs against the sandbox: what a test asserts about
 * waiting (how long a node waited, when it gave up, how far apart its requests were) is then an
 * exact number instead of a wall-clock measurement that a busy machine stretches.
 *
 * - `Date` is jest's fake clock. The nodes, n8n-core and the sandbox (training progress, rate-limit
 *   windows, the request log's `at`) all read it.
 * - n8n-workflow's `sleep`, the one way the nodes wait (transport/abortableSleep.ts), waits on this
 *   clock instead of real time: no production code changes for it.
 * - The clock moves only when nothing else can happen first: no HTTP request is in flight
 *   (node:diagnostics_channel's `http.client.request.start`, until the request's `close`), no file
 *   or network operation is pending (node:async_hooks), and the event loop has been quiet for a few
 *   real milliseconds. It then jumps to the earliest wake-up.
 *
 * Real I/O takes no virtual time, so a request that hangs never ends a wait: tests of hanging
 * requests keep the real clock. Nor can the clock see plain computation: code that computes for
 * more than a few real milliseconds without any I/O may see another wait end meanwhile.
 */
import { createHook, type AsyncHook } from 'node:async_hooks';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

import { jest } from '@jest/globals';
import * as workflow from 'n8n-workflow';

interface Sleeper {
	wakeAt: number;
	order: number;
	wake: () => void;
}

/** Checks, 1 real ms apart, that must all find nothing in flight and nothing new before the clock jumps. */
const QUIET_CHECKS = 3;

/** Short-lived operations (not timers, not long-lived handles) the clock waits for. */
const PENDING_OPERATIONS = new Set([
	'FSREQCALLBACK',
	'FSREQPROMISE',
	'FILEHANDLECLOSEREQ',
	'GETADDRINFOREQWRAP',
	'TCPCONNECTWRAP',
	'WRITEWRAP',
	'SHUTDOWNWRAP',
]);

/**
 * Virtual time never goes back from one test to the next: a test file's rate pacers and sandbox
 * keep times from its earlier tests.
 */
let highWaterMark = 0;

export class VirtualClock {
	readonly startedAt: number;

	private readonly sleepers: Sleeper[] = [];

	private readonly inFlight = new Set<ClientRequest>();

	private readonly pendingOperations = new Set<number>();

	private readonly operations: AsyncHook = createHook({
		init: (asyncId, type) => {
			if (!PENDING_OPERATIONS.has(type)) return;
			this.pendingOperations.add(asyncId);
			this.activity++;
		},
		destroy: (asyncId) => {
			if (this.pendingOperations.delete(asyncId)) this.activity++;
		},
	});

	private activity = 0;

	private order = 0;

	private pumping = false;

	private installed = true;

	private readonly originalSleep: PropertyDescriptor;

	private readonly onRequestStart = (message: unknown) => {
		const { request } = message as { request: ClientRequest };
		this.inFlight.add(request);
		this.activity++;
		request.once('close', () => {
			this.inFlight.delete(request);
			this.activity++;
		});
	};

	private constructor() {
		this.startedAt = Math.ceil(Math.max(Date.now(), highWaterMark));
		jest.useFakeTimers({
			now: this.startedAt,
			doNotFake: [
				'hrtime',
				'nextTick',
				'performance',
				'queueMicrotask',
				'requestAnimationFrame',
				'cancelAnimationFrame',
				'requestIdleCallback',
				'cancelIdleCallback',
				'setImmediate',
				'clearImmediate',
				'setInterval',
				'clearInterval',
				'setTimeout',
				'clearTimeout',
			],
		});
		const descriptor = Object.getOwnPropertyDescriptor(workflow, 'sleep');
		if (!descriptor?.configurable) throw new Error("n8n-workflow's sleep cannot be replaced");
		this.originalSleep = descriptor;
		Object.defineProperty(workflow, 'sleep', { configurable: true, enumerable: true, get: () => this.sleep });
		subscribe('http.client.request.start', this.onRequestStart);
		this.operations.enable();
	}

	/** Installs the clock at the current time (or later); `uninstall` it after the test. */
	static install(): VirtualClock {
		return new VirtualClock();
	}

	now(): number {
		return Date.now();
	}

	/** Virtual milliseconds since the clock was installed. */
	elapsed(): number {
		return Date.now() - this.startedAt;
	}

	/** Resolves when the clock reaches now + ms (for a test's own timed steps, e.g. a cancel). */
	readonly sleep = async (ms: number): Promise<void> => {
		if (!this.installed) throw new Error('The virtual clock is not installed');
		await new Promise<void>((wake) => {
			this.sleepers.push({ wakeAt: Date.now() + Math.max(0, Math.ceil(Number(ms) || 0)), order: this.order++, wake });
			this.activity++;
			void this.pump();
		});
	};

	/** Back to real time. Sleepers still waiting (e.g. a cancelled node's) are never woken. */
	uninstall(): void {
		this.installed = false;
		this.sleepers.length = 0;
		highWaterMark = Math.max(highWaterMark, Date.now());
		unsubscribe('http.client.request.start', this.onRequestStart);
		this.operations.disable();
		Object.defineProperty(workflow, 'sleep', this.originalSleep);
		jest.useRealTimers();
	}

	private async pump(): Promise<void> {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.installed && this.sleepers.length) {
				await this.quiet();
				if (!this.installed || !this.sleepers.length) break;
				this.sleepers.sort((a, b) => a.wakeAt - b.wakeAt || a.order - b.order);
				const next = this.sleepers.shift() as Sleeper;
				if (next.wakeAt > Date.now()) jest.setSystemTime(next.wakeAt);
				next.wake();
			}
		} finally {
			this.pumping = false;
		}
	}

	/** Until nothing is in flight or pending and nothing new happened for QUIET_CHECKS real milliseconds. */
	private async quiet(): Promise<void> {
		let seen = this.activity;
		for (let quietChecks = 0; quietChecks < QUIET_CHECKS; ) {
			await new Promise((resolve) => setTimeout(resolve, 1));
			if (!this.installed) return;
			if (this.inFlight.size || this.pendingOperations.size || this.activity !== seen) {
				seen = this.activity;
				quietChecks = 0;
			} else {
				quietChecks++;
			}
		}
	}
}
