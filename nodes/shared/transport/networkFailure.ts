type NetworkFailureReason = 'timeout' | 'reset' | 'cancelled' | 'network';

/** A request that got no HTTP answer. The provider may or may not have acted on it. */
export interface NetworkFailure {
	reason: NetworkFailureReason;
	code?: string;
	message: string;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);
const CANCEL_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

/** A system error code (ECONNRESET, ERR_CANCELED), as opposed to an HTTP status. */
const SYSTEM_CODE = /^(E[A-Z0-9_]+|ABORT_ERR)$/;

/**
 * The system error codes and messages on an error and its causes. n8n wraps the axios error in a
 * NodeApiError: n8n 2.x keeps it as `cause`; n8n 1.x drops the cause and keeps only the code (as
 * `httpCode`) and the original message (in `messages`), with its own wording as the message.
 */
function errorTrail(error: unknown): { codes: string[]; texts: string[] } {
	const codes: string[] = [];
	const texts: string[] = [];
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		const { code, httpCode, message, messages } = current as Record<string, unknown>;
		for (const candidate of [code, httpCode]) {
			if (typeof candidate === 'string' && SYSTEM_CODE.test(candidate)) codes.push(candidate);
		}
		if (typeof message === 'string') texts.push(message);
		if (Array.isArray(messages)) texts.push(...messages.filter((text): text is string => typeof text === 'string'));
		current = (current as { cause?: unknown }).cause;
	}
	return { codes, texts };
}

export function classifyNetworkFailure(error: unknown, cancelled: boolean): NetworkFailure {
	const { codes, texts } = errorTrail(error);
	const has = (set: Set<string>) => codes.find((code) => set.has(code));
	const code = codes[0];
	if (cancelled || has(CANCEL_CODES)) {
		return { reason: 'cancelled', code, message: 'The execution was cancelled' };
	}
	const text = texts.join('\n');
	if (has(TIMEOUT_CODES) || (!codes.length && /timeout|timed out/i.test(text))) {
		return { reason: 'timeout', code: has(TIMEOUT_CODES) ?? code, message: 'The request timed out before the server answered' };
	}
	if (has(RESET_CODES) || (!codes.length && /socket hang up|reset/i.test(text))) {
		return { reason: 'reset', code: has(RESET_CODES) ?? code, message: 'The connection was closed before the server answered' };
	}
	return {
		reason: 'network',
		code,
		message: code ? `The server could not be reached (${code})` : 'The server could not be reached',
	};
}
