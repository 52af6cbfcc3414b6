import { parseNumberValue, type NumberParameter } from '../../../../nodes/shared/execution/numberParameter';

const retries: NumberParameter = { path: 'options.maxRetries', displayName: 'Max Retries', default: 4, min: 0, max: 10, integer: true };
const seconds: NumberParameter = { path: 'options.timeout', displayName: 'Upload Timeout (Seconds)', default: 300, min: 1, max: 86_400 };

describe('parseNumberValue', () => {
	it.each([
		[retries, undefined, 4],
		[retries, null, 4],
		[retries, 0, 0],
		[retries, 10, 10],
		[retries, '3', 3],
		[retries, ' 7 ', 7],
		[seconds, 1.5, 1.5],
		[seconds, '2.25', 2.25],
	])('%#: accepts %j', (parameter, value, expected) => {
		expect(parseNumberValue(parameter, value)).toBe(expected);
	});

	it.each([
		[retries, 'many', 'Max Retries must be a whole number from 0 to 10 (got "many")'],
		[retries, '', 'Max Retries must be a whole number from 0 to 10 (got "")'],
		[retries, NaN, 'Max Retries must be a whole number from 0 to 10 (got NaN)'],
		[retries, Infinity, 'Max Retries must be a whole number from 0 to 10 (got Infinity)'],
		[retries, -1, 'Max Retries must be a whole number from 0 to 10 (got -1)'],
		[retries, 11, 'Max Retries must be a whole number from 0 to 10 (got 11)'],
		[retries, 2.5, 'Max Retries must be a whole number from 0 to 10 (got 2.5)'],
		[retries, true, 'Max Retries must be a whole number from 0 to 10 (got true)'],
		[retries, [3], 'Max Retries must be a whole number from 0 to 10 (got [3])'],
		[seconds, '1e9', 'Upload Timeout (Seconds) must be a number from 1 to 86400 (got "1e9")'],
		[seconds, 0, 'Upload Timeout (Seconds) must be a number from 1 to 86400 (got 0)'],
	])('%#: refuses %j', (parameter, value, message) => {
		expect(parseNumberValue(parameter, value)).toBe(message);
	});
});
