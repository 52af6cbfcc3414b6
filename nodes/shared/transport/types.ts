import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	IPollFunctions,
} from 'n8n-workflow';

/** The n8n contexts a provider can be called from: a node's execute, a list search, a poll. */
export type ProviderContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the credential's base URL, starting with a slash. */
	path: string;
	qs?: IDataObject;
	/** JSON body, or a multipart form (see `headers`). */
	body?: unknown;
	headers?: Record<string, string>;
	timeoutMs?: number;
	/** 'binary': a successful body is returned as a Buffer (audio); error bodies are still parsed. Default 'json'. */
	responseType?: 'json' | 'binary';
}

export interface ApiResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}

/**
 * A response header by name, whatever its case: the first value of a repeated header; a number as
 * text; undefined when absent or not text.
 */
export function responseHeader(headers: Record<string, unknown>, name: string): string | undefined {
	const lower = name.toLowerCase();
	const key =
		name in headers ? name : lower in headers ? lower : Object.keys(headers).find((header) => header.toLowerCase() === lower);
	const raw = key === undefined ? undefined : headers[key];
	const value: unknown = Array.isArray(raw) ? raw[0] : raw;
	if (typeof value === 'string') return value;
	return typeof value === 'number' ? String(value) : undefined;
}
