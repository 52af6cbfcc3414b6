const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

function isLoopbackHost(hostname: string): boolean {
	return (
		LOOPBACK_HOSTS.has(hostname) ||
		hostname.endsWith('.localhost') ||
		/^127(?:\.\d{1,3}){3}$/.test(hostname)
	);
}

export class InsecureBaseUrlError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'InsecureBaseUrlError';
	}
}

/**
 * Returns the base URL without trailing slashes, or throws when an API key sent to it could be
 * read on the way: plain http is only accepted for loopback hosts (the local sandbox).
 */
export function secureBaseUrl(baseUrl: unknown): string {
	const trimmed = typeof baseUrl === 'string' ? baseUrl.trim().replace(/\/+$/, '') : '';
	if (!URL.canParse(trimmed)) {
		throw new InsecureBaseUrlError(`The base URL "${trimmed}" is not a valid URL`);
	}
	const url = new URL(trimmed);
	if (url.protocol === 'https:') return trimmed;
	if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return trimmed;
	if (url.protocol === 'http:') {
		throw new InsecureBaseUrlError(
			`The base URL "${trimmed}" uses plain http to a remote host; use https:// so the API key is never sent in clear text (http is only allowed for localhost, e.g. the sandbox)`,
		);
	}
	throw new InsecureBaseUrlError(`The base URL "${trimmed}" must start with https://`);
}

/**
 * The URL a request will really go to, checked the same way as a base URL. n8n's request helpers
 * give it as `url` (+ `baseURL`); the HTTP Request node's older request format gives it as `uri`.
 */
export function assertSecureRequestUrl(request: { url?: unknown; uri?: unknown; baseURL?: unknown }): void {
	const target = [request.url, request.uri].map((value) => (value instanceof URL ? value.href : value))
		.find((value): value is string => typeof value === 'string' && value.trim() !== '') ?? '';
	const base = typeof request.baseURL === 'string' && request.baseURL.trim() ? `${secureBaseUrl(request.baseURL)}/` : undefined;
	if (!target && !base) return;
	if (!URL.canParse(target, base)) throw new InsecureBaseUrlError(`The request URL "${target}" is not a valid URL`);
	const url = new URL(target, base);
	secureBaseUrl(`${url.protocol}//${url.host}`);
}
