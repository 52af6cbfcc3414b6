import type { IBinaryData, INodeExecutionData } from 'n8n-workflow';

/**
 * Where n8n 2.x keeps binaries in a workflow whose binary mode is "combined" (the editor's
 * "Execution Logic v2"): after every node, n8n moves each binary it has stored from
 * `item.binary` into `item.json._files.<name>` (an IBinaryData with an `id`) and leaves
 * `item.binary` empty. n8n-workflow 2.x calls it BINARY_IN_JSON_PROPERTY; 1.x does not have it.
 */
const FILES_IN_JSON = '_files';

type BinaryPlace = 'binary' | typeof FILES_IN_JSON;

interface ItemBinary {
	binary: IBinaryData;
	place: BinaryPlace;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A binary as n8n describes one: a MIME type, and its stored `id` or its base64 `data`. */
export function isBinaryData(value: unknown): value is IBinaryData {
	if (!isPlainObject(value) || typeof value.mimeType !== 'string') return false;
	return (typeof value.id === 'string' && value.id.length > 0) || typeof value.data === 'string';
}

/**
 * Every binary of an item by property name: those in `item.binary`, then those under
 * `json._files` (anything there that is not a binary is ignored). A name found in both places is
 * taken from `item.binary`: that is where n8n puts binaries in the default ("separate") mode, and
 * in combined mode n8n empties it after every node, so whatever is still there is the newer one.
 */
export function itemBinaries(
	item: Pick<INodeExecutionData, 'json' | 'binary'> | undefined,
): Map<string, ItemBinary> {
	const found = new Map<string, ItemBinary>();
	for (const [name, binary] of Object.entries(item?.binary ?? {})) {
		if (binary) found.set(name, { binary, place: 'binary' });
	}
	const files: unknown = item?.json?.[FILES_IN_JSON];
	if (!isPlainObject(files)) return found;
	for (const [name, binary] of Object.entries(files)) {
		if (!found.has(name) && isBinaryData(binary)) found.set(name, { binary, place: FILES_IN_JSON });
	}
	return found;
}

/** How an error lists what an item has: `"a", "b" (in _files)`. */
export function describeItemBinaries(found: Map<string, ItemBinary>): string {
	return [...found]
		.map(([name, { place }]) => (place === 'binary' ? `"${name}"` : `"${name}" (in ${FILES_IN_JSON})`))
		.join(', ');
}
