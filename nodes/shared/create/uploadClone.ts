import { NodeOperationError } from 'n8n-workflow';

import { callProvider } from '../transport/callProvider';
import { providerApi, type ProviderConnection } from '../transport/providerApi';
import { MultipartBody } from '../transport/multipartBody';
import type { SendOutcome } from '../transport/send';
import type { CloneRequest, CloneSample, CreatedVoice, CreateEndpoint } from '../providers/types';

function cloneRequestBody(endpoint: CreateEndpoint, samples: CloneSample[]): MultipartBody {
	return new MultipartBody([
		...endpoint.fields.map(([name, value]) => ({ name, value })),
		...samples.map((sample) => ({
			name: endpoint.fileField,
			file: { fileName: sample.fileName, contentType: sample.mimeType, bytes: sample.bytes, open: sample.open },
		})),
	]);
}

/**
 * One upload with a fresh body: a body's file streams are used up by a send. A file that cannot be
 * read while sending is our failure, not the network's, so it is thrown rather than retried.
 */
async function sendMultipart(
	connection: ProviderConnection,
	endpoint: CreateEndpoint,
	samples: CloneSample[],
	timeoutMs: number,
): Promise<SendOutcome> {
	const body = cloneRequestBody(endpoint, samples);
	try {
		const outcome = await connection.send({
			method: 'POST',
			path: endpoint.path,
			body,
			headers: body.headers,
			timeoutMs,
		});
		if (body.readFailure) {
			throw new NodeOperationError(connection.context.getNode(), body.readFailure.message, {
				itemIndex: connection.itemIndex,
				description: 'The upload was stopped before it was complete, so no voice was created.',
			});
		}
		return outcome;
	} finally {
		body.close();
	}
}

/** How long the lookup after an upload with an unknown outcome may take when the deadline has passed. */
const LOOKUP_GRACE_MS = 30_000;

/**
 * Uploads the samples: one non-idempotent provider call within the connection's deadline. When its outcome is
 * unknown (no answer, a 5xx after the body was sent, a 2xx without a voice id) the provider's
 * lookup runs before anything is sent again, so a retry never makes a second voice: a voice with
 * the request's name whose id is not in `knownVoiceIds` is the upload's. The lookup is a read
 * bounded by the deadline, or by LOOKUP_GRACE_MS from now once the deadline has passed (so a voice
 * a timed-out upload made is still found and reported). `onOutcomeUnknown` hears of each lookup.
 */
export async function uploadClone(
	connection: ProviderConnection,
	request: CloneRequest,
	knownVoiceIds: ReadonlySet<string>,
	onOutcomeUnknown: () => void = () => {},
): Promise<CreatedVoice> {
	const { provider } = connection;
	const endpoint = provider.createEndpoint(request);
	const created = await callProvider<CreatedVoice>(
		connection,
		async (timeoutMs) => await sendMultipart(connection, endpoint, request.samples, timeoutMs),
		{
			idempotent: false,
			expected: 'a voice id',
			read: (response) => provider.parseCreatedVoice(response.body, request),
			findCreated: async () => {
				onOutcomeUnknown();
				const lookup = providerApi(connection, { deadline: Math.max(connection.deadline, Date.now() + LOOKUP_GRACE_MS) });
				const found = await provider.findCreatedVoice(lookup, request, knownVoiceIds);
				return found && { ...found, recovered: true };
			},
		},
	);
	return created as CreatedVoice;
}
