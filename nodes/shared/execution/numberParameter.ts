import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** A number the user sets on a node, with the range the node can work with. */
export interface NumberParameter {
	/** The parameter's path, e.g. "options.maxRetries" for an option in the Options collection. */
	readonly path: string;
	/** Its label in the editor, e.g. "Max Retries". */
	readonly displayName: string;
	readonly default: number;
	readonly min: number;
	readonly max: number;
	/** Only whole numbers make sense (a count). */
	readonly integer?: boolean;
	/** Where to find it, for the error: "under Options". */
	readonly where?: string;
}

function describeValue(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'number') return String(value);
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return String(value);
	}
}

/** The range in words: "a whole number from 0 to 10". */
function describeRange(parameter: NumberParameter): string {
	const kind = parameter.integer ? 'a whole number' : 'a number';
	return Number.isFinite(parameter.max)
		? `${kind} from ${parameter.min} to ${parameter.max}`
		: `${kind} of at least ${parameter.min}`;
}

/**
 * Reads a number the way every option of these nodes is read: a number, or text that is exactly a
 * number (an expression reading a CSV column gives "3"). Anything else — other text, NaN, an
 * infinity, a fraction where a count is asked, a value out of range — is refused, so a NaN can
 * never make a loop bound or a timeout that is never reached.
 */
export function parseNumberValue(parameter: NumberParameter, value: unknown): number | string {
	if (value === undefined || value === null) return parameter.default;
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : value;
	const valid =
		typeof number === 'number' &&
		Number.isFinite(number) &&
		number >= parameter.min &&
		number <= parameter.max &&
		(!parameter.integer || Number.isInteger(number));
	if (valid) return number;
	return `${parameter.displayName} must be ${describeRange(parameter)} (got ${describeValue(value)})`;
}

/** Reads and checks one number parameter of an item; a bad value fails the item before anything is sent. */
export function readNumberParameter(
	context: IExecuteFunctions,
	parameter: NumberParameter,
	itemIndex: number,
): number {
	const value = context.getNodeParameter(parameter.path, itemIndex, parameter.default) as unknown;
	const parsed = parseNumberValue(parameter, value);
	if (typeof parsed === 'number') return parsed;
	const where = parameter.where ? ` ${parameter.where}` : '';
	throw new NodeOperationError(context.getNode(), parsed, {
		itemIndex,
		description: `Set ${parameter.displayName}${where} to ${describeRange(parameter)}. Nothing was sent.`,
	});
}
