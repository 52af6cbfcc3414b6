import type { IDisplayOptions } from 'n8n-workflow';

/** Display options that show a field only for one operation (and, optionally, some providers). */
export function showFor(operation: string, providers?: string[]): IDisplayOptions {
	return { show: providers ? { operation: [operation], provider: providers } : { operation: [operation] } };
}
