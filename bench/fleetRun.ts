import * as fs from "node:fs";
import * as path from "node:path";
import { type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { OathTokenFleet } from "../provider";
import { DEFAULT_MAX_FILE_BYTES } from "../provider/seeds/files";
import { openLocalStack, pulumiCli } from "../dev/localStack";
import { type BenchTenant } from "./benchEmulator";
import { type PeakMemory, ProcessSampler } from "./processSampler";
import { type BenchFiles } from "./seedFiles";

const BENCH_PROJECT = "pingone-oath-bench";
const BENCH_STACK = "bench";

/** When the parts of one `pulumi up` happened (ms since the epoch); undefined when they did not. */
export interface UpTimes {
    /** `stack.up()` called (Automation API). */
    upCalled: number;
    /** The `pulumi up` process spawned and exited. */
    cliStarted?: number;
    cliExited?: number;
    /** The inline program (in this process) started, and `new OathTokenFleet(...)` returned. */
    programStarted?: number;
    programBuilt?: number;
    /** `stack.up()` returned: after `pulumi up`, the Automation API runs `stack output` and `stack history`. */
    upReturned: number;
}

export interface UpMeasurement {
    /** `stack.up()`, as the bench before this one measured it (Automation API extras included). */
    wallMs: number;
    /** The `pulumi up` process alone, spawn to exit: what a person running `pulumi up` waits. */
    cliMs?: number;
    times: UpTimes;
    memory: PeakMemory;
    /** resOpFailedEvent count plus 1 if `up` itself threw. */
    failures: number;
    firstError?: string;
    changes: Record<string, number>;
    /** Index range of the emulator's request log this `up` produced. */
    requestsFrom: number;
    requestsTo: number;
}

export interface FleetStack {
    stack: Stack;
    backendDir: string;
    logFile: string;
    /** Filled in by the program as it runs (it runs in this process). */
    programTimes: { started?: number; built?: number };
}

export interface FleetProgramOptions {
    /** `OathTokenFleet` `batches` (default: the fleet's own default). */
    batches?: number;
    /** A program with no resources at all: what the CLI costs by itself. */
    empty?: boolean;
}

/** A fresh file backend holding a stack whose inline program is `OathTokenFleet.fromFiles(...)`. */
export async function openFleetStack(
    name: string,
    tenant: BenchTenant,
    files: BenchFiles,
    envVars: Record<string, string>,
    logDir: string,
    options: FleetProgramOptions = {},
): Promise<FleetStack> {
    const programTimes: FleetStack["programTimes"] = {};
    const seedFileBytes = options.empty ? 0 : fs.statSync(files.seedFile).size;
    const program = async () => {
        programTimes.started = Date.now();
        if (options.empty) {
            programTimes.built = Date.now();
            return {};
        }
        const fleet = new OathTokenFleet("bench", {
            environmentId: tenant.environmentId,
            seedFile: files.seedFile,
            assignmentsFile: files.assignmentsFile,
            connection: tenant.connection,
            ...(options.batches === undefined ? {} : { batches: options.batches }),
            // The loader refuses files over 20 MB by default; a 100,000-token PSKC is ~50 MB.
            ...(seedFileBytes > DEFAULT_MAX_FILE_BYTES
                ? { seedFileOptions: { maxFileBytes: Math.ceil(seedFileBytes * 1.2) } }
                : {}),
        });
        programTimes.built = Date.now();
        return {
            batches: Object.keys(fleet.batches).length,
            active: fleet.summary.apply((rows) => rows.filter((r) => r.status === "ACTIVE").length),
        };
    };
    const { stack, backendDir } = await openLocalStack({
        name,
        stackName: BENCH_STACK,
        projectName: BENCH_PROJECT,
        program,
        envVars,
        fresh: true,
    });
    return { stack, backendDir, logFile: path.join(logDir, `${name}.log`), programTimes };
}

interface CliRun {
    args: string[];
    started: number;
    exited: number;
}

const cliRuns: CliRun[] = [];
let timed: Promise<void> | undefined;

/** `PulumiCommand.run`, which spawns the CLI: marked internal, so not in the SDK's type declarations. */
interface RunsCli {
    run(args: string[], ...rest: unknown[]): Promise<unknown>;
}

/**
 * Times every CLI process the Automation API starts, by wrapping `run` on the one PulumiCommand the bench's
 * stacks share (dev/localStack caches it): `stack.up()` also runs `stack output` and `stack history` after
 * `pulumi up`, which the `pulumi up` a person types does not. Without `run` (another SDK) nothing is timed.
 */
function timeCliProcesses(): Promise<void> {
    timed ??= (async () => {
        const cli = (await pulumiCli()) as unknown as RunsCli;
        if (typeof cli.run !== "function") return;
        const run = cli.run.bind(cli);
        cli.run = async (args, ...rest) => {
            const started = Date.now();
            try {
                return await run(args, ...rest);
            } finally {
                cliRuns.push({ args: [...args], started, exited: Date.now() });
            }
        };
    })();
    return timed;
}

/** One `pulumi up`, timed, with its output going to the stack's log file and its processes' memory sampled. */
export async function measureUp(fleet: FleetStack, tenant: BenchTenant, parallel: number): Promise<UpMeasurement> {
    await timeCliProcesses();
    const log = fs.createWriteStream(fleet.logFile, { flags: "a" });
    log.write(`\n==== pulumi up --parallel ${parallel} (${new Date().toISOString()})\n`);
    let failures = 0;
    let firstError: string | undefined;
    const onEvent = (event: EngineEvent) => {
        if (event.resOpFailedEvent) failures++;
        const diag = event.diagnosticEvent;
        if (diag?.severity === "error")
            firstError ??= `${diag.urn ? diag.urn.split("::").pop() + ": " : ""}${diag.message.trim()}`;
    };
    const requestsFrom = tenant.emulator.requests.length;
    fleet.programTimes.started = fleet.programTimes.built = undefined;
    const cliRunsFrom = cliRuns.length;
    const sampler = new ProcessSampler();
    sampler.start();
    const upCalled = Date.now();
    let changes: Record<string, number> = {};
    try {
        const result = await fleet.stack.up({ parallel, onOutput: (line) => log.write(line), onEvent, color: "never" });
        changes = (result.summary.resourceChanges ?? {}) as Record<string, number>;
    } catch (error) {
        failures++;
        const message = error instanceof Error ? error.message : String(error);
        firstError ??=
            message
                .split("\n")
                .filter((l) => /error/i.test(l))
                .slice(0, 3)
                .join(" | ") || message.slice(0, 300);
    }
    const upReturned = Date.now();
    const memory = sampler.stop();
    // Requests still in flight when `up` returns would be a bug; give stragglers a moment to land in the log.
    await new Promise((r) => setTimeout(r, 200));
    await new Promise<void>((resolve) => log.end(resolve));
    // The emulator's log of this `up`, one JSON object a line, next to the CLI's output (for timelines).
    const requestsTo = tenant.emulator.requests.length;
    fs.appendFileSync(
        `${fleet.logFile.replace(/\.log$/, "")}.requests.jsonl`,
        tenant.emulator.requests
            .slice(requestsFrom, requestsTo)
            .map((e) => JSON.stringify({ ...e, up: upCalled }) + "\n")
            .join(""),
    );
    const cli = cliRuns.slice(cliRunsFrom).find((r) => r.args[0] === "up");
    const times: UpTimes = {
        upCalled,
        cliStarted: cli?.started,
        cliExited: cli?.exited,
        programStarted: fleet.programTimes.started,
        programBuilt: fleet.programTimes.built,
        upReturned,
    };
    return {
        wallMs: upReturned - upCalled,
        cliMs: cli ? cli.exited - cli.started : undefined,
        times,
        memory,
        failures,
        firstError,
        changes,
        requestsFrom,
        requestsTo,
    };
}

export interface StateSize {
    checkpointFile: string;
    bytes: number;
    resources: number;
    /** Per resource type: count, bytes of the resources' JSON, bytes of their `__provider` values (inputs + outputs). */
    byType: Record<string, { count: number; resourceBytes: number; providerBytes: number }>;
}

/** The stack's checkpoint in the file backend and what `__provider` costs in it. */
export function measureState(backendDir: string): StateSize {
    const checkpointFile = path.join(backendDir, ".pulumi", "stacks", BENCH_PROJECT, `${BENCH_STACK}.json`);
    const text = fs.readFileSync(checkpointFile, "utf8");
    const parsed = JSON.parse(text) as { checkpoint?: { latest?: { resources?: StateResource[] } } };
    const resources = parsed.checkpoint?.latest?.resources ?? [];
    const byType: StateSize["byType"] = {};
    for (const r of resources) {
        const entry = (byType[r.type] ??= { count: 0, resourceBytes: 0, providerBytes: 0 });
        entry.count++;
        entry.resourceBytes += Buffer.byteLength(JSON.stringify(r));
        for (const bag of [r.inputs, r.outputs]) {
            const provider = bag?.__provider;
            if (provider !== undefined)
                entry.providerBytes += Buffer.byteLength(
                    typeof provider === "string" ? provider : JSON.stringify(provider),
                );
        }
    }
    return { checkpointFile, bytes: Buffer.byteLength(text), resources: resources.length, byType };
}

interface StateResource {
    type: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
}
