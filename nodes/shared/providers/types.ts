import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import type { AudioContainer } from '../audio';
import type { ApiRequest, ApiResponse } from '../transport/types';

export const VOICE_STATUSES = ['processing', 'ready', 'failed'] as const;
export type VoiceStatus = (typeof VOICE_STATUSES)[number];

/** The documented limits of one provider's create endpoint. Sizes in bytes, durations in seconds. */
export interface CloneLimits {
	minFiles: number;
	maxFiles: number;
	maxFileBytes: number;
	maxTotalBytes?: number;
	minDurationSeconds?: number;
	maxDurationSeconds?: number;
	maxNameLength?: number;
	containers: readonly AudioContainer[];
}

/** An audio sample that passed inspection and can be opened as many times as an upload needs. */
export interface CloneSample {
	itemIndex: number;
	binaryProperty: string;
	/** The binary's own file name, used to tell the user which file a problem is about. */
	sourceFileName?: string;
	/** The file name sent to the provider: the binary's name with an extension that matches the content. */
	fileName: string;
	format: AudioContainer;
	mimeType: string;
	bytes: number;
	durationSeconds: number;
	open(): Promise<Buffer | NodeJS.ReadableStream>;
}

export interface CloneRequest {
	name: string;
	description: string;
	samples: CloneSample[];
	/** Provider-specific options, as read by the provider's `readCreateOptions`. */
	options: IDataObject;
}

export interface CreatedVoice {
	voiceId: string;
	name: string;
	/** The provider's record of the voice: the `data` of the create answer, or the listed voice. */
	raw: IDataObject;
	/** Where the provider's record says (a voice found rather than just created). */
	status?: VoiceStatus;
	/** Found by the lookup after an upload whose answer was lost. */
	recovered?: boolean;
}

export interface VoiceState {
	voiceId: string;
	status: VoiceStatus;
	/** 0–100 where the provider says. */
	trainingProgress?: number;
	errorMessage?: string;
	raw: IDataObject;
}

export type ProviderErrorKind =
	| 'rateLimit'
	| 'quota'
	| 'transient'
	| 'auth'
	| 'notFound'
	| 'client'
	| 'server';

/** What a provider's error envelope says, in the terms the shared flow acts on. */
export interface ProviderError {
	kind: ProviderErrorKind;
	code?: string;
	message: string;
	/** Lines a person can read: rejected files, counts, permissions. */
	details: string[];
	retryAfterMs?: number;
}

/** Requests bound to one execution, credential and item, with errors already turned into n8n errors. */
export interface ProviderApi {
	readonly node: INode;
	readonly itemIndex: number;
	/** Sends a request that is safe to repeat, retrying rate limits and transient failures. */
	request(request: ApiRequest): Promise<ApiResponse>;
	/**
	 * Sends a request the provider charges for (speech). It is sent again only where the provider
	 * cannot have processed it (connection refused, DNS, 429, 503); any other failure says it may
	 * have been charged.
	 */
	billedRequest(request: ApiRequest): Promise<ApiResponse>;
	/** Like `request` but a 404 answers `undefined` instead of failing. */
	requestOptional(request: ApiRequest): Promise<ApiResponse | undefined>;
}

/**
 * The account as a run of Create saw it: listed once for the whole batch (and again only after an
 * upload whose outcome stayed unknown). The create flow decides every item from it, together with
 * what the run itself created since.
 */
export interface AccountSnapshot {
	/** Every voice id the listing showed: a voice found after an upload that is not here (nor made by the run) is new. */
	readonly voiceIds: ReadonlySet<string>;
	/** How many voices the account holds; a total the provider reports may exceed the ids listed. */
	readonly voiceCount: number;
	/** The newest listed voice holding this name, with names compared as the provider compares them. */
	voiceNamed(name: string): CreatedVoice | undefined;
}

export interface CreateEndpoint {
	path: string;
	fileField: string;
	fields: Array<[string, string]>;
}

/** One voice of the account, in the same shape for every provider. */
export interface VoiceRecord {
	/** The provider's id in the registry, e.g. "buena". */
	provider: string;
	voiceId: string;
	name: string;
	description: string;
	status: VoiceStatus;
	/** 0–100 where the provider says; 100 once ready; null where nothing is known. */
	trainingProgress: number | null;
	/** ISO 8601, as the provider reports it; null where it does not. */
	createdAt: string | null;
	/** The provider's own record of the voice, untouched. */
	raw: IDataObject;
}

