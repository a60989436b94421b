import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { type EngineEvent, LocalWorkspace, type Stack } from "@pulumi/pulumi/automation";
import { OathTokenFleet } from "../../provider";

/**
 * A 100,000-token roll-out as K stacks of one project, run side by side with Pulumi's Automation API.
 * Each stack is `new OathTokenFleet("tokens", { ..., shard: { index, count: K } })`: it takes only the
 * serials hashing to its shard, so no token is in two stacks and together they hold them all. Smaller
 * stacks mean smaller state files, shorter runs to retry, and K provider hosts (one per running stack)
 * sharing the CPU work. They do not make the roll-out faster than the API allows: PingOne's rate limit is
 * per licence, so every running stack draws on ONE budget.
 *
 *   node dist/examples/sharded-rollout/index.js --seed-file tokens.pskcxml --assignments-file assignments.csv \
 *       --environment-id <uuid> --shards 4 --concurrency 4 --budget 100
 *
 * Every flag has an environment variable (ROLLOUT_*; see `usage`). Credentials are NOT flags: the provider
 * host reads them as always, from the PINGONE_* variables (PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET,
 * PINGONE_ENVIRONMENT_ID, PINGONE_REGION_CODE or PINGONE_API_URL/PINGONE_AUTH_URL) or each stack's
 * `pingone:*` config. This script only passes them on (it reads PINGONE_ENVIRONMENT_ID as the default
 * target environment) and never prints them.
 *
 * The budget is divided statically: each stack's provider host gets
 * PINGONE_REQUESTS_PER_SECOND = budget / (stacks running at once). Each provider host is its own process
 * with its own pacer, and none of them sees the others' requests, so a share fixed at start is the only
 * division that holds without a coordinator between processes (a shared limiter service or lock file
 * would be one more moving part in the roll-out). Its cost is honest and visible: when fewer stacks are
 * left than may run at once, their shares are not raised, and the budget is partly idle (pick K a
 * multiple of the concurrency). A host's pacer only ever slows down on a 429, never borrows.
 *
 * Re-running converges: every stack runs `pulumi up` again, a stack with nothing to do is a no-op (its
 * batches send nothing), and a stack whose tokens failed retries only those.
 */

export interface RolloutOptions {
    /** The vendor's PSKC or CSV seed file. */
    seedFile: string;
    /** `serialNumber,username` or `serialNumber,userId`. */
    assignmentsFile?: string;
    /** The PingOne environment the tokens go to. */
    environmentId: string;
    /** K: how many stacks (shards). Fixed for the life of the roll-out: another K is another set of stacks. */
    shards: number;
    /** How many stacks run at once. */
    concurrency: number;
    /** Requests per second for the whole roll-out (PingOne's limit is per licence: all stacks share it). */
    budget: number;
    /** Requests that may go at once after an idle spell, for the whole roll-out. */
    burst: number;
    /** Where the stacks' state lives (file://, s3://, https://api.pulumi.com, ...). */
    backendUrl: string;
    /** The project folder: Pulumi.yaml is written here, and the CLI and provider hosts run here. */
    workDir: string;
    /** Per-stack `pulumi up` logs. */
    logDir: string;
    projectName: string;
    stackPrefix: string;
    /** `pulumi up --parallel`: batches worked on at once per stack. */
    parallel: number;
    /** `OathTokenFleet` batches per stack. */
    batches?: number;
    /** `seedFileOptions.maxFileBytes`: the loader refuses larger files (default 20 MB; 100,000 PSKC tokens are ~50 MB). */
    maxFileBytes?: number;
    /** `OathTokenFleet` adoptExisting: take over what a run that died before saving its state created. */
    adoptExisting: boolean;
    /** Write the report here as JSON. */
    jsonFile?: string;
}

/** What one stack's run did. */
export interface StackReport {
    /** 0-based shard index. */
    index: number;
    stackName: string;
    /** The pacing its provider host was given. */
    requestsPerSecond: number;
    burst: number;
    startedAtMs: number;
    seconds: number;
    ok: boolean;
    /** No resource created, updated, replaced or deleted. */
    noop: boolean;
    changes: Record<string, number>;
    /** Tokens of the shard in the inventory; assigned ones; ACTIVE devices; rows that failed (-1: unknown). */
    inventory: number;
    assigned: number;
    active: number;
    failedTokens: number;
    /** Failed tokens plus failed resource operations; at least 1 when `up` failed. */
    failures: number;
    firstError?: string;
}

