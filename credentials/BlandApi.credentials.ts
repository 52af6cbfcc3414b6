import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { assertSecureRequestUrl } from '../nodes/shared/transport/secureBaseUrl';

export class BlandApi implements ICredentialType {
	name = 'blandApi';

	displayName = 'Bland AI API';

	icon: Icon = { light: 'file:icons/bland.svg', dark: 'file:icons/bland.dark.svg' };

	documentationUrl = 'https://docs.bland.ai/api-v1/post/voices-clone';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.bland.ai',
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
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: String(credentials.apiKey ?? '') },
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/voices',
			disableFollowRedirect: true,
		},
	};
}
