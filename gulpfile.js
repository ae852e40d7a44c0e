// Copies the node's icons and codex files next to the compiled JavaScript: tsc only emits .js.
const { src, dest, task } = require('gulp');

task('build:icons', () =>
	src(['nodes/**/*.{svg,png}', 'nodes/**/*.node.json', 'credentials/**/*.{svg,png}'], { base: '.', encoding: false }).pipe(
		dest('dist'),
	),
);
