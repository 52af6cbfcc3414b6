import {
	NodeOperationError,
	type ExecutionBaseError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type NodeApiError,
} from 'n8n-workflow';

import { asNodeError, failedItem, isCancellation } from '../execution/itemErrors';
import { readNumberParameter } from '../execution/numberParameter';
import { selectedProvider } from '../providers/selectedProvider';
import type { VoiceProvider, VoiceState } from '../providers/types';
import { voiceNotFoundError } from '../providers/voiceRecords';
import { connectProvider, type ProviderConnection } from '../transport/providerApi';
import { voiceIdParameter } from '../voices/voiceLocator';
import { nextRoundAt, pollGapMs } from './pollSchedule';
import { pollRound } from './pollRound';
import { POLL_INTERVAL, TIMEOUT_MINUTES } from './settings';

type NodeError = NodeApiError | NodeOperationError | ExecutionBaseError;

/** One input item waiting on one voice. */
interface Waiter {
	itemIndex: number;
	voiceId: string;
	timeoutMs: number;
	deadline: number;
	/** The last state the provider reported. */
	state?: VoiceState;
	/** Why the last round could not check, while time remained. */
	lastError?: NodeError;
	done: boolean;
}

const LONG_WAIT_HINT =
	'For trainings longer than the timeout, turn on Check Once and loop with n8n\'s Wait and IF nodes instead of holding the execution.';

function formatDuration(ms: number): string {
	const seconds = Math.round(ms / 100) / 10;
	if (seconds < 60) return `${seconds} s`;
	const minutes = Math.floor(seconds / 60);
	const rest = Math.round(seconds - minutes * 60);
	return rest ? `${minutes} min ${rest} s` : `${minutes} min`;
}

function progressText(state: VoiceState | undefined, lastError: NodeError | undefined): string {
	if (!state) {
		return lastError
			? `no status received; the last check failed: ${lastError.message}`
			: 'no status received';
	}
	return state.trainingProgress !== undefined
		? `last progress seen ${state.trainingProgress}%`
		: 'the provider reported no training progress';
}

/** Reads the node's parameters for every item: the voices to wait on and their deadlines. */
function readWaiters(context: IExecuteFunctions, startedAt: number, fail: (index: number, error: NodeError) => void) {
	const waiters: Waiter[] = [];
	context.getInputData().forEach((_, itemIndex) => {
		const voiceId = voiceIdParameter(context, itemIndex);
		let timeoutMs: number;
		try {
			timeoutMs = readNumberParameter(context, TIMEOUT_MINUTES, itemIndex) * 60_000;
		} catch (error) {
			fail(itemIndex, asNodeError(context, error, itemIndex));
			return;
		}
		if (!voiceId) {
			fail(
				itemIndex,
				new NodeOperationError(context.getNode(), 'No voice ID to wait for', {
					itemIndex,
					description:
						'The Voice ID parameter is empty for this item. By default it reads the voiceId field of the input item, as Create Voice Clone outputs it.',
				}),
			);
			return;
		}
		waiters.push({ itemIndex, voiceId, timeoutMs, deadline: startedAt + timeoutMs, done: false });
	});
	return waiters;
}

function trainingFailedError(context: IExecuteFunctions, provider: VoiceProvider, waiter: Waiter, state: VoiceState) {
	const reason = state.errorMessage ?? 'no reason given';
	return new NodeOperationError(
		context.getNode(),
		`Training of voice "${waiter.voiceId}" failed at ${provider.displayName}: ${reason}`,
		{
			itemIndex: waiter.itemIndex,
			description: 'The provider will not finish this voice. Create the clone again, with cleaner samples if the reason is about the audio.',
		},
	);
}

function timeoutError(context: IExecuteFunctions, waiter: Waiter, waitedMs: number) {
	const lines = [LONG_WAIT_HINT];
	if (waiter.lastError) lines.unshift(`The last check failed: ${waiter.lastError.message}`);
	return new NodeOperationError(
		context.getNode(),
		`Voice "${waiter.voiceId}" was not ready after waiting ${formatDuration(waitedMs)} (timeout ${formatDuration(waiter.timeoutMs)}; ${progressText(waiter.state, waiter.lastError)})`,
		{ itemIndex: waiter.itemIndex, description: lines.join('\n') },
	);
}

/** Did this round bring news: a voice seen for the first time, or a status or progress that moved? */
function isNews(previous: VoiceState | undefined, current: VoiceState): boolean {
	return (
		!previous ||
		previous.status !== current.status ||
		previous.trainingProgress !== current.trainingProgress
	);
}

/**
 * Waits until every item's voice can be used. All voices still pending are checked together in
 * one round (one list request per page at Buena, whatever their number), rounds are spaced by
 * pollSchedule, every wait listens to the execution's cancel signal, and each item settles on
 * its own: ready, failed training, not found or timed out.
 */
