import { createHash } from 'crypto';

import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { CloneRequest, CloneSample, VoiceProvider } from '../providers/types';
import { trimmedName } from '../providers/parsing';
import { parseBinaryPropertyNames, selectItemBinaries, type BinaryInput } from '../samples/binaryInput';
import { inspectSample } from '../samples/inspectSample';
import { checkSampleLimits } from '../samples/validateClone';

export type PreparedClone =
	| {
			request: CloneRequest;
			/** What identifies the request: the same item asking for the same voice from the same files. */
			fingerprint: string;
			problems?: undefined;
	  }
	| { name: string; problems: string[]; request?: undefined };

/**
 * Who a sample is: the binary's id in n8n's store, or a hash of the bytes n8n keeps in the item,
 * with the names and size the user sees. The same input item gives the same identity on a retry.
 */
function sampleIdentity(input: BinaryInput): IDataObject {
	const { binary } = input;
	return {
		item: input.itemIndex,
		property: input.property,
		id: binary.id ?? createHash('sha256').update(binary.data).digest('hex'),
		fileName: binary.fileName ?? null,
		fileSize: binary.fileSize ?? null,
	};
}

function fingerprintOf(request: CloneRequest, inputs: BinaryInput[]): string {
	const identity = JSON.stringify([request.name, request.description, request.options, inputs.map(sampleIdentity)]);
	return createHash('sha256').update(identity).digest('hex');
}

/**
 * Everything about one clone that can be checked without the API, checked all at once so the
 * user sees every problem of the item together. Sends nothing: the batch checks every clone
 * before its first upload.
 */
export async function prepareCloneRequest(
	context: IExecuteFunctions,
	provider: VoiceProvider,
	itemIndexes: number[],
	/** The provider's options, read with the run's other settings. */
	options: IDataObject,
): Promise<PreparedClone> {
	const [first] = itemIndexes;
	const name = trimmedName(context.getNodeParameter('name', first, ''));
	const description = trimmedName(context.getNodeParameter('description', first, ''));

	const problems: string[] = [];
	if (!name) problems.push('The voice name is empty');
	problems.push(...provider.validateCreateOptions(name, options));

	const inputs: BinaryInput[] = [];
	for (const itemIndex of itemIndexes) {
		const requested = parseBinaryPropertyNames(context.getNodeParameter('binaryProperties', itemIndex, 'data'));
		const selection = selectItemBinaries(context.getInputData()[itemIndex], itemIndex, requested);
		inputs.push(...selection.inputs);
		problems.push(...selection.problems);
	}

	const samples: CloneSample[] = [];
	for (const input of inputs) {
		const inspected = await inspectSample(context, input);
		if (inspected.sample) samples.push(inspected.sample);
		else problems.push(inspected.problem);
	}
	problems.push(...checkSampleLimits(provider.displayName, provider.limits, samples, inputs.length));

	if (problems.length) return { name, problems };
	const request = { name, description, samples, options };
	return { request, fingerprint: fingerprintOf(request, inputs) };
}
