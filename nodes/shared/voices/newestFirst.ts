/** Where a voice without a readable creation date goes when voices are ordered by age. */
export type UndatedVoices = 'newest' | 'oldest';

interface Dated {
	createdAt?: string | null;
}

function createdTime(voice: Dated, undated: UndatedVoices): number {
	const time = voice.createdAt ? Date.parse(voice.createdAt) : NaN;
	if (!Number.isNaN(time)) return time;
	return undated === 'newest' ? Infinity : -Infinity;
}

/**
 * A sort comparator: newest voice first, by creation date. A voice whose creation date is missing
 * or unreadable counts as newer or older than every dated one, as `undated` says; voices of the
 * same age (two undated ones too) compare equal, so a stable sort keeps the provider's order.
 */
export function newestFirst(undated: UndatedVoices): (a: Dated, b: Dated) => number {
	return (a, b) => {
		const difference = createdTime(b, undated) - createdTime(a, undated);
		return Number.isNaN(difference) ? 0 : difference;
	};
}
