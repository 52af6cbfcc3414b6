export type NetworkFailureReason = 'timeout' | 'reset' | 'cancelled' | 'network';

/** A request that got no HTTP answer. The provider may or may not have acted on it. */
export interface NetworkFailure {
	reason: NetworkFailureReason;
	code?: string;
	message: string;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);
const CANCEL_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

/** Every system error code on an error and its causes (n8n wraps axios errors). */
function errorCodes(error: unknown): string[] {
	const codes: string[] = [];
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code.length) codes.push(code);
		current = (current as { cause?: unknown }).cause;
	}
	return codes;
}

export function classifyNetworkFailure(error: unknown, cancelled: boolean): NetworkFailure {
	const codes = errorCodes(error);
	const has = (set: Set<string>) => codes.find((code) => set.has(code));
	const code = codes[0];
	if (cancelled || has(CANCEL_CODES)) {
		return { reason: 'cancelled', code, message: 'The execution was cancelled' };
	}
	const text = String((error as { message?: unknown })?.message ?? '');
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
