import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

export interface ApiRequest {
	method: IHttpRequestMethods;
	/** Path below the credential's base URL, starting with a slash. */
	path: string;
	qs?: IDataObject;
	/** JSON body, or a multipart form (see `headers`). */
	body?: unknown;
	headers?: Record<string, string>;
	timeoutMs?: number;
}

export interface ApiResponse {
	statusCode: number;
	headers: Record<string, unknown>;
	body: unknown;
}