export interface RolloutReport {
    projectName: string;
    shards: number;
    concurrency: number;
    budget: number;
    seconds: number;
    ok: boolean;
    interrupted: boolean;
    stacks: StackReport[];
}

/** The share of the budget each stack's provider host gets: static, see the top of this file. */
export function pacingPerStack(options: Pick<RolloutOptions, "budget" | "burst" | "concurrency" | "shards">): {
    requestsPerSecond: number;
    burst: number;
} {
    const running = Math.max(1, Math.min(options.concurrency, options.shards));
    return {
        // Rounded down to a thousandth, so the shares never add up to more than the budget.
        requestsPerSecond: Math.floor((options.budget / running) * 1000) / 1000,
        burst: Math.max(1, Math.floor(options.burst / running)),
    };
}

export function stackNameOf(options: Pick<RolloutOptions, "stackPrefix" | "shards">, index: number): string {
    return `${options.stackPrefix}-${index}-of-${options.shards}`;
}

/** The inline program of shard `index`: the fleet, and counts for the progress line (never per-token rows). */
function shardProgram(options: RolloutOptions, index: number) {
    return async () => {
        const fleet = new OathTokenFleet("tokens", {
            environmentId: options.environmentId,
            seedFile: options.seedFile,
            assignmentsFile: options.assignmentsFile,
            shard: { index, count: options.shards },
            ...(options.batches ? { batches: options.batches } : {}),
            ...(options.maxFileBytes ? { seedFileOptions: { maxFileBytes: options.maxFileBytes } } : {}),
            ...(options.adoptExisting ? { adoptExisting: true } : {}),
        });
        const inventory = pulumi
            .all(Object.values(fleet.batches).map((b) => b.tokens))
            .apply((parts) => parts.reduce((n, tokens) => n + Object.keys(tokens ?? {}).length, 0));
        return {
            shard: `${index}/${options.shards}`,
            inventory,
            assigned: fleet.summary.apply((rows) => rows.length),
            active: fleet.summary.apply((rows) => rows.filter((r) => r.status === "ACTIVE").length),
            failed: fleet.summary.apply((rows) => rows.filter((r) => r.status === "FAILED").length),
        };
    };
}

type Log = (line: string) => void;

/** Opens (creating if needed) the stack of shard `index`, paced at its share of the budget. */
async function openShardStack(options: RolloutOptions, index: number): Promise<Stack> {
    const pacing = pacingPerStack(options);
    const stack = await LocalWorkspace.createOrSelectStack(
        {
            stackName: stackNameOf(options, index),
            projectName: options.projectName,
            program: shardProgram(options, index),
        },
        {
            workDir: options.workDir,
            projectSettings: {
                name: options.projectName,
                runtime: "nodejs",
                backend: { url: options.backendUrl },
            },
            envVars: {
                PULUMI_BACKEND_URL: options.backendUrl,
                // The provider host reads these once, at start: this stack's share of the budget.
                PINGONE_REQUESTS_PER_SECOND: String(pacing.requestsPerSecond),
                PINGONE_REQUEST_BURST: String(pacing.burst),
            },
        },
    );
    // Stack config beats the variables (see provider/client/clientOptions.ts): a pacing set there would
    // break the division, so it is refused rather than silently overriding the budget.
    const config = await stack.getAllConfig();
    for (const key of ["pingone:requestsPerSecond", "pingone:requestBurst"]) {
        if (config[key] !== undefined) {
            throw new Error(
                `stack ${stack.name} sets ${key} in its config, which would override its share of the roll-out's budget; ` +
                    `remove it (pulumi config rm ${key} -s ${stack.name}) and set the budget with --budget.`,
            );
        }
    }
    return stack;
}

/** The first two lines of an engine error, without Pulumi's wrapper around a failed stack output. */
function firstLines(message: string): string {
    return message
        .replace(/^error serializing property "[^"]*": /, "")
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .slice(0, 2)
        .join(" ")
        .slice(0, 600);
}

