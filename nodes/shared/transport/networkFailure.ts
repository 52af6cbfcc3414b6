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

/** Walks an error and its causes (n8n wraps axios errors) for the first system error code. */
function errorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; current && depth < 5; depth++) {
		const code = (current as { code?: unknown }).code;
		if (typeof code === 'string' && code.length) return code;
		current = (current as { cause?: unknown }).cause;
	}
	return undefined;
}

export function classifyNetworkFailure(error: unknown, cancelled: boolean): NetworkFailure {
	const code = errorCode(error);
	const text = String((error as { message?: unknown })?.message ?? '');
	if (cancelled || (code && CANCEL_CODES.has(code)) || /cancel|aborted/i.test(text)) {
		return { reason: 'cancelled', code, message: 'The execution was cancelled' };
	}
	if ((code && TIMEOUT_CODES.has(code)) || /timeout/i.test(text)) {
		return { reason: 'timeout', code, message: 'The request timed out before the server answered' };
	}
	if ((code && RESET_CODES.has(code)) || /socket hang up|reset/i.test(text)) {
		return { reason: 'reset', code, message: 'The connection was closed before the server answered' };
	}
	return {
		reason: 'network',
		code,
		message: code ? `The server could not be reached (${code})` : 'The server could not be reached',
	};
}