export async function waitForTraining(context: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = context.getInputData();
	if (!items.length) return [];
	const startedAt = Date.now();
	const provider = (() => {
		try {
			return selectedProvider(context, 0);
		} catch (error) {
			return asNodeError(context, error, 0);
		}
	})();
	const checkOnce = context.getNodeParameter('checkOnce', 0, false) as boolean;
	// Read and checked before anything is sent; Check Once does not use it.
	const intervalMs = checkOnce ? 0 : readNumberParameter(context, POLL_INTERVAL, 0) * 1000;
	const continueOnFail = context.continueOnFail();
	const results: Array<INodeExecutionData | undefined> = new Array(items.length);

	const outputJson = (itemIndex: number, voiceId: string, state: VoiceState | undefined, at: number): IDataObject => ({
		...items[itemIndex].json,
		voiceId,
		status: state?.status ?? null,
		trainingProgress: state?.trainingProgress ?? null,
		checkedAt: new Date(at).toISOString(),
		waitedSeconds: Math.round(at - startedAt) / 1000,
		voice: state?.raw ?? null,
	});
	/** Settles an item with an error: an error item under "continue on fail", else the node fails. */
	const fail = (itemIndex: number, error: NodeError, json: IDataObject = { ...items[itemIndex].json }) => {
		if (!continueOnFail || isCancellation(error, context)) throw error;
		results[itemIndex] = failedItem(context, error, [{ item: itemIndex }], json);
	};
	const succeed = (waiter: Waiter, at: number) => {
		waiter.done = true;
		results[waiter.itemIndex] = {
			json: outputJson(waiter.itemIndex, waiter.voiceId, waiter.state, at),
			pairedItem: { item: waiter.itemIndex },
		};
	};
	const failWaiter = (waiter: Waiter, error: NodeError, at: number) => {
		waiter.done = true;
		fail(waiter.itemIndex, error, outputJson(waiter.itemIndex, waiter.voiceId, waiter.state, at));
	};

	if (!('id' in provider)) {
		items.forEach((_, itemIndex) => fail(itemIndex, provider));
		return results.filter((item): item is INodeExecutionData => !!item);
	}

	let pending = readWaiters(context, startedAt, fail);
	if (pending.length) {
		const connected = await connectProvider(context, provider, pending[0].itemIndex).then(
			(connection) => ({ connection }),
			(error: unknown) => ({ error: asNodeError(context, error, pending[0].itemIndex) }),
		);
		if ('error' in connected) {
			for (const waiter of pending) failWaiter(waiter, connected.error, Date.now());
		} else {
			await poll(connected.connection, provider);
		}
	}
	return results.filter((item): item is INodeExecutionData => !!item);

	async function poll(connection: ProviderConnection, provider: VoiceProvider) {
		let quietRounds = 0;
		while (pending.length) {
			const roundStartedAt = Date.now();
			const earliestDeadline = Math.min(...pending.map((waiter) => waiter.deadline));
			const voiceIds = [...new Set(pending.map((waiter) => waiter.voiceId))];
			const round = await pollRound(
				connection,
				voiceIds,
				Math.max(earliestDeadline, roundStartedAt),
				checkOnce ? 'checkOnce' : intervalMs,
			);
			if (round.type === 'cancelled') throw round.error;

			// A rate limit that resets after the earliest deadline fails only the voices whose own
			// deadline comes before the reset; the others wait for it in the next round.
			const resetsAt = round.type === 'fatal' ? Number(round.error.context?.rateLimitResetsAt) : NaN;
			let news = false;
			for (const waiter of pending) {
				if (round.type !== 'states') {
					if (round.type === 'fatal' && !(resetsAt <= waiter.deadline)) failWaiter(waiter, round.error, round.at);
					else waiter.lastError = round.error;
					continue;
				}
				const state = round.states.get(waiter.voiceId);
				if (!state) {
					news = true;
					failWaiter(
						waiter,
						voiceNotFoundError(
							{ node: context.getNode(), itemIndex: waiter.itemIndex },
							provider.displayName,
							waiter.voiceId,
						),
						round.at,
					);
					continue;
				}
				news ||= isNews(waiter.state, state);
				waiter.state = state;
				waiter.lastError = undefined;
				if (state.status === 'ready' || checkOnce) succeed(waiter, round.at);
				else if (state.status === 'failed') {
					failWaiter(waiter, trainingFailedError(context, provider, waiter, state), round.at);
				}
			}
			// A voice is checked once more at its deadline (rounds are never scheduled later), and
			// times out only if that check did not settle it.
			for (const waiter of pending) {
				if (waiter.done) continue;
				// Check Once is one round: a check that failed is the item's error, with no second try.
				if (checkOnce && waiter.lastError) failWaiter(waiter, waiter.lastError, round.at);
				else if (round.at >= waiter.deadline) failWaiter(waiter, timeoutError(context, waiter, round.at - startedAt), round.at);
			}
			pending = pending.filter((waiter) => !waiter.done);
			if (!pending.length) return;

			if (round.type === 'states') quietRounds = news ? 0 : quietRounds + 1;
			const nextAt = nextRoundAt({
				startedAt: roundStartedAt,
				endedAt: round.at,
				gapMs: pollGapMs(intervalMs, quietRounds),
				deadline: Math.min(...pending.map((waiter) => waiter.deadline)),
			});
			await connection.wait(Math.max(0, nextAt - Date.now()));
		}
	}
}
