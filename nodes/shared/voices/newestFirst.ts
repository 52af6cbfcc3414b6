/** Where a voice without a readable creation date goes when voices are ordered by age. */
export type UndatedVoices = 'newest' | 'oldest';

interface Dated {
	createdAt?: string | null;
}

/** A date and time with no UTC offset ("2024-05-01T10:00:00", "2024-05-01 10:00:00.123"). */
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A timestamp as an instant (epoch ms), whatever its UTC offset or precision; undefined when it
 * cannot be read. A date and time without an offset is read as UTC, as servers send them, not in
 * the n8n host's time zone (JavaScript's default), so the order never depends on where n8n runs.
 */
export function instantOf(timestamp: string | null | undefined): number | undefined {
	const text = timestamp?.trim();
	if (!text) return undefined;
	const time = Date.parse(WITHOUT_OFFSET.test(text) ? `${text.replace(' ', 'T')}Z` : text);
	return Number.isNaN(time) ? undefined : time;
}

function createdTime(voice: Dated, undated: UndatedVoices): number {
	return instantOf(voice.createdAt) ?? (undated === 'newest' ? Infinity : -Infinity);
}

/**
 * A sort comparator: newest voice first, by creation instant (not by the text of the timestamp:
 * "10:00:00+02:00" is older than "09:30:00Z"). A voice whose creation date is missing or
 * unreadable counts as newer or older than every dated one, as `undated` says; voices of the same
 * age (two undated ones too) compare equal, so a stable sort keeps the order it was given.
 */
export function newestFirst(undated: UndatedVoices): (a: Dated, b: Dated) => number {
	return (a, b) => {
		const difference = createdTime(b, undated) - createdTime(a, undated);
		return Number.isNaN(difference) ? 0 : difference;
	};
}
