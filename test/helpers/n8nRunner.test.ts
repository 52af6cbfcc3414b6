import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';

import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
	sleepWithAbort,
	VersionedNodeType,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { abortableSleep } from '../../nodes/shared/transport/abortableSleep';
import { pairedItems, runNode } from './n8nRunner';
import { VirtualClock } from './virtualClock';

// ---------------------------------------------------------------------------------------------
// Test node types (here on purpose: they only exist to prove the runner)
// ---------------------------------------------------------------------------------------------

function describeNode(
	name: string,
	extra: Partial<INodeTypeDescription> = {},
): INodeTypeDescription {
	return {
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: `Runner test node ${name}`,
		defaults: { name },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
		...extra,
	};
}

/** Calls the local server with the credential's authentication and returns what it saw. */
class EchoRequest implements INodeType {
	description = describeNode('echoRequest', {
		credentials: [
			{ name: 'buenaApi', required: true, displayOptions: { show: { provider: ['buena'] } } },
			{ name: 'blandApi', required: true, displayOptions: { show: { provider: ['bland'] } } },
		],
		properties: [
			{
				displayName: 'Provider',
				name: 'provider',
				type: 'options',
				options: [
					{ name: 'Buena', value: 'buena' },
					{ name: 'Bland', value: 'bland' },
				],
				default: 'buena',
			},
			{ displayName: 'Voice ID', name: 'voiceId', type: 'string', default: '' },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const returnData: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const provider = this.getNodeParameter('provider', i) as string;
			const credentialType = provider === 'bland' ? 'blandApi' : 'buenaApi';
			const credentials = await this.getCredentials(credentialType);
			const voiceId = this.getNodeParameter('voiceId', i) as string;
			const response = (await this.helpers.httpRequestWithAuthentication.call(
				this,
				credentialType,
				{
					method: 'GET',
					baseURL: String(credentials.baseUrl).replace(/\/+$/, ''),
					url: `/voices/${encodeURIComponent(voiceId)}`,
					json: true,
				},
			)) as IDataObject;
			returnData.push({ json: response, pairedItem: { item: i } });
		}
		return [returnData];
	}
}

/** Reads an input binary through the helpers n8n gives for its storage mode. */
class BinarySize implements INodeType {
	description = describeNode('binarySize');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const returnData: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			const binary = this.helpers.assertBinaryData(i, 'audio');
			let bytes: Buffer;
			let via: string;
			let metadataSize: number | undefined;
			if (binary.id) {
				const stream: Readable = await this.helpers.getBinaryStream(binary.id);
				const chunks: Buffer[] = [];
				for await (const chunk of stream) chunks.push(chunk as Buffer);
				bytes = Buffer.concat(chunks);
				metadataSize = (await this.helpers.getBinaryMetadata(binary.id)).fileSize;
				via = 'stream';
			} else {
				bytes = await this.helpers.getBinaryDataBuffer(i, 'audio');
				via = 'buffer';
			}
			const reversed = Buffer.from(bytes).reverse();
			returnData.push({
				json: {
					size: bytes.length,
					metadataSize,
					via,
					id: binary.id ?? null,
					fileName: binary.fileName ?? null,
					mimeType: binary.mimeType,
				},
				binary: { reversed: await this.helpers.prepareBinaryData(reversed, 'reversed.bin') },
				pairedItem: { item: i },
			});
		}
		return [returnData];
	}
}

/** Fails item 1 with an API error, the way our nodes handle continueOnFail. */
class FailSecondItem implements INodeType {
	description = describeNode('failSecondItem');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const returnData: INodeExecutionData[] = [];
		const items = this.getInputData();
		for (let i = 0; i < items.length; i++) {
			try {
				if (i === 1) {
					throw new NodeApiError(
						this.getNode(),
						{ message: 'Voice sample rejected', status: 422 },
						{
							message: 'Voice sample rejected',
							httpCode: '422',
							itemIndex: i,
							description: 'The sample is too short',
						},
					);
				}
				returnData.push({ json: { ok: items[i].json.n }, pairedItem: { item: i } });
			} catch (error) {
				if (this.continueOnFail()) {
					returnData.push({
						json: { error: (error as Error).message },
						pairedItem: { item: i },
					});
					continue;
				}
				throw error;
			}
		}
		return [returnData];
	}
}

