/**
 * Answer shapes the providers' public docs disagree on (see /work/shared/api-notes.md). The sandbox
 * answers in the documented default shape unless a test asks for another with
 * `configure({ shapes })` or `POST /__sandbox/config {"shapes": …}`, so clients can be shown to
 * cope with each one over real HTTP.
 */

export type BuenaStatus = 'processing' | 'ready' | 'failed';

export interface ResponseShapes {
	/**
	 * Buena `GET /voice-clones`:
	 * - `pagination` (default): `{success, data:[…], pagination:{total, limit, offset, hasMore}}`
	 * - `total`: `{success, data:[…], total}` (the list page's "plus a total")
	 * - `dataTotal`: `{success, data:{voiceClones:[…], total, limit, offset}}`
	 * - `single`: like the seed's polling sample, `data` is the clone itself when the page holds
	 *   exactly one (no pagination); otherwise as `pagination`.
	 */
	buenaList: 'pagination' | 'total' | 'dataTotal' | 'single';
	/** Buena: the largest page the server gives, whatever `limit` asks (default 100). */
	buenaMaxPageSize: number;
	/**
	 * Buena: the word sent as a clone's `status` for each state (default the state itself); `null`
	 * leaves `status` out, so only `isActive` and `error_message` tell the state.
	 */
	buenaStatusWords: Record<BuenaStatus, string | null>;
	/** Bland `GET /v1/voices`: `{voices:[…]}` (default), `{status, data:[…], errors}`, `{status, data:{voices:[…]}, errors}`, or a bare array. */
	blandList: 'voices' | 'data' | 'dataVoices' | 'array';
	/** Bland `GET /v1/voices/:id`: `{voice:{…}}` (default), `{status, data:{…}, errors}`, `{status, data:{voice:{…}}, errors}`, or the voice itself. */
	blandGet: 'voice' | 'data' | 'dataVoice' | 'bare';
}

export interface ShapesPatch extends Partial<Omit<ResponseShapes, 'buenaStatusWords'>> {
	buenaStatusWords?: Partial<Record<BuenaStatus, string | null>>;
}

export function defaultShapes(): ResponseShapes {
	return {
		buenaList: 'pagination',
		buenaMaxPageSize: 100,
		buenaStatusWords: { processing: 'processing', ready: 'ready', failed: 'failed' },
		blandList: 'voices',
		blandGet: 'voice',
	};
}

const CHOICES = {
	buenaList: ['pagination', 'total', 'dataTotal', 'single'],
	blandList: ['voices', 'data', 'dataVoices', 'array'],
	blandGet: ['voice', 'data', 'dataVoice', 'bare'],
} as const;

/**
 * The shapes a patch chooses: every shape it does not name is the default one, so a test never
 * inherits another test's choice. Throws on anything it does not know.
 */
export function shapesFrom(patch: unknown): ResponseShapes {
	if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new Error('sandbox: shapes must be an object');
	const shapes = defaultShapes();
	for (const [key, value] of Object.entries(patch as Record<string, unknown>)) {
		if (key === 'buenaList' || key === 'blandList' || key === 'blandGet') {
			const choices: readonly string[] = CHOICES[key];
			if (typeof value !== 'string' || !choices.includes(value)) {
				throw new Error(`sandbox: shapes.${key} must be one of ${choices.join(', ')}`);
			}
			(shapes as unknown as Record<string, string>)[key] = value;
		} else if (key === 'buenaMaxPageSize') {
			if (!Number.isInteger(value) || (value as number) < 1) throw new Error('sandbox: shapes.buenaMaxPageSize must be an integer >= 1');
			shapes.buenaMaxPageSize = value as number;
		} else if (key === 'buenaStatusWords') {
			if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('sandbox: shapes.buenaStatusWords must be an object');
			for (const [status, word] of Object.entries(value as Record<string, unknown>)) {
				if (status !== 'processing' && status !== 'ready' && status !== 'failed') {
					throw new Error(`sandbox: shapes.buenaStatusWords has no state "${status}"`);
				}
				if (word !== null && typeof word !== 'string') throw new Error(`sandbox: shapes.buenaStatusWords.${status} must be a string or null`);
				shapes.buenaStatusWords[status] = word;
			}
		} else {
			throw new Error(`sandbox: unknown shape "${key}"`);
		}
	}
	return shapes;
}

export function buenaListBody(
	shapes: ResponseShapes,
	clones: unknown[],
	pagination: { total: number; limit: number; offset: number; hasMore: boolean },
): Record<string, unknown> {
	switch (shapes.buenaList) {
		case 'total':
			return { success: true, data: clones, total: pagination.total };
		case 'dataTotal':
			return { success: true, data: { voiceClones: clones, total: pagination.total, limit: pagination.limit, offset: pagination.offset } };
		case 'single':
			if (clones.length === 1) return { success: true, data: clones[0] };
			return { success: true, data: clones, pagination };
		default:
			return { success: true, data: clones, pagination };
	}
}

export function blandListBody(shapes: ResponseShapes, voices: unknown[]): unknown {
	switch (shapes.blandList) {
		case 'data':
			return { status: 200, data: voices, errors: null };
		case 'dataVoices':
			return { status: 200, data: { voices }, errors: null };
		case 'array':
			return voices;
		default:
			return { voices };
	}
}

export function blandGetBody(shapes: ResponseShapes, voice: unknown): unknown {
	switch (shapes.blandGet) {
		case 'data':
			return { status: 200, data: voice, errors: null };
		case 'dataVoice':
			return { status: 200, data: { voice }, errors: null };
		case 'bare':
			return voice;
		default:
			return { voice };
	}
}