/**
 * A voice as Update reports it. `status` is null (unknown) when the provider's answer did not carry
 * the voice and it could not be read back: the change was made, but its state is not known.
 */
export interface UpdatedVoice extends Omit<VoiceRecord, 'status'> {
	status: VoiceStatus | null;
}

export interface ListVoicesOptions {
	/** Only voices in this state (by the normalised status, so every alias the provider uses counts). */
	status?: VoiceStatus;
	/** Only voices whose name contains this text, ignoring case. */
	nameContains?: string;
	/** At most this many voices (after filtering). */
	limit?: number;
}

/** What Update can change; a provider lists the fields it supports in `updatableFields`. */
export interface VoiceChanges {
	name?: string;
	description?: string;
}

/** Speech a voice spoke: the audio bytes with the file name and MIME type they should carry. */
export interface SpokenAudio {
	data: Buffer;
	fileName: string;
	mimeType: string;
}

/** Listing and managing the account's voices, and hearing them. */
export interface VoiceCatalog {
	/** The states a voice can be in at this provider; a single "ready" when voices are usable at once. */
	readonly voiceStatuses: readonly VoiceStatus[];
	readonly updatableFields: ReadonlyArray<keyof VoiceChanges>;

	/** Problems with an update, in words a person understands; nothing is sent when there are any. */
	validateVoiceChanges(changes: VoiceChanges): string[];
	/** Problems with a text to speak (empty, too long); nothing is sent when there are any. */
	validateSpeakText(text: string): string[];
	/** The account's voices in the provider's order, following pagination. */
	listVoices(api: ProviderApi, options?: ListVoicesOptions): Promise<VoiceRecord[]>;
	/** One voice; `undefined` when the provider does not know it. */
	getVoice(api: ProviderApi, voiceId: string): Promise<VoiceRecord | undefined>;
	/** Applies validated changes (checking what the provider needs first) and answers the voice as it now is. */
	updateVoice(api: ProviderApi, voiceId: string, changes: VoiceChanges): Promise<UpdatedVoice>;
	/** Deletes a voice; an unknown voice or one still in use fails with a NodeApiError. */
	deleteVoice(api: ProviderApi, voiceId: string): Promise<void>;
	/** The voice speaking a validated text. */
	speak(api: ProviderApi, voiceId: string, text: string): Promise<SpokenAudio>;
}

export interface VoiceProvider extends VoiceCatalog {
	readonly id: string;
	readonly displayName: string;
	readonly credentialType: string;
	/** Status of a clone right after a successful create. */
	readonly statusAfterCreate: VoiceStatus;
	/** Whether the account may hold two voices with the same name (else a taken name is refused). */
	readonly allowsDuplicateNames: boolean;
	readonly limits: CloneLimits;
	/** Fields of the Create Voice Clone node that only this provider has. */
	readonly createFields: INodeProperties[];

	readCreateOptions(context: IExecuteFunctions, itemIndex: number): IDataObject;
	/** Problems with the name and the provider-specific options, in words a person understands. */
	validateCreateOptions(name: string, options: IDataObject): string[];
	/** Whether two voice names are the same name for this provider (one that refuses a taken name may ignore case). */
	sameVoiceName(a: string, b: string): boolean;
	/** How many voices the account may hold, by the request's options; undefined where the provider sets no limit. */
	maxVoices(request: CloneRequest): number | undefined;
	/** Lists the account's voices for a batch of creates: one look for many uploads. */
	snapshotAccount(api: ProviderApi): Promise<AccountSnapshot>;
	createEndpoint(request: CloneRequest): CreateEndpoint;
	parseCreatedVoice(body: unknown, request: CloneRequest): CreatedVoice | undefined;
	/** After a create whose outcome is unknown: the clone it made, if it made one. */
	findCreatedVoice(
		api: ProviderApi,
		request: CloneRequest,
		/** Every voice known to exist before the upload (the snapshot's, and those the run made since). */
		knownVoiceIds: ReadonlySet<string>,
	): Promise<CreatedVoice | undefined>;
	/** The state of each voice; a voice the provider does not know is missing from the map. */
	fetchVoiceStates(api: ProviderApi, voiceIds: string[]): Promise<Map<string, VoiceState>>;
	parseError(response: ApiResponse): ProviderError;
}
