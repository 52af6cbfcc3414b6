import { NodeOperationError, type IExecuteFunctions, type ILoadOptionsFunctions, type INode, type IPollFunctions } from 'n8n-workflow';

import { PROVIDERS } from './index';
import type { VoiceProvider } from './types';

export function providerById(id: string): VoiceProvider | undefined {
	return PROVIDERS.find((provider) => provider.id === id);
}

/** The providers' names as a sentence would list them: "A", "A or B", "A, B or C". */
export function providerNamesText(conjunction = 'or'): string {
	const names = PROVIDERS.map((provider) => provider.displayName);
	return names.length > 1 ? `${names.slice(0, -1).join(', ')} ${conjunction} ${names[names.length - 1]}` : (names[0] ?? '');
}

/** The Provider parameter names no provider this package has (an old workflow, an expression). */
export function unknownProviderError(node: INode, providerId: unknown, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(node, `Choose a provider: ${providerNamesText()}`, {
		itemIndex,
		description: `The provider "${String(providerId)}" is not one of them.`,
	});
}

/** The id a node falls back to: the first provider (a single-service package's only one). */
export const DEFAULT_PROVIDER_ID = PROVIDERS[0].id;

/**
 * The provider a node works with: what its Provider parameter says, or, in a package with one
 * provider (whose nodes have no Provider parameter), that provider. An id no provider has (an
 * old workflow, an expression) is an item error.
 */
export function selectedProvider(
	context: IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions,
	itemIndex?: number,
): VoiceProvider {
	const id =
		itemIndex === undefined
			? ((context as ILoadOptionsFunctions).getNodeParameter('provider', DEFAULT_PROVIDER_ID) as unknown)
			: ((context as IExecuteFunctions).getNodeParameter('provider', itemIndex, DEFAULT_PROVIDER_ID) as unknown);
	const provider = providerById(String(id));
	if (!provider) throw unknownProviderError(context.getNode(), id, itemIndex);
	return provider;
}
