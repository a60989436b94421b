// Drives Pulumi's provider host over gRPC with the host's own (untyped, CommonJS) protobuf modules,
// loaded from its install: hence require() and `any` for the generated message classes.
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-explicit-any */
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";

/**
 * Drives Pulumi's real dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over gRPC, the way
 * the engine does: Configure first, then Check/Diff/Create/Read/Update/Delete, each carrying `__provider`.
 */

const pulumiRoot = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
// The host's own gRPC and protobuf copies, so messages match what it decodes.
const fromPulumi = (id: string) => require(require.resolve(id, { paths: [pulumiRoot] }));
const grpc = fromPulumi("@grpc/grpc-js");
const providerPb = fromPulumi("@pulumi/pulumi/proto/provider_pb");
const providerGrpc = fromPulumi("@pulumi/pulumi/proto/provider_grpc_pb");
const structPb = fromPulumi("google-protobuf/google/protobuf/struct_pb");

type Props = Record<string, unknown>;

export interface CheckFailure {
    property: string;
    reason: string;
}

export class ProviderHost {
    private constructor(
        private readonly child: ChildProcess,
        private readonly client: InstanceType<typeof providerGrpc.ResourceProviderClient>,
        /** Everything the host printed after its port line: its log output. */
        readonly output: string[],
    ) {}

    static async start(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<ProviderHost> {
        const script = require.resolve("@pulumi/pulumi/cmd/dynamic-provider");
        // The engine address is required but only used for logging; nothing listens there.
        const child = spawn(process.execPath, [script, "127.0.0.1:1"], { env, cwd, stdio: ["ignore", "pipe", "pipe"] });
        const output: string[] = [];
        child.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
        const lines = readline.createInterface({ input: child.stdout! });
        const port = await new Promise<string>((resolve, reject) => {
            child.once("exit", (code) => reject(new Error(`provider host exited (${code}): ${output.join("")}`)));
            lines.once("line", resolve);
        });
        lines.on("line", (line) => output.push(line));
        const client = new providerGrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        return new ProviderHost(child, client, output);
    }

    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null) {
            const exited = new Promise((resolve) => this.child.once("exit", resolve));
            this.child.kill();
            await exited;
        }
    }

    private call<T>(method: string, request: unknown): Promise<T> {
        return new Promise((resolve, reject) =>
            this.client[method](request, (error: Error | null, response: T) =>
                error ? reject(error) : resolve(response),
            ),
        );
    }

    async configure(config: Record<string, string>): Promise<void> {
        const request = new providerPb.ConfigureRequest();
        request.setArgs(structPb.Struct.fromJavaScript(config));
        await this.call("configure", request);
    }

    async check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: CheckFailure[] }> {
        const request = new providerPb.CheckRequest();
        request.setUrn(urn);
        request.setOlds(structPb.Struct.fromJavaScript(olds));
        request.setNews(structPb.Struct.fromJavaScript(news));
        const response = await this.call<any>("check", request);
        return {
            inputs: response.getInputs().toJavaScript(),
            failures: response
                .getFailuresList()
                .map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
        };
    }

    async diff(urn: string, id: string, olds: Props, news: Props): Promise<{ changes: number; replaces: string[] }> {
        const request = new providerPb.DiffRequest();
        request.setUrn(urn);
        request.setId(id);
        request.setOlds(structPb.Struct.fromJavaScript(olds));
        request.setNews(structPb.Struct.fromJavaScript(news));
        const response = await this.call<any>("diff", request);
        return { changes: response.getChanges(), replaces: response.getReplacesList() };
    }

    async create(urn: string, properties: Props): Promise<{ id: string; properties: Props }> {
        const request = new providerPb.CreateRequest();
        request.setUrn(urn);
        request.setProperties(structPb.Struct.fromJavaScript(properties));
        const response = await this.call<any>("create", request);
        return { id: response.getId(), properties: response.getProperties().toJavaScript() };
    }

    async read(urn: string, id: string, properties: Props): Promise<{ id: string; properties: Props }> {
        const request = new providerPb.ReadRequest();
        request.setUrn(urn);
        request.setId(id);
        request.setProperties(structPb.Struct.fromJavaScript(properties));
        const response = await this.call<any>("read", request);
        return { id: response.getId(), properties: response.getProperties()?.toJavaScript() ?? {} };
    }

    async delete(urn: string, id: string, properties: Props): Promise<void> {
        const request = new providerPb.DeleteRequest();
        request.setUrn(urn);
        request.setId(id);
        request.setProperties(structPb.Struct.fromJavaScript(properties));
        await this.call("delete", request);
    }
}

/** Diff answers as the protocol numbers them. */
export const DiffChanges = { unknown: 0, none: 1, some: 2 } as const;

/** The `__provider` text exactly as `pulumi.dynamic.Resource` serializes it. */
export async function serializeProvider(provider: object): Promise<string> {
    const closure = require(
        require.resolve("@pulumi/pulumi/runtime/closure/serializeClosure", { paths: [pulumiRoot] }),
    );
    const serialized = await closure.serializeFunction(() => provider, { allowSecrets: true });
    return serialized.text as string;
}
