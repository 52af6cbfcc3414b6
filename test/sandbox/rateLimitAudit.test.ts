import { auditRateLimit, retriesBeforeRetryAfter } from './rateLimitAudit';
import { startSandbox, type RequestLogEntry, type Sandbox } from './index';
import { request, sleep } from './testUtil';

let sb: Sandbox;
const RATE = { limit: 3, windowMs: 400 };

beforeAll(async () => {
	sb = await startSandbox({ rateLimit: RATE });
});
afterAll(async () => await sb.close());
beforeEach(() => sb.reset());

const list = (offset = 0) => request(`${sb.buenaBaseUrl}/voice-clones?offset=${offset}`, { headers: { 'x-api-key': sb.keys.buena } });
const offsetOf = (entry: RequestLogEntry) => entry.query.offset;

it('replays the windows of a real sandbox from its log alone: what each let through and refused', async () => {
	const first = await Promise.all(Array.from({ length: 5 }, () => list()));
	expect(first.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429]);
	await sleep(RATE.windowMs + 50);
	await list();
	const audit = auditRateLimit(sb.log(), RATE);
	expect(audit.unexplained).toEqual([]);
	expect(audit.windows.map(({ allowed, refused }) => ({ allowed, refused }))).toEqual([
		{ allowed: 3, refused: 2 },
		{ allowed: 1, refused: 0 },
	]);
	expect(audit.refused).toBe(2);
	expect(audit.exhausted).toEqual([audit.windows[0]]);
	expect(audit.windows[0].end - audit.windows[0].start).toBe(RATE.windowMs);
	expect(audit.windows[1].start).toBeGreaterThanOrEqual(audit.windows[0].end);
});

const entry = (at: number, status: number, fault?: string): RequestLogEntry => ({
	at,
	provider: 'buena',
	method: 'GET',
	path: '/buena/api/v2/voice-clones',
	query: {},
	authPresent: true,
	authHeaders: ['x-api-key'],
	fields: [],
	files: [],
	status,
	...(fault ? { fault } : {}),
});

it('names the answers the windows do not explain, and skips faulted requests', () => {
	const quota429 = entry(1, 429);
	const refusedButOk = entry(2, 200);
	const unanswered = entry(3, 0);
	const audit = auditRateLimit([entry(0, 200), quota429, entry(2, 503, 'status'), refusedButOk, unanswered, entry(9, 200)], {
		limit: 2,
		windowMs: 5,
	});
	// quota429 took the window's second place; the faulted 503 did not count; the fourth request was
	// refused by the replay but logged 200; the unanswered one was refused by the replay too.
	expect(audit.windows.map(({ start, end, allowed, refused }) => ({ start, end, allowed, refused }))).toEqual([
		{ start: 0, end: 5, allowed: 2, refused: 2 },
		{ start: 9, end: 14, allowed: 1, refused: 0 },
	]);
	expect(audit.windows[0].refusedEntries).toEqual([refusedButOk, unanswered]);
	expect(audit.unexplained).toEqual([quota429, refusedButOk, unanswered]);
});

describe('retries before the Retry-After (requests named by their offset)', () => {
	/** Fills the window with `limit` requests, then sends request 99 until it gets through. */
	async function client(waitMs: (retryAfterSeconds: number) => number): Promise<void> {
		await Promise.all(Array.from({ length: RATE.limit }, (_, i) => list(i)));
		for (let attempt = 0; attempt < 20; attempt++) {
			const res = await list(99);
			if (res.status !== 429) return;
			await sleep(waitMs(Number(res.headers['retry-after'])));
		}
		throw new Error('never got through');
	}

	it('a client that waits out each Retry-After passes', async () => {
		await client((seconds) => seconds * 1000);
		const log = sb.log();
		const retries = retriesBeforeRetryAfter(log, auditRateLimit(log, RATE), offsetOf);
		expect(retries).toEqual({ retried: 1, tooSoon: [] });
	});

	it('a client that retries on its own short backoff is caught, once per early retry', async () => {
		await client(() => 150);
		const log = sb.log();
		const audit = auditRateLimit(log, RATE);
		const retries = retriesBeforeRetryAfter(log, audit, offsetOf);
		// The window (400 ms) allows 3 requests; request 99 was refused, then retried every 150 ms.
		const refusals = audit.refused;
		expect(refusals).toBeGreaterThanOrEqual(2);
		expect(retries.retried).toBe(refusals);
		expect(retries.tooSoon.length).toBe(refusals);
		for (const { refused, next } of retries.tooSoon) expect(next.at - refused.at).toBeLessThan(1000);
	});
});
