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
