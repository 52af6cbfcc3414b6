import type { AudioContainer } from '../audio';
import type { CloneLimits, CloneSample } from '../providers/types';
import { formatFileSize, formatSeconds } from '../units';
import { fileLabel } from './inspectSample';

const FORMAT_NAMES: Record<AudioContainer, string> = {
	wav: 'WAV',
	mp3: 'MP3',
	m4a: 'M4A',
	flac: 'FLAC',
	ogg: 'Ogg',
};

function listFormats(containers: readonly AudioContainer[]): string {
	const names = containers.map((container) => FORMAT_NAMES[container]);
	return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}` : names.join('');
}

function describe(sample: CloneSample): string {
	return fileLabel(sample.sourceFileName ?? sample.fileName, sample.itemIndex, sample.binaryProperty);
}

/** Every way a set of samples breaks a provider's documented limits, each naming the file. */
export function checkSampleLimits(
	providerName: string,
	limits: CloneLimits,
	samples: CloneSample[],
	filesGiven: number,
): string[] {
	const problems: string[] = [];
	if (filesGiven < limits.minFiles) {
		problems.push(`No audio file was given; ${providerName} needs at least ${limits.minFiles}`);
	}
	if (filesGiven > limits.maxFiles) {
		problems.push(`${filesGiven} audio files were given; ${providerName} accepts at most ${limits.maxFiles} per voice clone`);
	}
	for (const sample of samples) {
		if (!limits.containers.includes(sample.format)) {
			problems.push(
				`${describe(sample)} is ${FORMAT_NAMES[sample.format]} audio; ${providerName} accepts ${listFormats(limits.containers)}`,
			);
		}
		if (sample.bytes > limits.maxFileBytes) {
			problems.push(
				`${describe(sample)} is ${formatFileSize(sample.bytes)}; ${providerName} accepts at most ${formatFileSize(limits.maxFileBytes)} per file`,
			);
		}
		const { minDurationSeconds: min, maxDurationSeconds: max } = limits;
		if ((min !== undefined && sample.durationSeconds < min) || (max !== undefined && sample.durationSeconds > max)) {
			problems.push(
				`${describe(sample)} is ${formatSeconds(sample.durationSeconds)} long; ${providerName} accepts samples of ${min ?? 0} to ${max ?? '∞'} seconds`,
			);
		}
	}
	const total = samples.reduce((sum, sample) => sum + sample.bytes, 0);
	if (limits.maxTotalBytes !== undefined && total > limits.maxTotalBytes) {
		problems.push(
			`The audio files add up to ${formatFileSize(total)}; ${providerName} accepts at most ${formatFileSize(limits.maxTotalBytes)} per voice clone`,
		);
	}
	return problems;
}