/** The first error lines of a failed `up` (the CLI prints secrets as [secret]; we print nothing else). */
function errorSummary(error: unknown): string {
    const message = error instanceof Error ? error.message : String(error);
    const lines = message
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => /error/i.test(l) && !/^(stderr|stdout|code|err\?):/i.test(l));
    return (lines.slice(0, 3).join(" | ") || message.slice(0, 300)).slice(0, 600);
}

async function runShard(
    options: RolloutOptions,
    stack: Stack,
    index: number,
    log: Log,
    signal: AbortSignal,
): Promise<StackReport> {
    const label = `stack ${index + 1}/${options.shards} (${stack.name})`;
    const pacing = pacingPerStack(options);
    const startedAtMs = Date.now();
    log(`${label}: started, ${pacing.requestsPerSecond} req/s (burst ${pacing.burst})`);
    const logFile = fs.createWriteStream(path.join(options.logDir, `${stack.name}.log`), { flags: "a" });
    logFile.write(`\n==== pulumi up ${new Date(startedAtMs).toISOString()}\n`);
    let failedOperations = 0;
    let upFailed = false;
    let firstError: string | undefined;
    const onEvent = (event: EngineEvent) => {
        if (event.resOpFailedEvent) failedOperations++;
        const diag = event.diagnosticEvent;
        if (diag?.severity === "error") firstError ??= firstLines(diag.message);
    };
    const report: StackReport = {
        index,
        stackName: stack.name,
        ...pacing,
        startedAtMs,
        seconds: 0,
        ok: false,
        noop: false,
        changes: {},
        inventory: -1,
        assigned: -1,
        active: -1,
        failedTokens: -1,
        failures: 0,
    };
    try {
        const result = await stack.up({
            parallel: options.parallel,
            onOutput: (text) => logFile.write(text),
            onEvent,
            color: "never",
            signal,
        });
        report.changes = (result.summary.resourceChanges ?? {}) as Record<string, number>;
        const out = (key: string) => Number(result.outputs[key]?.value ?? -1);
        report.inventory = out("inventory");
        report.assigned = out("assigned");
        report.active = out("active");
        report.failedTokens = out("failed");
        report.ok = result.summary.result === "succeeded" && report.failedTokens === 0;
    } catch (error) {
        upFailed = true;
        firstError ??= errorSummary(error);
        // The run failed, so the program's outputs were not saved: count from what the state kept.
        Object.assign(report, await countsFromState(stack).catch(() => ({})));
    } finally {
        await new Promise<void>((resolve) => logFile.end(resolve));
    }
    report.seconds = (Date.now() - startedAtMs) / 1000;
    report.failures = Math.max(upFailed ? 1 : 0, failedOperations + Math.max(0, report.failedTokens));
    report.firstError = firstError;
    report.ok &&= report.failures === 0;
    const changed = Object.entries(report.changes).filter(([op, n]) => op !== "same" && n > 0);
    report.noop = report.ok && changed.length === 0;
    const what = report.noop
        ? " (no changes)"
        : changed.length
          ? ` (${changed.map(([op, n]) => `${op} ${n}`).join(", ")})`
          : "";
    const count = (n: number) => (n < 0 ? "?" : String(n));
    log(
        `${label}: ${report.ok ? "done" : "FAILED"} in ${report.seconds.toFixed(1)} s, ACTIVE ${count(report.active)}/${count(report.assigned)}, ` +
            `failures ${report.failures}${what}${firstError ? `: ${firstError}` : ""}`,
    );
    return report;
}

/** ACTIVE and failed rows of the stack's batches, from its checkpoint (the batches keep partial state). */
async function countsFromState(stack: Stack): Promise<Partial<StackReport>> {
    const deployment = await stack.exportStack();
    const resources = (deployment.deployment?.resources ?? []) as {
        type: string;
        inputs?: { tokens?: Record<string, { userId?: string; username?: string }> };
        outputs?: { tokens?: Record<string, { status?: string; error?: string }> };
    }[];
    const counts = { inventory: 0, assigned: 0, active: 0, failedTokens: 0 };
    for (const r of resources.filter((x) => x.type.endsWith(":OathTokenBatch"))) {
        const rows = Object.values(r.outputs?.tokens ?? {});
        counts.inventory += rows.length;
        counts.assigned += Object.values(r.inputs?.tokens ?? {}).filter((t) => t.userId || t.username).length;
        counts.active += rows.filter((t) => t.status === "ACTIVE").length;
        counts.failedTokens += rows.filter((t) => t.error).length;
    }
    return counts;
}