/** Returns the decrypted credential data n8n hands to the node (no request is made). */
class ShowCredentials implements INodeType {
	description = describeNode('showCredentials', {
		credentials: [{ name: 'buenaApi', required: true }],
		properties: [
			{ displayName: 'Type', name: 'credentialType', type: 'string', default: 'buenaApi' },
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials(this.getNodeParameter('credentialType', 0) as string);
		return [[{ json: { ...credentials }, pairedItem: { item: 0 } }]];
	}
}

/** How each WaitForCancel run's 10 s wait ended. */
const waitEndings: string[] = [];

/** Waits 10 s like a polling node does, on the execution's cancel signal, and notes how the wait ended. */
class WaitForCancel implements INodeType {
	description = describeNode('waitForCancel', {
		properties: [
			{
				displayName: 'Wait',
				name: 'wait',
				type: 'options',
				options: [
					{ name: "n8n-workflow's sleepWithAbort (real time)", value: 'sleepWithAbort' },
					{ name: "The nodes' abortableSleep (n8n-workflow's sleep: a VirtualClock's time)", value: 'abortableSleep' },
				],
				default: 'sleepWithAbort',
			},
		],
	});

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const signal = this.getExecutionCancelSignal();
		const wait = this.getNodeParameter('wait', 0, 'sleepWithAbort') === 'abortableSleep' ? abortableSleep : sleepWithAbort;
		try {
			await wait(10_000, signal);
			waitEndings.push('slept');
		} catch (error) {
			waitEndings.push(signal?.aborted ? 'aborted' : `failed: ${String(error)}`);
			throw error;
		}
		return [this.getInputData()];
	}
}

/** Throws a plain NodeOperationError (stopWorkflow case) for the error object check. */
class AlwaysFails implements INodeType {
	description = describeNode('alwaysFails');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		throw new NodeOperationError(this.getNode(), 'Nothing to do', { itemIndex: 0 });
	}
}

/** Two versions, to check the runner picks the default one or the one asked for. */
class Versioned extends VersionedNodeType {
	constructor() {
		const version = (v: number): INodeType => ({
			description: describeNode('versioned', { version: v }),
			async execute(this: IExecuteFunctions) {
				return [[{ json: { version: this.getNode().typeVersion, v }, pairedItem: { item: 0 } }]];
			},
		});
		super({ 1: version(1), 2: version(2) }, {
			displayName: 'versioned',
			name: 'versioned',
			group: ['transform'],
			description: 'Runner test node versioned',
			defaultVersion: 2,
		});
	}
}

// ---------------------------------------------------------------------------------------------
// A local API on 127.0.0.1 that records what it received
// ---------------------------------------------------------------------------------------------

interface SeenRequest {
	method?: string;
	url?: string;
	headers: IncomingHttpHeaders;
}

