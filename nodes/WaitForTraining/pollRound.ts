import {
	NodeOperationError,
	type ExecutionBaseError,
	type NodeApiError,
} from 'n8n-workflow';

import { asNodeError, isCancellation } from '../shared/execution/itemErrors';
import type { VoiceState } from '../shared/providers/types';
import type { ProviderConnection } from '../shared/transport/providerApi';
import { providerApi } from '../shared/transport/providerApi';
import type { RetryPolicy } from '../shared/transport/retryDelay';
import type { SendOutcome } from '../shared/transport/send';
import { backoffCapMs } from './pollSchedule';

type NodeError = NodeApiError | NodeOperationError | ExecutionBaseError;

export type RoundResult =
	| { type: 'states'; states: Map<string, VoiceState>; at: number }
	/** The provider could not answer this round (rate limit, 5xx, network); ask again next round. */
	| { type: 'transient'; error: NodeError; at: number }
	/** An answer that asking again will not change (401, 403, a 4xx, a body we cannot read). */
	| { type: 'fatal'; error: NodeError; at: number }
	| { type: 'cancelled'; error: NodeError; at: number };

/** Retries within one round; what they do not absorb the next round tries again. */
const ROUND_MAX_RETRIES = 5;
/** HTTP answers that say "not now" rather than "no". */
const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

function isTransientOutcome(outcome: SendOutcome | undefined): boolean {
	if (!outcome) return false;
	if (outcome.type === 'failure') return outcome.failure.reason !== 'cancelled';
	return TRANSIENT_STATUSES.has(outcome.response.statusCode);
}

/**
 * One polling round: the state of every voice still waited on, in as few requests as the
 * provider allows (Buena: one list call per page for all of them together).
 *
 * The shared retry loop absorbs rate limits (waiting as long as the provider asks) and transient
 * failures, but only until `deadline` (the earliest deadline among the voices): its policy's
 * maxWaitMs is the time left, and its waits are refused once they would end past the deadline,
 * so a round never holds a voice beyond its timeout. The connection is the shared one with that
 * policy and two wrappers; the transport itself is unchanged.
 */
export async function pollRound(
	base: ProviderConnection,
	voiceIds: string[],
	deadline: number,
	intervalMs: number,
): Promise<RoundResult> {
	let last: SendOutcome | undefined;
	/** A success status whose body is not JSON (a proxy page, a cut-off answer): ask again next round. */
	let unreadable = false;
	let deadlineReached = false;
	const node = base.context.getNode();
	const policy: RetryPolicy = {
		maxRetries: ROUND_MAX_RETRIES,
		baseDelayMs: Math.min(1_000, intervalMs),
		maxBackoffMs: backoffCapMs(intervalMs),
		maxWaitMs: Math.max(0, deadline - Date.now()),
	};
	const connection: ProviderConnection = {
		...base,
		policy,
		send: async (request) => {
			last = await base.send(request);
			const response = last.type === 'response' ? last.response : undefined;
			if (response && response.statusCode < 400 && typeof response.body === 'string') unreadable = true;
			return last;
		},
		wait: async (ms) => {
			if (Date.now() + ms > deadline) {
				deadlineReached = true;
				throw new NodeOperationError(node, 'The timeout ran out while the provider asked to wait');
			}
			await base.wait(ms);
		},
	};

	const result = await base.provider
		.fetchVoiceStates(providerApi(connection), voiceIds)
		.then(
			(states) => ({ states }),
			(error: unknown) => ({ error }),
		);
	const at = Date.now();
	if ('states' in result) return { type: 'states', states: result.states, at };

	const error = asNodeError(base.context, result.error, base.itemIndex);
	if (isCancellation(result.error, base.context)) return { type: 'cancelled', error, at };
	if (deadlineReached && last) {
		// Report what the provider said, not the refused wait.
		const cause =
			last.type === 'failure'
				? base.networkError(last.failure, 1)
				: base.apiError(last.response);
		return { type: 'transient', error: asNodeError(base.context, cause, base.itemIndex), at };
	}
	return { type: isTransientOutcome(last) || unreadable ? 'transient' : 'fatal', error, at };
}
