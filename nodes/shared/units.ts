export const MEBIBYTE = 1024 * 1024;

/** Sizes as people read them: "12.5 MB" (1 MB = 1,048,576 bytes, as the providers count). */
function formatMegabytes(bytes: number): string {
	return `${(bytes / MEBIBYTE).toFixed(1).replace(/\.0$/, '')} MB`;
}

/** A size exact enough to see which side of a limit it is on. */
export function formatFileSize(bytes: number): string {
	return `${formatMegabytes(bytes)} (${bytes.toLocaleString('en-US')} bytes)`;
}

export function formatSeconds(seconds: number): string {
	return `${seconds.toFixed(2).replace(/\.?0+$/, '')} s`;
}
