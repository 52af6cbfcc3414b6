/**
 * Public types of the provider sandbox (see README.md in this folder).
 * Other test suites, the demo and the benchmarks code against these names: keep them stable.
 */
import type { ShapesPatch } from './shapes';

export interface SandboxOptions {
	/** Port to listen on. Default 0 (a random free port); the cli defaults to 4010. */
	port?: number;
	/** Interface to bind. Default '127.0.0.1' (loopback only). */
	host?: string;
	/** Buena: time from `processing` to `ready`. Default 150_000 (the docs say 2–5 minutes). */
	trainingMs?: number;
	/** Buena per-key fixed window. Default { limit: 60, windowMs: 60_000 }. */
	rateLimit?: { limit: number; windowMs: number };
	/** Buena voice clones per key. Default 5 (the docs: "contact support for higher limits"). */
	buenaMaxClones?: number;
	/** `false` (the only value): multipart text-field values are not kept in the request log. */
	logBodies?: false;
}

export type Provider = 'buena' | 'bland';

export interface RequestLogEntry {
	at: number;
	provider: Provider | 'unknown';
	method: string;
	/** Full path as received, without the query string (e.g. '/buena/api/v2/voice-clones'). */
	path: string;
	query: Record<string, string>;
	/** True when an Authorization or x-api-key header is present and not empty. The key is never stored. */
	authPresent: boolean;
	/** Lower-case names of the auth headers present, e.g. ['authorization', 'x-api-key']. */
	authHeaders: string[];
	contentType?: string;
	/** The Content-Length header as sent, when the client sent one. */
	contentLength?: number;
	/** True when the body came with Transfer-Encoding: chunked (no length known in advance). */
	chunked?: boolean;
	/** Multipart text fields (value kept unless logBodies: false) and top-level JSON body keys. */
	fields: Array<{ name: string; value?: string }>;
	/** Multipart file parts as received; `bytes` is what the sandbox read (it stops reading at a limit), `sha256` the hash of a part read to its end. */
	files: Array<{ field: string; fileName?: string; contentType?: string; bytes: number; sha256?: string }>;
	/** What the sandbox answered; 0 while unanswered and when it never answered (hang, reset, client gone). */
	status: number;
	/** Which injected fault answered, if any. */
	fault?: string;
}

interface FaultFilter {
	/** How many matching requests this fault answers. Default 1. */
	count?: number;
	provider?: Provider;
	/** HTTP method, case-insensitive. */
	method?: string;
	/** Substring of the full request path (e.g. '/voice-clones', '/v1/voices/clone'). */
	pathIncludes?: string;
	/** Let this many matching requests through untouched before answering. Default 0. */
	skip?: number;
}

export type FaultSpec =
	| (FaultFilter & { mode: 'status'; status: 500 | 502 | 503; afterBody?: boolean })
	| (FaultFilter & { mode: 'hang'; afterBody?: boolean })
	| (FaultFilter & { mode: 'reset'; afterBytes?: number; afterBody?: boolean })
	| (FaultFilter & { mode: 'html'; status?: number })
	| (FaultFilter & { mode: 'brokenJson'; status?: number })
	| (FaultFilter & { mode: 'rateLimit'; headers: boolean; retryAfterSeconds?: number })
	/** Any JSON answer (status default 200), e.g. a success without the fields a client needs. */
	| (FaultFilter & { mode: 'json'; status?: number; body: unknown; afterBody?: boolean });

/** A voice to pre-create with `seedVoice`. Fields not relevant to a provider are ignored. */
export interface SeedVoice {
	name: string;
	description?: string;
	/** Account (API key) owning the voice. Default: the provider's demo key. */
	key?: string;
	/** Fixed id. Default: generated like the provider's (Buena 20 alphanumerics, Bland uuid). */
	id?: string;
	/** Buena only. Default 'ready'. 'processing' starts training now. */
	status?: 'processing' | 'ready' | 'failed';
	/** Buena only: error_message of a 'failed' voice. */
	errorMessage?: string;
	/** Buena sampleCount / Bland total_samples. Default 1. */
	sampleCount?: number;
	/**
	 * Buena only: the campaigns using the clone, as a count or by name; any makes DELETE answer 409
	 * VOICE_CLONE_IN_USE with `details.active_campaigns` the count, or `[{ id, name }]` for names.
	 */
	activeCampaigns?: number | string[];
	/** Bland only. */
	gender?: 'male' | 'female';
	/** Bland only. */
	tags?: string[];
	/** Bland only: 'v2' when created with isBTTS_V2=true. Default 'v3'. */
	engine?: 'v2' | 'v3';
}

export interface Sandbox {
	url: string;
	buenaBaseUrl: string;
	blandBaseUrl: string;
	keys: { buena: string; bland: string };
	log(): RequestLogEntry[];
	clearLog(): void;
	injectFault(fault: FaultSpec): void;
	/** `shapes` chooses the answer shapes (see shapes.ts); the shapes it does not name are the defaults. */
	configure(patch: Partial<Pick<SandboxOptions, 'trainingMs' | 'rateLimit' | 'buenaMaxClones'>> & { shapes?: ShapesPatch }): void;
	reset(): void;
	addKey(provider: Provider, key: string): void;
	seedVoice(provider: Provider, voice: SeedVoice): string;
	markReady(voiceId: string): void;
	close(): Promise<void>;
}
