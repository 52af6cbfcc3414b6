import {
	NodeOperationError,
	type ExecutionBaseError,
	type IExecuteFunctions,
} from 'n8n-workflow';

import { asNodeError } from '../execution/itemErrors';
import { trimmedName } from '../providers/parsing';
import type { CloneRequest, VoiceProvider } from '../providers/types';
import { prepareCloneRequest } from './prepareCloneRequest';
import { readCloneSettings, type CloneSettings } from './settings';

/** One voice to make: from one item, or from all items combined. */
export type CloneJob = { itemIndexes: number[] } & (
	| { settings: CloneSettings; request: CloneRequest; fingerprint: string; invalid?: undefined }
	/** Something the user gave is wrong: the job fails before anything is sent. */
	| { invalid: ExecutionBaseError; problems: string[]; name: string; settings?: undefined; request?: undefined }
);

export type InvalidCloneJob = Extract<CloneJob, { invalid: ExecutionBaseError }>;

function invalidInputError(context: IExecuteFunctions, itemIndex: number, name: string, problems: string[]) {
	const subject = name ? `The voice clone "${name}"` : 'The voice clone';
	return new NodeOperationError(
		context.getNode(),
		`${subject} was not created, nothing was sent: ${problems.join('; ')}`,
		{ itemIndex, description: problems.map((problem) => `• ${problem}`).join('\n') },
	);
}

/** The item's voice name for an error about it, when it can be read. */
function nameOf(context: IExecuteFunctions, itemIndex: number): string {
	try {
		return trimmedName(context.getNodeParameter('name', itemIndex, ''));
	} catch {
		return '';
	}
}

async function checkJob(
	context: IExecuteFunctions,
	provider: VoiceProvider,
	itemIndexes: number[],
): Promise<CloneJob> {
	const [first] = itemIndexes;
	let settings: CloneSettings;
	try {
		settings = readCloneSettings(context, provider, first);
	} catch (error) {
		const invalid = asNodeError(context, error, first);
		return { itemIndexes, invalid, problems: [invalid.message], name: nameOf(context, first) };
	}
	const prepared = await prepareCloneRequest(context, provider, itemIndexes, settings.providerOptions);
	if (prepared.problems) {
		const invalid = invalidInputError(context, first, prepared.name, prepared.problems);
		return { itemIndexes, invalid, problems: prepared.problems, name: prepared.name };
	}
	return { itemIndexes, settings, request: prepared.request, fingerprint: prepared.fingerprint };
}

/**
 * Reads and checks every clone of the run — options, name, files, audio, the provider's limits —
 * before the first request, so a bad item found late can no longer stop a batch halfway.
 */
export async function checkCloneJobs(
	context: IExecuteFunctions,
	provider: VoiceProvider,
	combine: boolean,
): Promise<CloneJob[]> {
	const count = context.getInputData().length;
	const groups = combine
		? [Array.from({ length: count }, (_, index) => index)]
		: Array.from({ length: count }, (_, index) => [index]);
	const jobs: CloneJob[] = [];
	for (const itemIndexes of groups) {
		try {
			jobs.push(await checkJob(context, provider, itemIndexes));
		} catch (error) {
			const invalid = asNodeError(context, error, itemIndexes[0]);
			jobs.push({ itemIndexes, invalid, problems: [invalid.message], name: nameOf(context, itemIndexes[0]) });
		}
	}
	return jobs;
}

function listItems(indexes: number[]): string {
	const words = indexes.map(String);
	const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}` : words[0];
	return `${indexes.length > 1 ? 'Items' : 'Item'} ${list}`;
}

function itemLabel(job: InvalidCloneJob): string {
	return `${job.itemIndexes[0]}${job.name ? ` ("${job.name}")` : ''}`;
}

/**
 * The one error that stops a run whose items are not all valid (nothing was sent). When every
 * invalid item has the same problems (an option set for the whole node), it is that item's error,
 * saying which items have it; otherwise it names the first invalid item and lists every invalid
 * item's problems, each line naming its item.
 */
export function invalidBatchError(
	context: IExecuteFunctions,
	jobs: CloneJob[],
	invalid: InvalidCloneJob[],
): ExecutionBaseError {
	const [first] = invalid;
	const others = jobs.length - invalid.length;
	const sameProblems = invalid.every((job) => job.problems.join('\n') === first.problems.join('\n'));
	if (sameProblems) {
		if (jobs.length === 1) return first.invalid;
		const unsent = `nothing was sent for the other ${others} item${others === 1 ? '' : 's'} either: every item is checked before anything is sent.`;
		let who = `All ${invalid.length} items have this problem.`;
		if (others && invalid.length === 1) who = `Only item ${first.itemIndexes[0]} is invalid, but ${unsent}`;
		else if (others) who = `${listItems(invalid.map((job) => job.itemIndexes[0]))} have this problem; ${unsent}`;
		const error = first.invalid;
		error.description = error.description ? `${who}\n${error.description}` : who;
		return error;
	}
	const lines = invalid.flatMap((job) => job.problems.map((problem) => `• Item ${itemLabel(job)}: ${problem}`));
	const next =
		others === 0
			? 'Fix these items and run the node again.'
			: `Fix these items, or set the node's "On Error" setting to continue: then the ${others} valid item${others === 1 ? ' is' : 's are'} created and the invalid ones fail.`;
	return new NodeOperationError(
		context.getNode(),
		`Nothing was sent: ${invalid.length} of ${jobs.length} items are invalid; the first is item ${itemLabel(first)}: ${first.problems.join('; ')}`,
		{
			itemIndex: first.itemIndexes[0],
			description: ['Every problem, by item:', ...lines, `No voice was created: every item is checked before anything is sent. ${next}`].join('\n'),
		},
	);
}