let server: Server;
let baseUrl: string;
const seen: SeenRequest[] = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		seen.push({ method: req.method, url: req.url, headers: req.headers });
		res.setHeader('content-type', 'application/json');
		res.end(
			JSON.stringify({
				url: req.url,
				authorization: req.headers.authorization ?? null,
				apiKey: req.headers['x-api-key'] ?? null,
			}),
		);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/`;
});

afterAll(async () => {
	// n8n-core's axios keeps connections alive; drop them so jest can exit.
	server.closeAllConnections();
	await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
	seen.length = 0;
});

// ---------------------------------------------------------------------------------------------

describe('runNode: credentials and httpRequestWithAuthentication', () => {
	it("applies buenaApi's authenticate to the real axios request, per item with expressions", async () => {
		const result = await runNode({
			nodeType: new EchoRequest(),
			parameters: { provider: 'buena', voiceId: '={{ $json.voiceId }}' },
			credentials: { buenaApi: { apiKey: 'bna_test', baseUrl } },
			input: [{ json: { voiceId: 'v1' } }, { json: { voiceId: 'v 2' } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.outputs[0].map((item) => item.json)).toEqual([
			{ url: '/api/v2/voices/v1', authorization: 'Bearer bna_test', apiKey: 'bna_test' },
			{ url: '/api/v2/voices/v%202', authorization: 'Bearer bna_test', apiKey: 'bna_test' },
		]);
		expect(seen).toHaveLength(2);
		expect(result.outputs[0].map(pairedItems)).toEqual([[{ item: 0 }], [{ item: 1 }]]);
		expect(result.authenticatedRequests[0].type).toBe('buenaApi');
		expect(result.node.credentials).toEqual({
			buenaApi: { id: 'runner-buenaApi', name: 'buenaApi (test)' },
		});
	});

	it("applies blandApi's raw Authorization header", async () => {
		const result = await runNode({
			nodeType: new EchoRequest(),
			parameters: { provider: 'bland', voiceId: 'abc' },
			credentials: { blandApi: { apiKey: 'sk-bland', baseUrl: baseUrl.replace(/\/api\/v2\/$/, '') } },
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toEqual({
			url: '/voices/abc',
			authorization: 'sk-bland',
			apiKey: null,
		});
	});

	it('resolves credentials like n8n: property defaults filled in, expressions resolved', async () => {
		const result = await runNode({
			nodeType: new ShowCredentials(),
			parameters: {},
			credentials: { buenaApi: { apiKey: '={{ "bna_" + "expr" }}' } },
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toEqual({
			apiKey: 'bna_expr',
			baseUrl: 'https://api.buena.ai/api/v2',
		});
		expect(result.authenticatedRequests).toEqual([]);
	});

	it('fails like n8n when the node type does not declare the credential', async () => {
		const result = await runNode({
			nodeType: new ShowCredentials(),
			parameters: { credentialType: 'blandApi' },
			credentials: { blandApi: { apiKey: 'k', baseUrl } },
		});
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toMatch(/does not have any credentials of type "blandApi"/);
	});

	it('refuses to send the key over plain http to a remote host; the server is never hit', async () => {
		const result = await runNode({
			nodeType: new EchoRequest(),
			parameters: { provider: 'buena', voiceId: 'v1' },
			credentials: { buenaApi: { apiKey: 'bna_secret', baseUrl: 'http://example.invalid' } },
		});

		expect(result.status).toBe('error');
		// authenticate() threw before axios ran; n8n-core wrapped it in a NodeApiError.
		expect(result.error).toBeInstanceOf(NodeApiError);
		expect(result.error?.message).toMatch(/plain http to a remote host/);
		expect(seen).toHaveLength(0);
		expect(result.outputs).toEqual([]);
	});
});

describe('runNode: binary data', () => {
	const audio = Buffer.from('RIFF....WAVEfmt fake audio bytes');

	it('default mode: the binary lives in the item and is read with getBinaryDataBuffer', async () => {
		const result = await runNode({
			nodeType: new BinarySize(),
			parameters: {},
			binaryDataMode: 'default',
			input: [{ json: {}, binary: { audio: { data: audio, fileName: 'sample.wav' } } }],
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs[0][0].json).toEqual({
			size: audio.length,
			via: 'buffer',
			id: null,
			fileName: 'sample.wav',
			mimeType: 'audio/wav',
		});
		expect(result.binaries[0][0].reversed).toEqual(Buffer.from(audio).reverse());
		expect(result.outputs[0][0].binary?.reversed.id).toBeUndefined();
	});

	it('filesystem mode: the binary is a file with an id, read with getBinaryStream/getBinaryMetadata', async () => {
		const result = await runNode({
			nodeType: new BinarySize(),
			parameters: {},
			binaryDataMode: 'filesystem',
			input: [
				{ json: {}, binary: { audio: { data: audio, fileName: 'a.mp3', mimeType: 'audio/mpeg' } } },
				{ json: {}, binary: { audio: { data: Buffer.alloc(3), fileName: 'b.wav' } } },
			],
		});

		expect(result.error).toBeUndefined();
		const [first, second] = result.outputs[0].map((item) => item.json);
		expect(first).toMatchObject({
			size: audio.length,
			metadataSize: audio.length,
			via: 'stream',
			fileName: 'a.mp3',
			mimeType: 'audio/mpeg',
		});
		expect(String(first.id)).toMatch(/^filesystem-v2:workflows\/runner-workflow\/executions\//);
		expect(second).toMatchObject({ size: 3, via: 'stream', mimeType: 'audio/wav' });
		expect(result.outputs[0][0].binary?.reversed.id).toMatch(/^filesystem-v2:/);
		expect(result.binaries[0][0].reversed).toEqual(Buffer.from(audio).reverse());
		expect(result.binaries[0][1].reversed).toEqual(Buffer.alloc(3));
	});
});

describe('runNode: errors, continueOnFail and the error output', () => {
	const input = [{ json: { n: 0 } }, { json: { n: 1 } }, { json: { n: 2 } }];

	it('stops the workflow with the real NodeApiError by default', async () => {
		const result = await runNode({ nodeType: new FailSecondItem(), parameters: {}, input });

		expect(result.status).toBe('error');
		expect(result.error).toBeInstanceOf(NodeApiError);
		const error = result.error as NodeApiError;
		expect(error.httpCode).toBe('422');
		expect(error.description).toBe('The sample is too short');
		expect(error.context.itemIndex).toBe(1);
		expect(result.outputs).toEqual([]);
	});

	it('continueOnFail: every item comes out on the main output, the failed one with json.error', async () => {
		const result = await runNode({
			nodeType: new FailSecondItem(),
			parameters: {},
			input,
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		expect(result.status).toBe('success');
		expect(result.outputs).toHaveLength(1);
		expect(result.outputs[0].map((item) => item.json)).toEqual([
			{ ok: 0 },
			{ error: 'Voice sample rejected' },
			{ ok: 2 },
		]);
		expect(result.outputs[0].map(pairedItems)).toEqual([[{ item: 0 }], [{ item: 1 }], [{ item: 2 }]]);
	});

	it('onError continueErrorOutput: n8n routes the failed item to the error output', async () => {
		const result = await runNode({
			nodeType: new FailSecondItem(),
			parameters: {},
			input,
			onError: 'continueErrorOutput',
		});

		expect(result.error).toBeUndefined();
		expect(result.outputs).toHaveLength(2);
		const [main, errors] = result.outputs;
		expect(main.map((item) => item.json)).toEqual([{ ok: 0 }, { ok: 2 }]);
		expect(main.map(pairedItems)).toEqual([[{ item: 0 }], [{ item: 2 }]]);
		// n8n merges the paired input item's json into the error item.
		expect(errors.map((item) => item.json)).toEqual([{ n: 1, error: 'Voice sample rejected' }]);
		expect(errors.map(pairedItems)).toEqual([[{ item: 1 }]]);
	});

	it('onError continueRegularOutput on a node that throws: n8n passes the input on', async () => {
		const result = await runNode({
			nodeType: new AlwaysFails(),
			parameters: {},
			input: [{ json: { a: 1 } }],
			onError: 'continueRegularOutput',
		});
		// n8n keeps going with the input items but still records the node's error.
		expect(result.error).toBeInstanceOf(NodeOperationError);
		expect(result.error?.message).toBe('Nothing to do');
		expect(result.outputs[0].map((item) => item.json)).toEqual([{ a: 1 }]);
	});
});

describe('runNode: cancel', () => {
	beforeEach(() => {
		waitEndings.length = 0;
	});

	it('aborts the execution cancel signal after cancelAfterMs: the 10 s wait ends by the abort', async () => {
		const result = await runNode({
			nodeType: new WaitForCancel(),
			parameters: {},
			cancelAfterMs: 100,
		});

		expect(result.status).toBe('canceled');
		expect(waitEndings).toEqual(['aborted']);
	});

	it('aborts it when cancelWhen resolves, e.g. at a time on a virtual clock', async () => {
		const clock = VirtualClock.install();
		try {
			const result = await runNode({
				nodeType: new WaitForCancel(),
				parameters: { wait: 'abortableSleep' },
				cancelWhen: async () => await clock.sleep(100),
			});
			expect(result.status).toBe('canceled');
			expect(waitEndings).toEqual(['aborted']);
			expect(clock.elapsed()).toBe(100);
		} finally {
			clock.uninstall();
		}
	});
});

describe('runNode: versions and concurrency', () => {
	it('runs the default version of a versioned node type, or the one asked for', async () => {
		const latest = await runNode({ nodeType: new Versioned(), parameters: {} });
		const first = await runNode({ nodeType: new Versioned(), parameters: {}, typeVersion: 1 });
		expect(latest.outputs[0][0].json).toEqual({ version: 2, v: 2 });
		expect(first.outputs[0][0].json).toEqual({ version: 1, v: 1 });
	});

	it('serialises overlapping runs so each keeps its own binary data mode', async () => {
		const input = [{ json: {}, binary: { audio: { data: Buffer.from('abc'), fileName: 'x.wav' } } }];
		const [files, memory] = await Promise.all([
			runNode({ nodeType: new BinarySize(), parameters: {}, input, binaryDataMode: 'filesystem' }),
			runNode({ nodeType: new BinarySize(), parameters: {}, input, binaryDataMode: 'default' }),
		]);
		expect(files.outputs[0][0].json.via).toBe('stream');
		expect(memory.outputs[0][0].json.via).toBe('buffer');
	});
});
