import type { INode } from 'n8n-workflow';

import { errorCodeOf, networkApiError, providerApiError } from '../../../../nodes/shared/transport/apiErrors';
import type { NetworkFailure } from '../../../../nodes/shared/transport/networkFailure';

const node: INode = {
	id: 'node',
	name: 'Voice Clone',
	type: 'n8n-nodes-voice-clone.voiceClone',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

describe('networkApiError', () => {
	// NodeApiError swaps any message containing one of these codes for n8n's generic words.
	it.each(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH'])(
		'keeps the provider name and our words when the message names %s',
		(code) => {
			const failure: NetworkFailure = { reason: 'network', code, message: `The server could not be reached (${code})` };
			const error = networkApiError(node, 'Buena AI', failure, 0, 3);
			expect(error.message).toBe(`Buena AI: The server could not be reached (${code}) (3 attempts)`);
			expect(error.description).toBe(`Network error code: ${code}`);
			expect(error.httpCode).toBeNull();
			expect(errorCodeOf(error)).toBe(code);
		},
	);

	it('has no code when the failure had none', () => {
		const error = networkApiError(node, 'Bland AI', { reason: 'timeout', message: 'The request timed out before the server answered' }, 0, 1);
		expect(error.message).toBe('Bland AI: The request timed out before the server answered');
		expect(errorCodeOf(error)).toBeUndefined();
	});
});

describe('providerApiError', () => {
	it("records the provider's code and keeps a message that happens to contain a system code", () => {
		const error = providerApiError(
			node,
			'Buena AI',
			502,
			{ kind: 'server', code: 'UPSTREAM_ERROR', message: 'upstream said ECONNRESET', details: ['Retry later'] },
			2,
		);
		expect(error.message).toBe('Buena AI: upstream said ECONNRESET [UPSTREAM_ERROR]');
		expect(error.description).toBe('Retry later');
		expect(error.httpCode).toBe('502');
		expect(errorCodeOf(error)).toBe('UPSTREAM_ERROR');
	});

	it('has no code when the envelope had none', () => {
		const error = providerApiError(node, 'Bland AI', 500, { kind: 'server', message: 'Server Error', details: [] }, 0);
		expect(errorCodeOf(error)).toBeUndefined();
	});
});
