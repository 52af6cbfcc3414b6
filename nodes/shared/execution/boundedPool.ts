/**
 * Runs `task` for indexes 0…count-1 with at most `concurrency` running at once, in index order,
 * and starts no new task once `stop()` says so (running ones finish).
 */
export async function runBounded(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<void>,
	stop: () => boolean,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count && !stop()) {
			const index = next++;
			await task(index);
		}
	};
	const workers = Math.max(1, Math.min(concurrency, count));
	await Promise.all(Array.from({ length: workers }, worker));
}
