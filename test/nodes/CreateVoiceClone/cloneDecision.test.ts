import { decideClone, type RunSoFar } from '../../../nodes/shared/create/cloneDecision';
import type { RunVoice } from '../../../nodes/shared/create/cloneBatch';
import { bland } from '../../../nodes/shared/providers/bland';
import { buena } from '../../../nodes/shared/providers/buena';
import type { AccountSnapshot, CloneRequest, CreatedVoice } from '../../../nodes/shared/providers/types';

const voice = (voiceId: string, name: string): CreatedVoice => ({ voiceId, name, raw: { voiceId, name } });

function snapshot(voices: CreatedVoice[], sameName: (a: string, b: string) => boolean, voiceCount = voices.length): AccountSnapshot {
	return {
		voiceIds: new Set(voices.map((listed) => listed.voiceId)),
		voiceCount,
		voiceNamed: (name) => [...voices].reverse().find((listed) => sameName(listed.name, name)),
	};
}

const request = (name: string, cloneLimit = 5): CloneRequest => ({ name, description: '', samples: [], options: { cloneLimit } });
const made = (voiceId: string, name: string): RunVoice => ({ name, voiceId, voice: voice(voiceId, name) });
const run = (patch: Partial<RunSoFar> = {}): RunSoFar => ({ created: [], uploadsInFlight: 0, accountFoundFull: false, ...patch });

describe('decideClone (Buena: names may repeat, 5 voices per account)', () => {
	const account = snapshot([voice('a', 'Alpha'), voice('b', 'Beta'), voice('b2', 'Beta')], buena.sameVoiceName);

	it.each([
		['a new name, room left', request('Gamma'), 'createAnother', run(), { kind: 'upload' }],
		['a taken name, Create Another', request('Beta'), 'createAnother', run(), { kind: 'upload' }],
		['a taken name, Use the Existing Voice: the newest listed', request('Beta'), 'useExisting', run(), { kind: 'reuse', voice: voice('b2', 'Beta') }],
		['a taken name, Fail the Item', request('Beta'), 'fail', run(), { kind: 'nameTaken', voice: voice('b2', 'Beta') }],
		['names are compared exactly', request('beta'), 'fail', run(), { kind: 'upload' }],
		[
			'a voice the run made counts as existing, and is newer than the listed ones',
			request('Beta'),
			'useExisting',
			run({ created: [made('mine', 'Beta')] }),
			{ kind: 'reuse', voice: voice('mine', 'Beta') },
		],
		['3 listed + 2 made = full', request('Gamma'), 'createAnother', run({ created: [made('x', 'X'), made('y', 'Y')] }), { kind: 'accountFull', voiceCount: 5, maxVoices: 5 }],
		['3 listed + 1 made + 1 under way: wait for it', request('Gamma'), 'createAnother', run({ created: [made('x', 'X')], uploadsInFlight: 1 }), { kind: 'waitForUploads' }],
		['a made voice already listed is not counted twice', request('Gamma'), 'createAnother', run({ created: [made('a', 'Alpha')], uploadsInFlight: 1 }), { kind: 'upload' }],
		['a higher limit leaves room', request('Gamma', 10), 'createAnother', run({ created: [made('x', 'X'), made('y', 'Y')] }), { kind: 'upload' }],
		['the account was found full by the run', request('Gamma'), 'createAnother', run({ accountFoundFull: true }), { kind: 'accountFilledByRun' }],
		['a voice to reuse is found even then', request('Alpha'), 'useExisting', run({ accountFoundFull: true }), { kind: 'reuse', voice: voice('a', 'Alpha') }],
	] as const)('%s', (_label, clone, mode, state, expected) => {
		expect(decideClone(buena, clone, mode, account, state)).toEqual(expected);
	});

	it('counts the total the listing reported, not only the voices it showed', () => {
		const partial = snapshot([voice('a', 'Alpha')], buena.sameVoiceName, 5);
		expect(decideClone(buena, request('Gamma'), 'createAnother', partial, run())).toEqual({ kind: 'accountFull', voiceCount: 5, maxVoices: 5 });
	});
});

describe('decideClone (Bland: unique names ignoring case, no account limit)', () => {
	const account = snapshot([voice('s', 'Support')], bland.sameVoiceName, 500);

	it.each([
		['a free name', request('Sales'), 'fail', run(), { kind: 'upload' }],
		['a taken name, another case', request(' SUPPORT '), 'fail', run(), { kind: 'nameTaken', voice: voice('s', 'Support') }],
		['a name the run took', request('sales'), 'fail', run({ created: [made('m', 'Sales')] }), { kind: 'nameTaken', voice: voice('m', 'Sales') }],
		['a name the run took, Use the Existing Voice', request('SALES'), 'useExisting', run({ created: [made('m', 'Sales')] }), { kind: 'reuse', voice: voice('m', 'Sales') }],
		['no limit however many voices', request('New'), 'fail', run({ uploadsInFlight: 9 }), { kind: 'upload' }],
	] as const)('%s', (_label, clone, mode, state, expected) => {
		expect(decideClone(bland, clone, mode, account, state)).toEqual(expected);
	});
});
