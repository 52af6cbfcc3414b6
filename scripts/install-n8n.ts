/**
 * Installs every pinned n8n version into the ignored cache (.cache/n8n/<version>/) for the
 * end-to-end tests. Idempotent and safe to run concurrently. Usage:
 *   npm run n8n:install            # all pinned versions
 *   npm run n8n:install -- 2.41.3  # only these
 */
import { installN8n, n8nInstallDir } from '../test/e2e/harness/installN8n';
import { N8N_VERSIONS } from '../test/e2e/harness/versions';

async function main(): Promise<void> {
	const wanted = process.argv.slice(2);
	const versions = wanted.length > 0 ? wanted : [...N8N_VERSIONS];
	for (const version of versions) {
		const started = Date.now();
		const install = await installN8n(version, (line) => console.log(line));
		console.log(`n8n ${version} ready at ${n8nInstallDir(version)} (${Math.round((Date.now() - started) / 1000)} s; node ${install.nodeBin})`);
	}
}

main().catch((error) => {
	console.error(error instanceof Error ? error.message : error);
	process.exit(1);
});
