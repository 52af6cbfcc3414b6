import { classifyNetworkFailure } from '../../../../nodes/shared/transport/networkFailure';

const wrapped = (code: string, message: string) => {
	const cause = Object.assign(new Error(message), { code });
	// n8n wraps the axios error in a NodeApiError whose own message is n8n's wording.
	return Object.assign(new Error('The connection was aborted, perhaps the server is offline'), { cause });
};

describe('classifyNetworkFailure', () => {
	it.each([
		['an axios timeout worded "aborted" by n8n', wrapped('ECONNABORTED', 'timeout of 1000ms exceeded'), false, 'timeout'],
		['a reset', wrapped('ECONNRESET', 'socket hang up'), false, 'reset'],
		['a refused connection', wrapped('ECONNREFUSED', 'connect ECONNREFUSED'), false, 'network'],
		['a cancelled request', wrapped('ERR_CANCELED', 'canceled'), false, 'cancelled'],
		['anything once the execution is cancelled', wrapped('ECONNRESET', 'socket hang up'), true, 'cancelled'],
		['a bare "socket hang up"', new Error('socket hang up'), false, 'reset'],
	])('%s', (_label, error, cancelled, reason) => {
		expect(classifyNetworkFailure(error, cancelled).reason).toBe(reason);
	});
});
