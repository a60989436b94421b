import * as fs from "node:fs";
import * as path from "node:path";
import { type EngineEvent, type Stack } from "@pulumi/pulumi/automation";
import { OathTokenFleet } from "../provider";
import { openLocalStack } from "../dev/localStack";
import { type BenchTenant } from "./benchEmulator";
import { type BenchFiles } from "./seedFiles";

const BENCH_PROJECT = "pingone-oath-bench";
const BENCH_STACK = "bench";

export interface UpMeasurement {
    wallMs: number;
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
}

/** A fresh file backend holding a stack whose inline program is `OathTokenFleet.fromFiles(...)`. */
export async function openFleetStack(
    name: string,
    tenant: BenchTenant,
    files: BenchFiles,
    envVars: Record<string, string>,
    logDir: string,
): Promise<FleetStack> {
    const program = async () => {
        const fleet = new OathTokenFleet("bench", {
            environmentId: tenant.environmentId,
            seedFile: files.seedFile,
            assignmentsFile: files.assignmentsFile,
            connection: tenant.connection,
        });
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
    return { stack, backendDir, logFile: path.join(logDir, `${name}.log`) };
}

/** One `pulumi up`, timed, with its output going to the stack's log file. */
export async function measureUp(fleet: FleetStack, tenant: BenchTenant, parallel: number): Promise<UpMeasurement> {
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
    const started = Date.now();
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
    const wallMs = Date.now() - started;
    // Requests still in flight when `up` returns would be a bug; give stragglers a moment to land in the log.
    await new Promise((r) => setTimeout(r, 200));
    await new Promise<void>((resolve) => log.end(resolve));
    return { wallMs, failures, firstError, changes, requestsFrom, requestsTo: tenant.emulator.requests.length };
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
