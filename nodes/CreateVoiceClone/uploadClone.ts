// form-data streams each sample from n8n's binary store; it is the package's one runtime dependency.
// eslint-disable-next-line @n8n/community-nodes/no-restricted-imports
import FormData from 'form-data';

import type { ProviderConnection } from '../shared/transport/providerApi';
import { retryDelayMs } from '../shared/transport/retryDelay';
import type { SendOutcome } from '../shared/transport/send';
import type {
	CloneRequest,
	CloneSample,
	CreatedVoice,
	CreateEndpoint,
	PreflightResult,
	ProviderApi,
} from '../shared/providers/types';

type Closable = { destroy?: () => void };

/** A fresh multipart body: streams are used up by a send, so every attempt opens the files again. */
async function sendMultipart(
	connection: ProviderConnection,
	endpoint: CreateEndpoint,
	samples: CloneSample[],
	timeoutMs: number,
): Promise<SendOutcome> {
	const form = new FormData();
	for (const [field, value] of endpoint.fields) form.append(field, value);
	const opened: Array<Buffer | NodeJS.ReadableStream> = [];
	for (const sample of samples) {
		const body = await sample.open();
		opened.push(body);
		form.append(endpoint.fileField, body, {
			filename: sample.fileName,
			contentType: sample.mimeType,
			knownLength: sample.bytes,
		});
	}
	// n8n only recognises its own copy of form-data, so the multipart headers are set here.
	const headers = { ...form.getHeaders(), 'content-length': String(form.getLengthSync()) };
	const outcome = await connection.send({
		method: 'POST',
		path: endpoint.path,
		body: form,
		headers,
		timeoutMs,
	});
	for (const body of opened) (body as Closable).destroy?.();
	return outcome;
}

/**
 * Uploads the samples and returns the created voice. Rate limits are waited out and retried;
 * when the outcome is unknown (no answer, or a 5xx after the body was sent) the provider is asked
 * whether the voice now exists before anything is sent again, so a retry never makes a second one.
 */
export async function uploadClone(
	connection: ProviderConnection,
	api: ProviderApi,
	request: CloneRequest,
	preflight: PreflightResult,
	timeoutMs: number,
): Promise<CreatedVoice> {
	const { provider, policy } = connection;
	const endpoint = provider.createEndpoint(request);
	for (let attempt = 0; ; attempt++) {
		const outcome = await sendMultipart(connection, endpoint, request.samples, timeoutMs);
		if (outcome.type === 'failure' && outcome.failure.reason === 'cancelled') {
			throw connection.networkError(outcome.failure, attempt + 1);
		}
		const response = outcome.type === 'response' ? outcome.response : undefined;
		if (response && response.statusCode < 400) {
			const created = provider.parseCreatedVoice(response.body, request);
			if (created) return created;
		}
		const error = response && response.statusCode >= 400 ? provider.parseError(response) : undefined;
		const outcomeUnknown = !error || error.kind === 'transient' || error.kind === 'server';
		if (outcomeUnknown) {
			const existing = await provider.findCreatedVoice(api, request, preflight);
			if (existing) return existing;
		}
		const retryable = !response || error?.kind === 'rateLimit' || error?.kind === 'transient';
		const delay = retryDelayMs(attempt, policy, response, error?.retryAfterMs);
		if (!retryable || attempt >= policy.maxRetries || delay > policy.maxWaitMs) {
			if (outcome.type === 'failure') throw connection.networkError(outcome.failure, attempt + 1);
			throw connection.apiError(outcome.response, error ?? provider.parseError(outcome.response));
		}
		await connection.wait(delay);
	}
}
