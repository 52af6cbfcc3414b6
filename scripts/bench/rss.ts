/**
 * Resident memory of another process, read from /proc/<pid>/status (Linux only).
 * VmRSS is what is resident now; VmHWM is the peak since the process started or since the peak
 * was reset by writing "5" to /proc/<pid>/clear_refs (Linux ≥ 4.0, needs the right to write
 * there: our own child processes, or root). Resetting VmHWM lets the kernel keep an exact peak
 * for one run, which 20 ms sampling alone could miss.
 */
import * as fs from 'fs';

export interface MemoryReading {
	/** Date.now() of the reading. */
	at: number;
	rssKiB: number;
	hwmKiB: number;
}

export function readMemory(pid: number): MemoryReading | undefined {
	let text: string;
	try {
		text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
	} catch {
		return undefined; // the process is gone
	}
	const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
	return { at: Date.now(), rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

/** Resets VmHWM to the current RSS; false when the kernel or permissions do not allow it. */
export function resetPeak(pid: number): boolean {
	try {
		const before = readMemory(pid);
		fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
		const after = readMemory(pid);
		// The peak now equals the RSS at reset time: never above the previous peak, and close to RSS.
		return !!before && !!after && after.hwmKiB <= before.hwmKiB && after.hwmKiB <= Math.max(before.rssKiB, after.rssKiB) + 1024;
	} catch {
		return false;
	}
}

/** The median of a few VmRSS readings over `ms`: the resting size before a run. */
export async function idleRss(pid: number, ms = 400, every = 20): Promise<number> {
	const values: number[] = [];
	const end = Date.now() + ms;
	while (Date.now() < end) {
		const m = readMemory(pid);
		if (m) values.push(m.rssKiB);
		await new Promise((r) => setTimeout(r, every));
	}
	return median(values);
}

export interface Sampler {
	/** Stops sampling; returns every reading (the last one taken at stop time, if the process lives). */
	stop(): MemoryReading[];
	readings: MemoryReading[];
}

/** Reads VmRSS/VmHWM of `pid` every `everyMs` until stopped or until the process is gone. */
export function sampleMemory(pid: number, everyMs = 20): Sampler {
	const readings: MemoryReading[] = [];
	const take = () => {
		const m = readMemory(pid);
		if (m) readings.push(m);
		else clearInterval(timer);
	};
	const timer = setInterval(take, everyMs);
	take();
	return {
		readings,
		stop: () => {
			clearInterval(timer);
			take();
			return readings;
		},
	};
}

export function median(values: number[]): number {
	if (!values.length) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Highest VmRSS among readings taken within [from, to] (inclusive), or NaN. */
export function peakRssBetween(readings: MemoryReading[], from: number, to: number): number {
	let peak = NaN;
	for (const r of readings) {
		if (r.at >= from && r.at <= to && !(r.rssKiB <= peak)) peak = r.rssKiB;
	}
	return peak;
}

export const mib = (kib: number) => kib / 1024;
