import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The part of axios used here; each n8n brings its own (1.18 in both pinned versions). */
export interface AxiosLike {
	get(url: string, config?: { timeout?: number; signal?: AbortSignal }): Promise<unknown>;
}

/** A network failure the way n8n's axios reports it. */
export type FailureKind = 'timeout' | 'reset' | 'refused' | 'cancelled';

async function listen(server: Server): Promise<number> {
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	return (server.address() as AddressInfo).port;
}

async function close(server: Server): Promise<void> {
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
}

async function failedRequest(
	axios: AxiosLike,
	url: string,
	config: { timeout?: number; signal?: AbortSignal } = {},
): Promise<Error> {
	const outcome = await axios.get(url, config).then(
		() => undefined,
		(error: unknown) => error as Error,
	);
	if (!outcome) throw new Error(`A request to ${url} was expected to fail`);
	return outcome;
}

/**
 * Makes a real request fail the given way against a local server: one that never answers, one
 * that closes the socket, a port nobody listens on, a request aborted by its signal.
 */
export async function realAxiosFailure(axios: AxiosLike, kind: FailureKind): Promise<Error> {
	const server = createServer((request, response) => {
		if (kind === 'reset') request.socket.destroy();
		else void response; // never answers
	});
	const port = await listen(server);
	const url = `http://127.0.0.1:${port}/v2/voice-clones`;
	try {
		if (kind === 'timeout') return await failedRequest(axios, url, { timeout: 50 });
		if (kind === 'reset') return await failedRequest(axios, url);
		if (kind === 'cancelled') {
			const controller = new AbortController();
			setTimeout(() => controller.abort(), 50);
			return await failedRequest(axios, url, { signal: controller.signal });
		}
		await close(server);
		return await failedRequest(axios, url, { timeout: 5_000 });
	} finally {
		if (server.listening) await close(server);
	}
}