/** How a caller stops a roll-out. */
export interface RolloutControl {
    /** Aborting sends one SIGINT to each running CLI (a clean cancel); no further stack starts. */
    signal?: AbortSignal;
    /** Read before each stack starts: true, and no further stack starts (the running ones finish). */
    stopStarting?: () => boolean;
}

/** Runs `pulumi up` on every shard's stack, `concurrency` at a time. Never throws for a failed stack. */
export async function runShardedRollout(
    options: RolloutOptions,
    log: Log = (line) => console.log(line),
    control: RolloutControl = {},
): Promise<RolloutReport> {
    const signal = control.signal ?? new AbortController().signal;
    const stopped = () => signal.aborted || (control.stopStarting?.() ?? false);
    const started = Date.now();
    const pacing = pacingPerStack(options);
    fs.mkdirSync(options.workDir, { recursive: true });
    fs.mkdirSync(options.logDir, { recursive: true });
    log(
        `${options.shards} stacks of project ${options.projectName}, ${Math.min(options.concurrency, options.shards)} at a time; ` +
            `budget ${options.budget} req/s (burst ${options.burst}) → ${pacing.requestsPerSecond} req/s (burst ${pacing.burst}) per stack; ` +
            `logs in ${options.logDir}`,
    );
    // Opened one after the other: each workspace writes the one Pulumi.yaml of the shared project folder.
    const stacks: (Stack | Error)[] = [];
    for (let i = 0; i < options.shards; i++) {
        stacks.push(await openShardStack(options, i).catch((error: unknown) => error as Error));
    }
    const reports: StackReport[] = [];
    let next = 0;
    const worker = async () => {
        while (next < options.shards && !stopped()) {
            const index = next++;
            const stack = stacks[index]!;
            if (stack instanceof Error) {
                const label = `stack ${index + 1}/${options.shards} (${stackNameOf(options, index)})`;
                log(`${label}: FAILED before it started: ${errorSummary(stack)}`);
                reports.push({
                    index,
                    stackName: stackNameOf(options, index),
                    ...pacing,
                    startedAtMs: Date.now(),
                    seconds: 0,
                    ok: false,
                    noop: false,
                    changes: {},
                    inventory: -1,
                    assigned: -1,
                    active: -1,
                    failedTokens: -1,
                    failures: 1,
                    firstError: errorSummary(stack),
                });
                continue;
            }
            reports.push(await runShard(options, stack, index, log, signal));
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, options.shards)) }, worker));
    reports.sort((a, b) => a.index - b.index);
    const report: RolloutReport = {
        projectName: options.projectName,
        shards: options.shards,
        concurrency: options.concurrency,
        budget: options.budget,
        seconds: (Date.now() - started) / 1000,
        ok: reports.length === options.shards && reports.every((r) => r.ok),
        interrupted: reports.length < options.shards,
        stacks: reports,
    };
    const sum = (key: "active" | "assigned" | "inventory" | "failures") =>
        reports.some((r) => r[key] < 0) ? "?" : String(reports.reduce((n, r) => n + r[key], 0));
    log(
        `summary: ${reports.filter((r) => r.ok).length}/${options.shards} stacks ok` +
            `${report.interrupted ? ` (interrupted: ${options.shards - reports.length} not started)` : ""}, ` +
            `${reports.filter((r) => r.noop).length} no-op; ACTIVE ${sum("active")}/${sum("assigned")} ` +
            `(${sum("inventory")} in the inventory), failures ${sum("failures")}; ${report.seconds.toFixed(1)} s`,
    );
    if (options.jsonFile) fs.writeFileSync(options.jsonFile, JSON.stringify(report, null, 2) + "\n");
    return report;
}

