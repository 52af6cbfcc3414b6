import {
	BINARY_ENCODING,
	type IBinaryData,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { describeItemBinaries, itemBinaries } from './itemBinaries';

// Larger reads mean fewer buffers for n8n's garbage collector; at 1 MiB, garbage buffers pile up
// between collections and memory stops being flat (see BENCHMARKS.md, read chunk size).
const STREAM_CHUNK_BYTES = 256 * 1024;

export interface BinaryInput {
	itemIndex: number;
	property: string;
	binary: IBinaryData;
}

/** The binary property names a parameter value asks for: a comma-separated list, or `*` for all. */
export function parseBinaryPropertyNames(value: unknown): string[] | '*' {
	const text = String(value ?? '').trim();
	if (text === '*') return '*';
	return [...new Set(text.split(',').map((name) => name.trim()).filter((name) => name.length))];
}

/**
 * The binaries of one item, and a problem for each requested property the item does not have.
 * Binaries are found in `item.binary` and, for n8n 2.x's combined binary mode, in `json._files`
 * (see itemBinaries); names, comma lists and `*` work the same in both places.
 */
export function selectItemBinaries(
	item: Pick<INodeExecutionData, 'json' | 'binary'> | undefined,
	itemIndex: number,
	requested: string[] | '*',
): { inputs: BinaryInput[]; problems: string[] } {
	const found = itemBinaries(item);
	const names = requested === '*' ? [...found.keys()] : requested;
	const inputs: BinaryInput[] = [];
	const problems: string[] = [];
	if (requested === '*' && !found.size) {
		problems.push(`Item ${itemIndex} has no binary data`);
	}
	if (requested !== '*' && !requested.length) {
		problems.push(`No binary property name is set for item ${itemIndex}`);
	}
	for (const property of names) {
		const match = found.get(property);
		if (match) {
			inputs.push({ itemIndex, property, binary: match.binary });
			continue;
		}
		const hint = found.size ? `it has ${describeItemBinaries(found)}` : 'it has no binary data at all';
		problems.push(`Item ${itemIndex} has no binary property "${property}" (${hint})`);
	}
	return { inputs, problems };
}

export async function binarySize(context: IExecuteFunctions, input: BinaryInput): Promise<number> {
	if (input.binary.id) {
		return (await context.helpers.getBinaryMetadata(input.binary.id)).fileSize;
	}
	return Buffer.byteLength(input.binary.data, BINARY_ENCODING);
}

/**
 * The binary's bytes: a stream from n8n's binary data store when the data lives there (so large
 * files are never held in memory), the decoded buffer when n8n keeps it in the item.
 */
export async function openBinary(
	context: IExecuteFunctions,
	input: BinaryInput,
): Promise<Buffer | NodeJS.ReadableStream> {
	if (input.binary.id) {
		return await context.helpers.getBinaryStream(input.binary.id, STREAM_CHUNK_BYTES);
	}
	return Buffer.from(input.binary.data, BINARY_ENCODING);
}
