/**
 * The single-service packages built from this repository's code: what each one takes from
 * nodes/shared, which provider it registers under which credential type, and which icons it needs.
 * Everything else in a package folder (its node classes, codex files, README, package.json…) is
 * written by hand there; the generator never touches it.
 */

export const SOURCE_REPOSITORY = 'https://github.com/n8n-nodes-voice-clone/n8n-nodes-voice-clone';
export const GENERATE_COMMAND = 'npm run generate:packages';

export interface PackageSpec {
	/** npm name, also the folder under packages/. */
	name: string;
	/** The provider module's export in nodes/shared/providers/<provider>.ts. */
	provider: 'buena' | 'bland';
	/** The package's own credential: the root credential file, with the class and type renamed. */
	credential: {
		source: string;
		sourceClass: string;
		sourceName: string;
		className: string;
		name: string;
	};
	/**
	 * Paths under nodes/shared (prefixes) this package does not use. The package's build proves
	 * nothing it keeps imports them.
	 */
	sharedExcluded: string[];
	/** Other files copied (icons, the publish workflow): [from (repository path), to (package path)]. */
	copies: Array<[string, string]>;
}

/** The publish workflow and the scan it runs before publishing: the same in every package. */
const PUBLISHING: Array<[string, string]> = [
	['scripts/packages/publish.yml', '.github/workflows/publish.yml'],
	['scripts/packages/scan-package.mjs', '.github/scripts/scan-package.mjs'],
];

const logo = (provider: string, folders: string[]): Array<[string, string]> =>
	['', '.dark'].flatMap((variant) => {
		const from = `credentials/icons/${provider}${variant}.svg`;
		return [[from, from] as [string, string], ...folders.map((folder) => [from, `nodes/${folder}/${provider}${variant}.svg`] as [string, string])];
	});

export const PACKAGES: PackageSpec[] = [
	{
		name: 'n8n-nodes-buena-ai',
		provider: 'buena',
		credential: {
			source: 'credentials/BuenaApi.credentials.ts',
			sourceClass: 'BuenaApi',
			sourceName: 'buenaApi',
			className: 'BuenaAiApi',
			name: 'buenaAiApi',
		},
		sharedExcluded: ['providers/bland'],
		copies: [...logo('buena', ['BuenaAi', 'BuenaAiTrigger']), ...PUBLISHING],
	},
	{
		name: 'n8n-nodes-bland-ai',
		provider: 'bland',
		credential: {
			source: 'credentials/BlandApi.credentials.ts',
			sourceClass: 'BlandApi',
			sourceName: 'blandApi',
			className: 'BlandAiApi',
			name: 'blandAiApi',
		},
		// Bland voices are usable at once: no Wait for Training, no trigger for training events.
		sharedExcluded: ['providers/buena', 'waitForTraining/', 'trigger/'],
		copies: [...logo('bland', ['BlandAi']), ...PUBLISHING],
	},
];

export const packageFolder = (spec: PackageSpec): string => `packages/${spec.name}`;