const usage = `node dist/examples/sharded-rollout/index.js [flags]   (each flag also as an environment variable)
  --seed-file FILE          ROLLOUT_SEED_FILE         the vendor's PSKC or CSV seed file (required)
  --assignments-file FILE   ROLLOUT_ASSIGNMENTS_FILE  serialNumber,username (or userId) CSV
  --environment-id UUID     ROLLOUT_ENVIRONMENT_ID    target environment (default: PINGONE_ENVIRONMENT_ID)
  --shards K                ROLLOUT_SHARDS            stacks (default 4)
  --concurrency C           ROLLOUT_CONCURRENCY       stacks at once (default K)
  --budget R                ROLLOUT_BUDGET            requests/s for the whole roll-out (default 90)
  --burst B                 ROLLOUT_BURST             burst for the whole roll-out (default 10)
  --backend-url URL         PULUMI_BACKEND_URL        default file://<work-dir>/backend
  --work-dir DIR            ROLLOUT_WORK_DIR          project folder (default .pulumi-state/sharded-rollout)
  --project NAME            ROLLOUT_PROJECT           default pingone-oath-rollout
  --stack-prefix P          ROLLOUT_STACK_PREFIX      stacks are P-<i>-of-<K> (default shard)
  --parallel P              ROLLOUT_PARALLEL          pulumi up --parallel per stack (default 16)
  --batches B               ROLLOUT_BATCHES           OathTokenFleet batches per stack (default 16)
  --max-file-mb M           ROLLOUT_MAX_FILE_MB       largest seed file read (default 20; a 100,000-token PSKC is ~50)
  --adopt-existing          ROLLOUT_ADOPT_EXISTING=1  take over tokens a run that died before saving created
  --json FILE               ROLLOUT_JSON              write the report as JSON
Credentials: PINGONE_CLIENT_ID / PINGONE_CLIENT_SECRET / PINGONE_ENVIRONMENT_ID (+ PINGONE_REGION_CODE or
PINGONE_API_URL / PINGONE_AUTH_URL), or each stack's pingone:* config. A file:// backend needs
PULUMI_CONFIG_PASSPHRASE (or _FILE).`;

const flags = {
    "seed-file": { type: "string", env: "ROLLOUT_SEED_FILE" },
    "assignments-file": { type: "string", env: "ROLLOUT_ASSIGNMENTS_FILE" },
    "environment-id": { type: "string", env: "ROLLOUT_ENVIRONMENT_ID" },
    shards: { type: "string", env: "ROLLOUT_SHARDS" },
    concurrency: { type: "string", env: "ROLLOUT_CONCURRENCY" },
    budget: { type: "string", env: "ROLLOUT_BUDGET" },
    burst: { type: "string", env: "ROLLOUT_BURST" },
    "backend-url": { type: "string", env: "PULUMI_BACKEND_URL" },
    "work-dir": { type: "string", env: "ROLLOUT_WORK_DIR" },
    project: { type: "string", env: "ROLLOUT_PROJECT" },
    "stack-prefix": { type: "string", env: "ROLLOUT_STACK_PREFIX" },
    parallel: { type: "string", env: "ROLLOUT_PARALLEL" },
    batches: { type: "string", env: "ROLLOUT_BATCHES" },
    "max-file-mb": { type: "string", env: "ROLLOUT_MAX_FILE_MB" },
    "adopt-existing": { type: "boolean", env: "ROLLOUT_ADOPT_EXISTING" },
    json: { type: "string", env: "ROLLOUT_JSON" },
    help: { type: "boolean", env: "" },
} as const;

class UsageError extends Error {}

