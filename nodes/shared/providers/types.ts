import type { IDataObject, IExecuteFunctions, INode, INodeProperties } from 'n8n-workflow';

import type { AudioContainer } from '../audio';
import type { ApiRequest, ApiResponse } from '../transport/types';

export type VoiceStatus = 'processing' | 'ready' | 'failed';

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
	maxClones?: number;
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
	raw: IDataObject;
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
	/** Like `request` but a 404 answers `undefined` instead of failing. */
	requestOptional(request: ApiRequest): Promise<ApiResponse | undefined>;
}

/** What a provider checked before the upload and may need afterwards to find a clone it created. */
export interface PreflightResult {
	existingVoiceIds: Set<string>;
}

export interface CreateEndpoint {
	path: string;
	fileField: string;
	fields: Array<[string, string]>;
}

export interface VoiceProvider {
	readonly id: string;
	readonly displayName: string;
	readonly credentialType: string;
	/** Status of a clone right after a successful create. */
	readonly statusAfterCreate: VoiceStatus;
	readonly limits: CloneLimits;
	/** Fields of the Create Voice Clone node that only this provider has. */
	readonly createFields: INodeProperties[];

	readCreateOptions(context: IExecuteFunctions, itemIndex: number): IDataObject;
	/** Problems with the name and the provider-specific options, in words a person understands. */
	validateCreateOptions(name: string, options: IDataObject): string[];
	/** Checks that need the API (quota, name availability); throws when the clone cannot be created. */
	checkBeforeCreate(api: ProviderApi, request: CloneRequest): Promise<PreflightResult>;
	createEndpoint(request: CloneRequest): CreateEndpoint;
	parseCreatedVoice(body: unknown, request: CloneRequest): CreatedVoice | undefined;
	/** After a create whose outcome is unknown: the clone it made, if it made one. */
	findCreatedVoice(
		api: ProviderApi,
		request: CloneRequest,
		preflight: PreflightResult,
	): Promise<CreatedVoice | undefined>;
	/** The state of each voice; a voice the provider does not know is missing from the map. */
	fetchVoiceStates(api: ProviderApi, voiceIds: string[]): Promise<Map<string, VoiceState>>;
	parseError(response: ApiResponse): ProviderError;
}
