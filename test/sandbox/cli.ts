/**
 * `npm run sandbox [-- --port 4010 --training-seconds 150 --rate-limit 60/60s]`
 * Starts the provider sandbox in the foreground; state lives in memory. Ctrl-C, SIGTERM or SIGHUP
 * stops it, and so does the end of the npm process that started it (see test/helpers/onStop.ts).
 */
import { onStop } from '../helpers/onStop';
import { startSandbox } from './index';

function usage(msg?: string): never {
	if (msg) process.stderr.write(`sandbox: ${msg}\n`);
	process.stderr.write('usage: npm run sandbox -- [--port N] [--host 127.0.0.1] [--training-seconds S] [--rate-limit N/Ws]\n');
	process.exit(2);
}

function parseArgs(argv: string[]) {
	const opts = { port: 4010, host: '127.0.0.1', trainingMs: 150_000, rateLimit: { limit: 60, windowMs: 60_000 } };
	for (let i = 0; i < argv.length; i++) {
		const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
		const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
		switch (flag) {
			case '--port': {
				const p = Number(value());
				if (!Number.isInteger(p) || p < 0 || p > 65535) usage('--port must be 0..65535');
				opts.port = p;
				break;
			}
			case '--host':
				opts.host = value();
				break;
			case '--training-seconds': {
				const s = Number(value());
				if (!Number.isFinite(s) || s < 0) usage('--training-seconds must be >= 0');
				opts.trainingMs = Math.round(s * 1000);
				break;
			}
			case '--rate-limit': {
				const m = /^(\d+)\/(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value());
				if (!m) usage('--rate-limit looks like 60/60s (requests per window; window in ms, s or m)');
				const unit = m[3] === 'ms' ? 1 : m[3] === 'm' ? 60_000 : 1000;
				opts.rateLimit = { limit: Number(m[1]), windowMs: Number(m[2]) * unit };
				if (opts.rateLimit.windowMs <= 0) usage('--rate-limit window must be > 0');
				break;
			}
			case '--help':
			case '-h':
				usage();
				break;
			default:
				usage(`unknown flag ${flag}`);
		}
	}
	return opts;
}

const opts = parseArgs(process.argv.slice(2));

async function main(): Promise<void> {
	const sb = await startSandbox(opts);
	const out = [
		`Voice-clone provider sandbox listening on ${sb.url}`,
		'',
		`  Buena AI base URL : ${sb.buenaBaseUrl}`,
		`  Buena AI API key  : ${sb.keys.buena}`,
		`  Bland AI base URL : ${sb.blandBaseUrl}`,
		`  Bland AI API key  : ${sb.keys.bland}`,
		'',
		`  Training time ${opts.trainingMs / 1000}s; Buena rate limit ${opts.rateLimit.limit} per ${opts.rateLimit.windowMs / 1000}s per key.`,
		`  A Buena clone whose name or description contains "[fail-training]" fails training.`,
		`  Control: ${sb.url}/__sandbox/{log,faults,config,reset,voices,keys,info}`,
		'  Ctrl-C to stop.',
		'',
	];
	process.stdout.write(out.join('\n'));
	onStop((reason) => {
		process.stdout.write(`\n${reason}: stopping the sandbox\n`);
		const force = setTimeout(() => process.exit(1), 5000);
		force.unref();
		sb.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	});
}

main().catch((err: NodeJS.ErrnoException) => {
	if (err.code === 'EADDRINUSE') {
		const { port, host } = opts;
		process.stderr.write(
			`sandbox: port ${port} on ${host} is already in use (another sandbox, or n8n?).\n` +
				`Start it on another port: npm run sandbox -- --port ${port === 65535 ? 4011 : port + 1}   (--port 0: any free port)\n`,
		);
	} else {
		process.stderr.write(`sandbox: ${err.message}\n`);
	}
	process.exit(1);
});