/** Flags over ROLLOUT_* variables over defaults; relative paths are taken from the current folder. */
export function rolloutOptionsFrom(argv: string[], env: NodeJS.ProcessEnv = process.env): RolloutOptions | "help" {
    const { values } = parseArgs({
        args: argv,
        options: Object.fromEntries(Object.entries(flags).map(([k, v]) => [k, { type: v.type }])),
        strict: true,
    });
    if (values.help) return "help";
    const get = (name: keyof typeof flags): string | undefined => {
        const v = values[name];
        if (typeof v === "string") return v;
        if (v === true) return "1";
        const fromEnv = flags[name].env ? env[flags[name].env] : undefined;
        return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
    };
    const int = (name: keyof typeof flags, fallback: number, min: number, max: number): number => {
        const raw = get(name);
        const n = raw === undefined ? fallback : Number(raw);
        if (!Number.isInteger(n) || n < min || n > max)
            throw new UsageError(`--${name} must be a whole number from ${min} to ${max}; got ${raw}.`);
        return n;
    };
    const positive = (name: keyof typeof flags, fallback: number): number => {
        const raw = get(name);
        const n = raw === undefined ? fallback : Number(raw);
        if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number; got ${raw}.`);
        return n;
    };
    const seedFile = get("seed-file");
    if (!seedFile) throw new UsageError("--seed-file (or ROLLOUT_SEED_FILE) is required.");
    const environmentId = get("environment-id") ?? env.PINGONE_ENVIRONMENT_ID;
    if (!environmentId)
        throw new UsageError("--environment-id (or ROLLOUT_ENVIRONMENT_ID, PINGONE_ENVIRONMENT_ID) is required.");
    const shards = int("shards", 4, 1, 1024);
    const workDir = path.resolve(get("work-dir") ?? path.join(".pulumi-state", "sharded-rollout"));
    const assignments = get("assignments-file");
    const batches = get("batches") === undefined ? undefined : int("batches", 16, 1, 256);
    return {
        seedFile: path.resolve(seedFile),
        assignmentsFile: assignments ? path.resolve(assignments) : undefined,
        environmentId,
        shards,
        concurrency: int("concurrency", shards, 1, 1024),
        budget: positive("budget", 90),
        burst: positive("burst", 10),
        backendUrl: get("backend-url") ?? `file://${path.join(workDir, "backend")}`,
        workDir,
        logDir: path.join(workDir, "logs"),
        projectName: get("project") ?? "pingone-oath-rollout",
        stackPrefix: get("stack-prefix") ?? "shard",
        parallel: int("parallel", 16, 1, 4096),
        batches,
        maxFileBytes: get("max-file-mb") === undefined ? undefined : positive("max-file-mb", 20) * 1024 * 1024,
        adoptExisting: ["1", "true", "yes"].includes((get("adopt-existing") ?? "").toLowerCase()),
        jsonFile: get("json") ? path.resolve(get("json")!) : undefined,
    };
}

async function main(): Promise<void> {
    let options: RolloutOptions | "help";
    try {
        options = rolloutOptionsFrom(process.argv.slice(2));
    } catch (error) {
        console.error(`${(error as Error).message}\n\n${usage}`);
        process.exit(2);
    }
    if (options === "help") {
        console.log(usage);
        return;
    }
    if (
        options.backendUrl.startsWith("file://") &&
        !process.env.PULUMI_CONFIG_PASSPHRASE &&
        !process.env.PULUMI_CONFIG_PASSPHRASE_FILE
    ) {
        console.error("A file:// backend keeps secrets with a passphrase: set PULUMI_CONFIG_PASSPHRASE (or _FILE).");
        process.exit(2);
    }
    if (options.backendUrl.startsWith("file://")) {
        fs.mkdirSync(options.backendUrl.slice("file://".length), { recursive: true });
    }
    // The inline programs run in this process and the provider hosts in the work dir: both must see the
    // same project folder, which is where a seed file path inside it is stored relative to.
    fs.mkdirSync(options.workDir, { recursive: true });
    process.chdir(options.workDir);
    const time = () => new Date().toISOString().slice(11, 19);
    const log = (line: string) => console.log(`[rollout ${time()}] ${line}`);
    // Ctrl-C at a terminal reaches the CLIs too (same process group), and each cancels cleanly: here it
    // only stops further stacks from starting. A SIGTERM to this process alone is passed on as one SIGINT
    // to each running CLI (a second would make it stop abruptly).
    const aborter = new AbortController();
    let interrupted = false;
    process.on("SIGINT", () => {
        if (!interrupted) log("interrupted: no further stack starts; waiting for the running ones to cancel");
        interrupted = true;
    });
    process.on("SIGTERM", () => aborter.abort());
    const report = await runShardedRollout(options, log, {
        signal: aborter.signal,
        stopStarting: () => interrupted,
    });
    process.exitCode = report.ok ? 0 : 1;
}

if (require.main === module) {
    main().catch((error: unknown) => {
        console.error(error instanceof Error ? (error.stack ?? error.message) : error);
        process.exit(1);
    });
}
