import type { IDisplayOptions } from 'n8n-workflow';

/** Display options that show a field only for one operation. */
export function showFor(operation: string): IDisplayOptions {
	return { show: { operation: [operation] } };
}
