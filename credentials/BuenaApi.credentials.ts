import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { assertSecureRequestUrl } from '../nodes/shared/transport/secureBaseUrl';

export class BuenaApi implements ICredentialType {
	name = 'buenaApi';

	displayName = 'Buena AI API';

	icon: Icon = { light: 'file:icons/buena.svg', dark: 'file:icons/buena.dark.svg' };

	documentationUrl = 'https://docs.buena.ai/api-reference/authentication';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			placeholder: 'bna_…',
			description:
				'An API key with voice:create and voice:read (creating and waiting), voice:update, voice:delete and voice:preview (Update, Delete, Speak); legacy keys with * have them all',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.buena.ai/api/v2',
			description:
				'Change only to use the local sandbox (http is accepted for localhost only; any other host needs https)',
		},
	];

	// A function rather than generic headers so that every request carrying the key, the
	// credential test included, is refused when it would travel in clear text to a remote host.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		assertSecureRequestUrl(requestOptions);
		const apiKey = String(credentials.apiKey ?? '');
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${apiKey}`,
				'x-api-key': apiKey,
			},
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/voice-clones',
			qs: { limit: 1 },
			disableFollowRedirect: true,
		},
	};
}
