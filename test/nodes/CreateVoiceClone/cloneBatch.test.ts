import { CloneBatch } from '../../../nodes/shared/create/cloneBatch';

const waitForTurn = async (turn: Promise<void>) => await turn;
const settle = async () => await new Promise((resolve) => setImmediate(resolve));

describe('CloneBatch.withName', () => {
	it('runs creates of one name (ignoring case) one after the other, in the order they came', async () => {
		const batch = new CloneBatch();
		const order: string[] = [];
		let releaseFirst = () => {};
		const first = batch.withName('Twin', waitForTurn, async () => {
			order.push('first starts');
			await new Promise<void>((resolve) => (releaseFirst = resolve));
			order.push('first ends');
		});
		const second = batch.withName(' twin ', waitForTurn, async () => void order.push('second'));
		const other = batch.withName('Other', waitForTurn, async () => void order.push('other'));
		await settle();
		expect(order).toEqual(['first starts', 'other']);
		releaseFirst();
		await Promise.all([first, second, other]);
		expect(order).toEqual(['first starts', 'other', 'first ends', 'second']);
	});

	it('an item that gives up waiting leaves the queue, and a later item of the name still waits for the one under way', async () => {
		const batch = new CloneBatch();
		let releaseFirst = () => {};
		let laterStarted = false;
		const first = batch.withName('Twin', waitForTurn, async () => await new Promise<void>((resolve) => (releaseFirst = resolve)));
		const gaveUp = batch.withName('Twin', async () => await Promise.reject(new Error('timeout while queued')), async () => 'never');
		await expect(gaveUp).rejects.toThrow('timeout while queued');
		const later = batch.withName('Twin', waitForTurn, async () => void (laterStarted = true));
		await settle();
		expect(laterStarted).toBe(false);
		releaseFirst();
		await Promise.all([first, later]);
		expect(laterStarted).toBe(true);
	});
});

describe('CloneBatch.accountSnapshot', () => {
	const snapshot = { voiceIds: new Set<string>(), voiceCount: 0, voiceNamed: () => undefined };

	it('lists once for every clone that asks, again only after an upload may have changed the account or a listing failed', async () => {
		const batch = new CloneBatch();
		let lists = 0;
		const list = async () => {
			lists++;
			return snapshot;
		};
		await Promise.all([batch.accountSnapshot(list), batch.accountSnapshot(list), batch.accountSnapshot(list)]);
		expect(lists).toBe(1);
		batch.accountMayHaveChanged();
		await batch.accountSnapshot(list);
		await batch.accountSnapshot(list);
		expect(lists).toBe(2);

		const failing = new CloneBatch();
		await expect(failing.accountSnapshot(async () => await Promise.reject(new Error('503')))).rejects.toThrow('503');
		await settle();
		await failing.accountSnapshot(list);
		expect(lists).toBe(3);
	});
});
