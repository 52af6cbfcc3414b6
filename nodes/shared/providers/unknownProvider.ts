import { NodeOperationError, type INode } from 'n8n-workflow';

import { providerNamesText } from './nodeDescription';

/** The Provider parameter names no provider this package has (an old workflow, an expression). */
export function unknownProviderError(node: INode, providerId: unknown, itemIndex?: number): NodeOperationError {
	return new NodeOperationError(node, `Choose a provider: ${providerNamesText()}`, {
		itemIndex,
		description: `The provider "${String(providerId)}" is not one of them.`,
	});
}
