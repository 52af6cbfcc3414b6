const path = require('path');
const { task, src, dest } = require('gulp');

// tsc compiles the TypeScript; the SVG icons the nodes and credentials reference with `file:`
// must sit beside the compiled files in dist.
function copyIcons() {
	const nodeIcons = src(path.resolve('nodes', '**', '*.{png,svg}')).pipe(dest(path.resolve('dist', 'nodes')));
	const credentialIcons = src(path.resolve('credentials', '**', '*.{png,svg}')).pipe(
		dest(path.resolve('dist', 'credentials')),
	);
	return Promise.all([streamDone(nodeIcons), streamDone(credentialIcons)]);
}

function streamDone(stream) {
	return new Promise((resolve, reject) => stream.on('finish', resolve).on('error', reject));
}

task('build:icons', copyIcons);
