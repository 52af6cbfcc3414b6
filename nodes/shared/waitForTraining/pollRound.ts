import type { ExecutionBaseError, IExecuteFunctions, NodeApiError, NodeOperationError } from 'n8n-workflow';

import { asNodeError, isCancellation } from '../execution/itemErrors';
import type { VoiceState } from '../providers/types';
import { isRetryable } from '../transport/apiErrors';
import { providerApi, type ProviderConnection } from '../transport/providerApi';
import type { RetryPolicy } from '../transport/retryDelay';
import { backoffCapMs } from './pollSchedule';

type NodeError = NodeApiError | NodeOperationError | ExecutionBaseError;

type RoundResult =
	| { type: 'states'; states: Map<string, VoiceState>; at: number }
	/** The provider could not answer this round (rate limit, 5xx, network); ask again next round. */
	| { type: 'transient'; error: NodeError; at: number }
	/** An answer that asking again will not change (401, 403, a 4xx), or a rate limit that outlasts the deadline. */
	| { type: 'fatal'; error: NodeError; at: number }
	| { type: 'cancelled'; error: NodeError; at: number };

/** Retries within one round; what they do not absorb the next round tries again. */
const ROUND_MAX_RETRIES = 5;

/**
 * The round at a voice's deadline still asks once (nothing waits): how long its answer may take.
 * The schedule never starts a round after the earliest deadline, so this is the only overrun.
 */
const LAST_CHECK_TIMEOUT_MS = 5_000;

/** Check Once: one round, no waiting of any kind, no retry. */
const CHECK_ONCE_POLICY: RetryPolicy = { maxRetries: 0, baseDelayMs: 0, maxBackoffMs: 0, maxWaitMs: 0 };

/**
 * One polling round: the state of every voice still waited on, in as few requests as the
 * provider allows, as calls bounded by `deadline` (the earliest deadline among the voices): no
 * wait of the round (the rate pacer's, a retry's backoff, a provider's retry-after) ends after
 * it. What the transport could not absorb by then is reported as transient (ask again next round,
 * while time remains) or fatal.
 */
export async function pollRound(
	connection: ProviderConnection,
	voiceIds: string[],
	deadline: number,
	intervalMs: number | 'checkOnce',
): Promise<RoundResult> {
	const policy: RetryPolicy =
		intervalMs === 'checkOnce'
			? CHECK_ONCE_POLICY
			: {
					maxRetries: ROUND_MAX_RETRIES,
					baseDelayMs: Math.min(1_000, intervalMs),
					maxBackoffMs: backoffCapMs(intervalMs),
					maxWaitMs: Infinity,
				};
	const result = await connection.provider
		.fetchVoiceStates(providerApi(connection, { policy, deadline, lastChanceMs: LAST_CHECK_TIMEOUT_MS }), voiceIds)
		.then(
			(states) => ({ states }),
			(error: unknown) => ({ error }),
		);
	const at = Date.now();
	if ('states' in result) return { type: 'states', states: result.states, at };
	const context = connection.context as IExecuteFunctions;
	const error = asNodeError(context, result.error, connection.itemIndex);
	if (isCancellation(result.error, context)) return { type: 'cancelled', error, at };
	return { type: isRetryable(result.error) ? 'transient' : 'fatal', error, at };
}
