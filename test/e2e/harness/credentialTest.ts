import { randomUUID } from 'crypto';

import type { N8n, N8nServer } from './n8n';

/** The owner the harness creates on a fresh instance (test-only values). */
export const TEST_OWNER = {
	email: 'owner@example.com',
	firstName: 'Test',
	lastName: 'Owner',
	password: 'Harness-Passw0rd!',
} as const;

export class N8nRestError extends Error {
	constructor(
		message: string,
		public readonly status: number,
		public readonly body: unknown,
	) {
		super(message);
		this.name = 'N8nRestError';
	}
}

/**
 * A logged-in client for n8n's internal REST API (/rest/*, what the editor UI uses): keeps the
 * `n8n-auth` cookie and sends the same `browser-id` header on every request, as the browser does
 * (n8n binds the auth cookie to a hash of it).
 */
export class N8nRestClient {
	private cookie = '';
	readonly browserId = randomUUID();

	constructor(readonly baseUrl: string) {}

	/** Sends a request; returns n8n's `data` envelope content. Throws N8nRestError on non-2xx. */
	async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await fetch(`${this.baseUrl}${path}`, {
			method,
			headers: {
				'content-type': 'application/json',
				accept: 'application/json',
				'browser-id': this.browserId,
				...(this.cookie ? { cookie: this.cookie } : {}),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(60_000),
		});
		for (const c of res.headers.getSetCookie()) {
			const [pair] = c.split(';');
			if (pair.startsWith('n8n-auth=')) this.cookie = pair;
		}
		const text = await res.text();
		let parsed: unknown = text;
		try {
			parsed = text ? JSON.parse(text) : undefined;
		} catch {
			// not JSON
		}
		if (!res.ok) {
			throw new N8nRestError(`${method} ${path} → ${res.status}: ${text.slice(0, 2000)}`, res.status, parsed);
		}
		if (parsed && typeof parsed === 'object' && 'data' in parsed) return (parsed as { data: T }).data;
		return parsed as T;
	}

	/**
	 * Creates the instance owner (POST /rest/owner/setup, 1.123 and 2.x) when not done yet,
	 * then logs in (POST /rest/login with emailOrLdapLoginId + password).
	 */
	async setupOwnerAndLogin(owner: typeof TEST_OWNER = TEST_OWNER): Promise<void> {
		try {
			await this.request('POST', '/rest/owner/setup', owner);
		} catch (error) {
			if (!(error instanceof N8nRestError) || error.status !== 400) throw error; // 400: already set up
		}
		await this.login(owner.email, owner.password);
	}

	async login(email: string, password: string): Promise<void> {
		await this.request('POST', '/rest/login', { emailOrLdapLoginId: email, password });
	}

	/** POST /rest/credentials → the stored credential (id, name, type). */
	async createCredential(credential: { name: string; type: string; data: Record<string, unknown> }): Promise<{
		id: string;
		name: string;
		type: string;
	}> {
		return await this.request('POST', '/rest/credentials', credential);
	}

	/**
	 * POST /rest/credentials/test — n8n's own credential-testing path (the "Test" / save button in
	 * the credential modal): the controller loads the stored credential by id, merges the sent
	 * data, and CredentialsService.test runs the credential type's `test` request through
	 * its `authenticate`.
	 */
	async testCredential(credential: {
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}): Promise<CredentialTestResult> {
		return await this.request<CredentialTestResult>('POST', '/rest/credentials/test', { credentials: credential });
	}

	/** GET /rest/types/credentials.json — every credential type the instance loaded. */
	async credentialTypes(): Promise<Array<{ name: string; displayName: string }>> {
		return await this.request('GET', '/types/credentials.json');
	}

	/**
	 * GET /rest/community-packages — installed community packages (installed_packages rows).
	 * n8n runs `npm outdated` for it; on this machine that npm gets no CA bundle (1.123 passes
	 * npm only PATH/NODE_PATH/NODE_ENV), so it takes ~70 s before n8n gives up: avoid in tests.
	 */
	async communityPackages(): Promise<Array<{ packageName: string; installedVersion: string; installedNodes: Array<{ type: string }> }>> {
		return await this.request('GET', '/rest/community-packages');
	}
}

/** What n8n's credential test answers: status 'OK' or 'Error' with a message. */
export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * A running n8n with an owner logged in, ready to test credentials through the REST path.
 * Without `port` or `env` it uses the server the instance executes workflows on (shared inside a
 * jest run); otherwise it starts a server of its own. `await session.stop()` (or n8n.dispose())
 * ends a server of its own and leaves a shared one running.
 */
export class CredentialTestSession {
	private constructor(
		readonly n8n: N8n,
		readonly server: N8nServer,
		readonly client: N8nRestClient,
		private readonly ownServer: boolean,
	) {}

	static async start(
		n8n: N8n,
		opts: { port?: number; env?: Record<string, string> } = {},
	): Promise<CredentialTestSession> {
		if (opts.port === undefined && opts.env === undefined) {
			const { server } = await n8n.executionServer();
			// A client of its own: its login and cookies are this session's.
			const client = new N8nRestClient(server.baseUrl);
			await client.setupOwnerAndLogin();
			return new CredentialTestSession(n8n, server, client, false);
		}
		const server = await n8n.startServer({ port: opts.port, env: opts.env });
		try {
			const client = new N8nRestClient(server.baseUrl);
			await client.setupOwnerAndLogin();
			return new CredentialTestSession(n8n, server, client, true);
		} catch (error) {
			await server.stop();
			throw error;
		}
	}

	/** Stores the credential (POST /rest/credentials), then tests it (POST /rest/credentials/test). */
	async test(credential: { type: string; data: Record<string, unknown>; name?: string }): Promise<CredentialTestResult> {
		const name = credential.name ?? `${credential.type} ${randomUUID().slice(0, 8)}`;
		const stored = await this.client.createCredential({ name, type: credential.type, data: credential.data });
		return await this.client.testCredential({ id: stored.id, name, type: credential.type, data: credential.data });
	}

	async stop(): Promise<void> {
		if (this.ownServer) await this.server.stop();
	}
}

/** One-shot: start the server of `n8n`, set up the owner, test one credential, stop. */
export async function testCredentialThroughN8n(
	n8n: N8n,
	credential: { type: string; data: Record<string, unknown>; name?: string },
): Promise<CredentialTestResult> {
	const session = await CredentialTestSession.start(n8n);
	try {
		return await session.test(credential);
	} finally {
		await session.stop();
	}
}
