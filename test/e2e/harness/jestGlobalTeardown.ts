/** jest globalTeardown: stops the servers the test files shared and removes their user folders. */
import { drainPool, POOL_DIR_ENV } from './pool';

export default async function globalTeardown(): Promise<void> {
	const dir = process.env[POOL_DIR_ENV];
	if (dir) await drainPool(dir);
}
