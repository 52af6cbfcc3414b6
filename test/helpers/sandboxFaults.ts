import type { Sandbox } from '../sandbox';

/**
 * Buena refuses one upload for good, after `skip` uploads went through: a 400, which the node never
 * retries itself, so only n8n's Retry On Fail can send that item again.
 */
export function refuseBuenaUpload(sandbox: Sandbox, skip: number): void {
	sandbox.injectFault({
		mode: 'json',
		status: 400,
		skip,
		provider: 'buena',
		method: 'POST',
		pathIncludes: '/voice-clones',
		body: { error: true, code: 'VALIDATION_ERROR', message: 'The audio could not be processed', version: '2.0', details: {} },
	});
}
