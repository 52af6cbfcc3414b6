import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';

import type { CloneRequest, CloneSample, VoiceProvider } from '../providers/types';
import { trimmedName } from '../providers/parsing';
import { parseBinaryPropertyNames, selectItemBinaries, type BinaryInput } from '../samples/binaryInput';
import { inspectSample } from '../samples/inspectSample';
import { checkSampleLimits } from '../samples/validateClone';

function invalidInputError(
	context: IExecuteFunctions,
	itemIndex: number,
	name: string,
	problems: string[],
): NodeOperationError {
	const subject = name ? `The voice clone "${name}"` : 'The voice clone';
	return new NodeOperationError(
		context.getNode(),
		`${subject} was not created, nothing was sent: ${problems.join('; ')}`,
		{ itemIndex, description: problems.map((problem) => `• ${problem}`).join('\n') },
	);
}

/**
 * Everything about one clone that can be checked without the API, checked all at once so the
 * user sees every problem of the item in one error; throws before any byte is sent.
 */
export async function prepareCloneRequest(
	context: IExecuteFunctions,
	provider: VoiceProvider,
	itemIndexes: number[],
	/** The provider's options, read with the run's other settings before anything was sent. */
	options: IDataObject,
): Promise<CloneRequest> {
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

	if (problems.length) throw invalidInputError(context, first, name, problems);
	return { name, description, samples, options };
}
