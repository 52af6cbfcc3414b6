import { assertSecureRequestUrl, secureBaseUrl } from '../../../../nodes/shared/transport/secureBaseUrl';

describe('secureBaseUrl', () => {
	it.each([
		['https://api.buena.ai/api/v2', 'https://api.buena.ai/api/v2'],
		['https://api.buena.ai/api/v2///', 'https://api.buena.ai/api/v2'],
		['  https://api.bland.ai/ ', 'https://api.bland.ai'],
		['http://127.0.0.1:4010/buena/api/v2/', 'http://127.0.0.1:4010/buena/api/v2'],
		['http://127.8.9.10:1', 'http://127.8.9.10:1'],
		['http://localhost:4010/bland', 'http://localhost:4010/bland'],
		['http://sandbox.localhost:4010', 'http://sandbox.localhost:4010'],
		['http://[::1]:4010/bland', 'http://[::1]:4010/bland'],
	])('accepts %s', (input, expected) => expect(secureBaseUrl(input)).toBe(expected));

	it.each([
		['http://api.buena.ai/api/v2', /plain http to a remote host/],
		['http://128.0.0.1', /plain http to a remote host/],
		['http://localhost.evil.com', /plain http to a remote host/],
		['http://127.0.0.1.nip.io', /plain http to a remote host/],
		['ftp://api.bland.ai', /must start with https/],
		['api.bland.ai', /not a valid URL/],
		['', /not a valid URL/],
		[undefined, /not a valid URL/],
	])('refuses %s', (input, message) => expect(() => secureBaseUrl(input)).toThrow(message));

	it('checks the URL a request really goes to, not just its base', () => {
		expect(() => assertSecureRequestUrl({ url: '/voice-clones', baseURL: 'https://api.buena.ai/api/v2' })).not.toThrow();
		expect(() => assertSecureRequestUrl({ url: 'http://evil.example/steal', baseURL: 'https://api.buena.ai/api/v2' })).toThrow(
			/plain http to a remote host/,
		);
		expect(() => assertSecureRequestUrl({ url: 'http://127.0.0.1:4010/x' })).not.toThrow();
	});

	it('reads the older request format of the HTTP Request node (uri, as a string or a URL)', () => {
		expect(() => assertSecureRequestUrl({ url: '', uri: 'https://api.buena.ai/api/v2/linkedin/scheduleLinkedInAction' })).not.toThrow();
		expect(() => assertSecureRequestUrl({ uri: new URL('http://127.0.0.1:4010/buena/api/v2/x') })).not.toThrow();
		expect(() => assertSecureRequestUrl({ uri: 'http://api.buena.ai/api/v2/x' })).toThrow(/plain http to a remote host/);
		expect(() => assertSecureRequestUrl({ uri: 'not a url' })).toThrow(/not a valid URL/);
	});
});
