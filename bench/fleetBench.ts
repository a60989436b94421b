import { execFileSync, spawn } from "node:child_process";
import { setMaxListeners } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { type Stack } from "@pulumi/pulumi/automation";
import { type RandomFaultCounts, type RandomFaultSettings } from "../emulator";
import { pulumiCli, stateRoot } from "../dev/localStack";
import { repoRoot } from "../dev/pulumiCli";
import {
    type BenchTenant,
    EMULATOR_BURST,
    EMULATOR_LATENCY_MS,
    EMULATOR_RATE_PER_SECOND,
    auditActivations,
    deviceStatusCounts,
    requestStats,
    startTenant,
} from "./benchEmulator";
import { BEFORE_COMMIT, BEFORE_STATE_N1000 } from "./before";
import { EMULATOR_CPU_KINDS, type EmulatorCpuRow, measureEmulatorCpu } from "./emulatorCpu";
import { type FleetStack, type UpMeasurement, measureState, measureUp, openFleetStack } from "./fleetRun";
import { runNaive } from "./naiveScript";
import {
    type CheckpointMode,
    type RunRow,
    b4Ms,
    before,
    callsTable,
    endpointTable,
    faultTable,
    growthTable,
    markdownTable,
    modeLabel,
    providerTable,
    runsTable,
    s,
    stateMemoryTable,
    timeTable,
} from "./report";
import { type BenchFiles, removeBenchFiles, writeBenchFiles } from "./seedFiles";

/**
 * `npm run bench`: OathTokenFleet through the real `pulumi up` against a rate-limited PingOne emulator, next
 * to the BEFORE figures (bench/results.md at c6d3c15, quoted) and a naive sequential script, all measured in
 * one run; writes bench/results.md.
 *
 *   --quick              a try-out (~1 min): N=100 only, faults at N=100; results go to a temp file, not
 *                        bench/results.md
 *   --sizes 100,1000,10000   fleet sizes (default); each in every state-write mode, with a no-op re-run
 *   --naive-sizes 100,1000   sizes for the sequential script (default: the sizes up to 1,000; "none" or
 *                        --no-naive to skip)
 *   --fault-n 1000       size of the fault run (default 1000; "none" to skip)
 *   --fault-seed S       seed of the emulator's random faults (default 10)
 *   --parallel P         `pulumi up --parallel` (default DEFAULT_PARALLEL)
 *   --batches B          OathTokenFleet `batches` (default: the fleet's own default)
 *   --rps R / --burst B  client pacing for the provider host (PINGONE_REQUESTS_PER_SECOND / _BURST)
 *   --checkpoints M      both (default) | per-step (Pulumi's default: the state file rewritten after every
 *                        step) | skip (PULUMI_SKIP_CHECKPOINTS=true: written once at the end)
 *   --env KEY=VALUE      extra environment for the CLI (repeatable)
 *   --keep-state         keep the bench backends under .pulumi-state/bench-*
 *   --timeout-min M      the whole bench stops itself after M minutes (default 60)
 *   --emulator-rps R     the emulator's rate limit (default 100, PingOne's; burst = R): raise it with --rps
 *                        to measure large N on this machine in less time (the report says so)
 *   --size N             the opt-in large run (e.g. 100000): --sizes N, per-step checkpoints, the fault run at
 *                        N, no naive script, and --shards 4 (override any of them after --size)
 *   --shards 4,10        also roll N out as K stacks (examples/sharded-rollout/measure.js, its own emulator at
 *                        the same rate; the budget = --rps split between the stacks), after the fleet runs
 *   --emulator-cpu 1000,10000,100000   the emulator's CPU per request while it holds N tokens (default these
 *                        three; "none" to skip). `--sizes none` skips the fleet runs (with --fault-n none and
 *                        --no-naive: the emulator scenario alone, about a minute)
 */

/**
 * Enough steps in flight for every batch (16 by default) at once; each batch works on its tokens 16 at a
 * time and the client's pacer, not the engine, sets the pace. Kept from the BEFORE runs for a like-for-like
 * comparison (their sweep: 16 to 128 made no difference).
 */
const DEFAULT_PARALLEL = 64;
/**
 * Client pacing the bench hands the provider host, as in the BEFORE runs. The provider's default is 90 rps
 * (burst 10): against a limiter of exactly 100/s that leaves 10 % of the budget unused; 100 drew zero 429s
 * (the client's GCRA never exceeds 100/s + 10).
 */
const DEFAULT_RPS = 100;
const DEFAULT_CLIENT_BURST = 10;
/** The issue's fault mix: 5 % of writes fail (503, or a connection cut before or after PingOne acts). */
const FAULT_WRITE_RATE = 0.05;
/** …and a 2 s storm of 429s every 10 s, the first 3 s after `pulumi up` is started (as its first calls go out). */
const FAULT_STORMS = { everyMs: 10_000, durationMs: 2_000, firstAtMs: 3_000 };
/** The N the issue's goals name. */
const GOAL_N = 1000;

interface Args {
    sizes: number[];
    naiveSizes: number[];
    faultN: number | undefined;
    faultSeed: number;
    parallel: number;
    batches: number | undefined;
    rps: number;
    burst: number;
    keepState: boolean;
    timeoutMin: number;
    quick: boolean;
    emulatorCpuSizes: number[];
    emulatorRps: number;
    shards: number[];
    /** Which state-write modes to measure the fleet in, side by side. */
    modes: CheckpointMode[];
    /** Extra environment for the CLI and provider host (`--env KEY=VALUE`, repeatable). */
    extraEnv: Record<string, string>;
}

const benchOptions: ParseArgsOptionsConfig = {
    quick: { type: "boolean" },
    sizes: { type: "string" },
    "naive-sizes": { type: "string" },
    "no-naive": { type: "boolean" },
    "fault-n": { type: "string" },
    "fault-seed": { type: "string" },
    parallel: { type: "string" },
    batches: { type: "string" },
    rps: { type: "string" },
    burst: { type: "string" },
    "keep-state": { type: "boolean" },
    checkpoints: { type: "string" },
    env: { type: "string" },
    "timeout-min": { type: "string" },
    "emulator-cpu": { type: "string" },
    "emulator-rps": { type: "string" },
    size: { type: "string" },
    shards: { type: "string" },
};

function parseBenchArgs(argv: string[]): Args {
    const args: Args = {
        sizes: [100, 1000, 10_000],
        naiveSizes: [],
        faultN: GOAL_N,
        faultSeed: 10,
        parallel: DEFAULT_PARALLEL,
        batches: undefined,
        rps: DEFAULT_RPS,
        burst: DEFAULT_CLIENT_BURST,
        keepState: false,
        timeoutMin: 60,
        quick: false,
        emulatorCpuSizes: [1000, 10_000, 100_000],
        emulatorRps: EMULATOR_RATE_PER_SECOND,
        shards: [],
        modes: ["per-step", "skip"],
        extraEnv: {},
    };
    let naiveSizes: number[] | undefined;
    const list = (v: string | undefined, what: string) => {
        if (v === "none") return [];
        const values = (v ?? "").split(",").map((x) => Number(x.trim()));
        if (!values.length || values.some((x) => !Number.isInteger(x) || x < 1 || x > 100_000))
            throw new Error(`${what} wants whole numbers 1..100000, comma-separated`);
        return values;
    };
    const num = (v: string | undefined, what: string) => {
        const n = Number(v);
        if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} wants a positive number`);
        return n;
    };
    // Not strict, so the messages stay ours: a missing value arrives as undefined, an unknown flag as a token;
    // the tokens come in command-line order, so the first problem is the one named.
    const { tokens } = parseArgs({
        args: argv,
        options: benchOptions,
        strict: false,
        allowPositionals: true,
        tokens: true,
    });
    for (const token of tokens) {
        const v = token.kind === "option" ? token.value : undefined;
        // `-ab` and a switch given a value (`--quick=yes`) are unknown arguments.
        const known =
            token.kind === "option" &&
            token.rawName.startsWith("--") &&
            (v === undefined || benchOptions[token.name]?.type === "string");
        const name = token.kind === "option" && known ? token.name : undefined;
        switch (name) {
            case "quick":
                args.quick = true;
                break;
            case "sizes":
                args.sizes = list(v, "--sizes");
                break;
            case "emulator-rps":
                args.emulatorRps = num(v, "--emulator-rps");
                break;
            case "size": {
                const n = list(v, "--size")[0]!;
                args.sizes = [n];
                args.modes = ["per-step"];
                args.faultN = n;
                naiveSizes = [];
                args.shards = [4];
                args.timeoutMin = Math.max(args.timeoutMin, 150);
                break;
            }
            case "shards":
                args.shards = v === "none" ? [] : list(v, "--shards");
                break;
            case "emulator-cpu":
                args.emulatorCpuSizes = list(v, "--emulator-cpu");
                break;
            case "naive-sizes":
                naiveSizes = list(v, "--naive-sizes");
                break;
            case "no-naive":
                naiveSizes = [];
                break;
            case "fault-n":
                args.faultN = v === "none" ? undefined : list(v, "--fault-n")[0];
                break;
            case "fault-seed":
                args.faultSeed = Math.trunc(num(v, "--fault-seed"));
                break;
            case "parallel":
                args.parallel = num(v, "--parallel");
                break;
            case "batches":
                args.batches = num(v, "--batches");
                break;
            case "rps":
                args.rps = num(v, "--rps");
                break;
            case "burst":
                args.burst = num(v, "--burst");
                break;
            case "keep-state":
                args.keepState = true;
                break;
            case "checkpoints":
                if (v === "both") args.modes = ["per-step", "skip"];
                else if (v === "per-step" || v === "skip") args.modes = [v];
                else throw new Error("--checkpoints wants both, per-step or skip");
                break;
            case "env": {
                const [key, ...rest] = (v ?? "").split("=");
                if (!/^[A-Z_][A-Z0-9_]*$/.test(key) || !rest.length) throw new Error("--env wants KEY=VALUE");
                args.extraEnv[key] = rest.join("=");
                break;
            }
            case "timeout-min":
                args.timeoutMin = num(v, "--timeout-min");
                break;
            default:
                throw new Error(`unknown argument ${argv[token.index]}`);
        }
    }
    if (args.quick) {
        args.sizes = [100];
        args.emulatorCpuSizes = [1000];
        args.faultN = args.faultN === undefined ? undefined : 100;
        args.timeoutMin = Math.min(args.timeoutMin, 10);
    }
    if (!args.sizes.length && !args.emulatorCpuSizes.length)
        throw new Error("--sizes none needs --emulator-cpu sizes: there would be nothing to measure");
    args.naiveSizes = naiveSizes ?? args.sizes.filter((n) => n <= 1000);
    return args;
}

const rows: RunRow[] = [];
/** One line of examples/sharded-rollout/measure.js per K: its first run and its no-op re-run. */
interface ShardedRun {
    k: number;
    n: number;
    budget: number;
    runs: {
        label: string;
        wallSeconds: number;
        exitCode: number;
        calls: number;
        callsPerToken: number;
        rateLimited: number;
        errors: number;
        active: number;
        devices: number;
        duplicateSerials: number;
        missingSerials: number;
        machineBusyPercent: number;
        emulatorCpuSeconds: number;
        processes: Record<string, { count: number; maxPeakMb: number; sumPeakMb: number; cpuSeconds: number }>;
        stateBytes: Record<string, number>;
        report?: { stacks?: { name: string; seconds?: number; tokens?: number }[] };
    }[];
}
const shardedRuns: ShardedRun[] = [];
const emulatorCpuRows: EmulatorCpuRow[] = [];
let currentStack: Stack | undefined;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "pingone-bench-logs-"));

function progress(message: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** The emulator's limit: PingOne's 100 requests/s unless --emulator-rps raises it (burst: one second's worth). */
function emulatorRate(args: Args): { requestsPerSecond: number; burst: number } {
    return args.emulatorRps === EMULATOR_RATE_PER_SECOND
        ? { requestsPerSecond: EMULATOR_RATE_PER_SECOND, burst: EMULATOR_BURST }
        : { requestsPerSecond: args.emulatorRps, burst: args.emulatorRps };
}

/** What the CLI gets for each state-write mode. */
function modeEnv(mode: CheckpointMode): Record<string, string> {
    return mode === "skip" ? { PULUMI_EXPERIMENTAL: "true", PULUMI_SKIP_CHECKPOINTS: "true" } : {};
}

/** A fresh tenant of N users, their seed files and a fresh stack; cleaned up after `body`. */
async function withFleetStack(
    args: Args,
    name: string,
    n: number,
    mode: CheckpointMode,
    body: (fleet: FleetStack, tenant: BenchTenant, files: BenchFiles) => Promise<void>,
    empty = false,
): Promise<void> {
    const tenant = await startTenant(n, emulatorRate(args));
    const files = writeBenchFiles(name, tenant.userIds);
    try {
        const fleet = await openFleetStack(
            name,
            tenant,
            files,
            {
                ...modeEnv(mode),
                ...args.extraEnv,
                PINGONE_REQUESTS_PER_SECOND: String(args.rps),
                PINGONE_REQUEST_BURST: String(args.burst),
            },
            logDir,
            { batches: args.batches, empty },
        );
        currentStack = fleet.stack;
        await body(fleet, tenant, files);
    } finally {
        currentStack = undefined;
        await tenant.emulator.stop();
        removeBenchFiles(files);
        if (!args.keepState) fs.rmSync(path.join(stateRoot, name), { recursive: true, force: true });
    }
}

/** A row from one measured `pulumi up`. */
function upRow(
    args: Args,
    kind: RunRow["kind"],
    label: string,
    n: number,
    mode: CheckpointMode,
    up: UpMeasurement,
    tenant: BenchTenant,
): RunRow {
    const devices = deviceStatusCounts(tenant);
    return {
        kind,
        checkpoints: mode,
        label,
        n,
        parallel: args.parallel,
        pacing: `${args.rps}/${args.burst}`,
        wallMs: up.wallMs,
        cliMs: up.cliMs,
        times: up.times,
        memory: up.memory,
        stats: requestStats(tenant.emulator.requests.slice(up.requestsFrom, up.requestsTo)),
        failures: up.failures,
        firstError: up.firstError,
        active: devices.active,
        devices: devices.total,
        changes: up.changes,
    };
}

function report1(row: RunRow): void {
    progress(
        `  ${s(row.wallMs)} s (pulumi up ${s(row.cliMs)} s), ${row.stats.total} calls, 429s ${row.stats.rateLimited}, ` +
            `ACTIVE ${row.active}/${row.n}, failures ${row.failures}${row.firstError ? ` (${row.firstError.slice(0, 300)})` : ""}, ` +
            `changes ${JSON.stringify(row.changes ?? {})}, RSS MB cli/host ${((row.memory?.cli ?? 0) / 2 ** 20).toFixed(0)}/${((row.memory?.providerHost ?? 0) / 2 ** 20).toFixed(0)}`,
    );
}

/** The fleet's `pulumi up` at N, then a no-op re-run. */
async function fleetRun(args: Args, n: number, mode: CheckpointMode): Promise<void> {
    const name = `bench-fleet-${mode}-n${n}`;
    await withFleetStack(args, name, n, mode, async (fleet, tenant) => {
        progress(`fleet N=${n} ${modeLabel(mode)}: pulumi up…`);
        const up = upRow(
            args,
            "fleet",
            "fleet `pulumi up`",
            n,
            mode,
            await measureUp(fleet, tenant, args.parallel),
            tenant,
        );
        try {
            up.state = measureState(fleet.backendDir);
        } catch (error) {
            progress(`  could not read the checkpoint: ${(error as Error).message}`);
        }
        rows.push(up);
        report1(up);
        progress(`no-op re-run N=${n} ${modeLabel(mode)}: pulumi up…`);
        const noop = upRow(
            args,
            "no-op",
            "no-op re-run",
            n,
            mode,
            await measureUp(fleet, tenant, args.parallel),
            tenant,
        );
        rows.push(noop);
        report1(noop);
    });
}

/** A program with no resources: what `pulumi up` costs by itself (CLI, plugins, state, Automation API). */
async function emptyRun(args: Args, mode: CheckpointMode): Promise<void> {
    await withFleetStack(
        args,
        `bench-empty-${mode}`,
        1,
        mode,
        async (fleet, tenant) => {
            await measureUp(fleet, tenant, args.parallel); // the first run creates the stack resource
            progress(`empty program ${modeLabel(mode)}: pulumi up…`);
            const row = upRow(
                args,
                "empty",
                "empty program (no resources), re-run",
                0,
                mode,
                await measureUp(fleet, tenant, args.parallel),
                tenant,
            );
            rows.push(row);
            report1(row);
        },
        true,
    );
}

/** The fleet under random faults: `pulumi up`, then one re-run, faults on throughout. */
async function faultRun(args: Args, n: number, mode: CheckpointMode): Promise<void> {
    const settings: RandomFaultSettings = {
        seed: args.faultSeed,
        writeFaultRate: FAULT_WRITE_RATE,
        kinds: ["503-before", "drop-before", "drop-after"],
        rateLimitStorms: FAULT_STORMS,
    };
    await withFleetStack(args, `bench-faults-${mode}-n${n}`, n, mode, async (fleet, tenant) => {
        const since = (a: RandomFaultCounts | undefined, b: RandomFaultCounts | undefined): RandomFaultCounts => ({
            byKind: {
                "503-before": (b?.byKind["503-before"] ?? 0) - (a?.byKind["503-before"] ?? 0),
                "drop-before": (b?.byKind["drop-before"] ?? 0) - (a?.byKind["drop-before"] ?? 0),
                "drop-after": (b?.byKind["drop-after"] ?? 0) - (a?.byKind["drop-after"] ?? 0),
            },
            stormAnswers: (b?.stormAnswers ?? 0) - (a?.stormAnswers ?? 0),
        });
        tenant.emulator.setRandomFaults(settings);
        for (const [kind, label] of [
            ["fault-up", "faults: `pulumi up`"],
            ["fault-rerun", "faults: re-run"],
        ] as const) {
            progress(`${label} N=${n} ${modeLabel(mode)}…`);
            const counts = tenant.emulator.randomFaultCounts();
            const up = await measureUp(fleet, tenant, args.parallel);
            const row = upRow(args, kind, label, n, mode, up, tenant);
            row.injected = since(counts, tenant.emulator.randomFaultCounts());
            row.audit = auditActivations(tenant, tenant.emulator.requests);
            rows.push(row);
            report1(row);
            progress(`  faults ${JSON.stringify(row.injected)}, audit ${JSON.stringify(row.audit)}`);
        }
    });
}

/**
 * N tokens as K stacks: examples/sharded-rollout/measure.js (the roll-out through the Automation API, K
 * stacks at once on one budget, each with its own CLI and provider host; its own emulator at the same rate),
 * then its no-op re-run. A child process, so its memory figures are its own.
 */
async function shardedRun(args: Args, n: number, k: number): Promise<void> {
    const out = path.join(logDir, `sharded-n${n}-k${k}.jsonl`);
    const argv = [
        path.join(repoRoot, "dist", "examples", "sharded-rollout", "measure.js"),
        ...["--n", String(n), "--shards", String(k), "--budget", String(args.rps), "--burst", String(args.burst)],
        ...["--emulator-rps", String(args.emulatorRps), "--parallel", String(args.parallel), "--out", out],
    ];
    progress(`sharded N=${n} K=${k} (budget ${args.rps} req/s): ${argv.slice(1).join(" ")}`);
    const child = spawn(process.execPath, argv, { stdio: ["ignore", "inherit", "inherit"] });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    if (!fs.existsSync(out)) {
        progress(`  sharded run wrote no results (exit ${code})`);
        return;
    }
    const line = JSON.parse(fs.readFileSync(out, "utf8").trim().split("\n").pop()!) as { runs: ShardedRun["runs"] };
    shardedRuns.push({ k, n, budget: args.rps, runs: line.runs });
}

function shardedTable(): string {
    const lines: string[][] = [];
    for (const r of shardedRuns)
        for (const run of r.runs) {
            const floor = (2 * r.n) / r.budget;
            const p = (kind: string) => run.processes[kind];
            const stateMb = Object.values(run.stateBytes).map((b) => b / 2 ** 20);
            lines.push([
                String(r.k),
                run.label,
                r.n.toLocaleString("en-US"),
                String(r.budget),
                run.wallSeconds.toFixed(1),
                run.label.includes("no-op") ? "-" : `${(run.wallSeconds / floor).toFixed(2)}×`,
                String(run.calls),
                run.callsPerToken.toFixed(3),
                `${run.rateLimited} / ${run.errors}`,
                `${run.active.toLocaleString("en-US")} / ${r.n.toLocaleString("en-US")}`,
                `${run.duplicateSerials} / ${run.missingSerials}`,
                `${p("orchestrator")?.maxPeakMb ?? "-"} / ${p("cli")?.maxPeakMb ?? "-"} / ${p("provider host")?.maxPeakMb ?? "-"} (sum ${p("provider host")?.sumPeakMb ?? "-"})`,
                `${p("orchestrator")?.cpuSeconds ?? "-"} / ${p("cli")?.cpuSeconds ?? "-"} / ${p("provider host")?.cpuSeconds ?? "-"} / ${run.emulatorCpuSeconds}`,
                stateMb.length ? `${Math.min(...stateMb).toFixed(1)}–${Math.max(...stateMb).toFixed(1)}` : "-",
                String(run.exitCode),
            ]);
        }
    return markdownTable(
        [
            "K stacks",
            "run",
            "N",
            "budget req/s",
            "wall s",
            "× floor (2N ÷ budget)",
            "calls",
            "calls/token",
            "429s / other errors",
            "ACTIVE / N",
            "dup / missing serials",
            "peak RSS MB: orchestrator (K programs) / CLI (max) / provider host (max, sum)",
            "CPU s: orchestrator / CLIs / provider hosts / emulator",
            "state MB per stack",
            "exit",
        ],
        lines,
    );
}

async function naiveRun(n: number): Promise<void> {
    const tenant: BenchTenant = await startTenant(n);
    const files = writeBenchFiles(`naive-n${n}`, tenant.userIds);
    try {
        progress(`naive sequential N=${n}…`);
        const result = await runNaive(tenant, files.tokens);
        const devices = deviceStatusCounts(tenant);
        const row: RunRow = {
            kind: "naive",
            label: "naive sequential script",
            n,
            wallMs: result.wallMs,
            stats: requestStats(tenant.emulator.requests),
            failures: result.failures,
            firstError: result.firstError,
            active: devices.active,
            devices: devices.total,
        };
        rows.push(row);
        report1(row);
    } finally {
        await tenant.emulator.stop();
        removeBenchFiles(files);
    }
}

function pulumiVersion(command: string): string {
    try {
        return execFileSync(command, ["version"], { encoding: "utf8" }).trim();
    } catch {
        return "unknown";
    }
}

const yes = (ok: boolean | undefined) => (ok === undefined ? "not run" : ok ? "yes" : "**no**");

/** The issue's goals: target, BEFORE (quoted), measured now, met. */
function goalsTable(): string {
    const find = (kind: RunRow["kind"], mode: CheckpointMode | undefined, n = GOAL_N) =>
        rows.find((r) => r.kind === kind && r.checkpoints === mode && r.n === n);
    const b4 = b4Ms(GOAL_N);
    const lines: string[][] = [];
    for (const [mode, factor] of [
        ["per-step", 1.5],
        ["skip", 0.6],
    ] as const) {
        const r = find("fleet", mode);
        const was = r ? before(r) : undefined;
        lines.push([
            `N=${GOAL_N}, ${modeLabel(mode)}: fleet \`pulumi up\``,
            `≤ ${factor} × B4 = ${s(factor * b4)} s`,
            was ? `${was.wallS.toFixed(1)} s (${((was.wallS * 1000) / b4).toFixed(2)}× B4)` : "-",
            r
                ? `${s(r.wallMs)} s \`stack.up()\` (${(r.wallMs / b4).toFixed(2)}× B4); \`pulumi up\` process ${s(r.cliMs)} s`
                : "-",
            yes(r && r.wallMs <= factor * b4 && r.failures === 0 && r.active === r.n),
        ]);
    }
    const callRows = rows.filter((r) => r.kind === "fleet" && r.n === GOAL_N);
    const worst = callRows.sort((a, b) => b.stats.total - a.stats.total)[0];
    lines.push([
        `N=${GOAL_N}: API calls per token (all calls ÷ N, token request included)`,
        "≤ 2.1",
        "4.00 (4,001 calls)",
        worst
            ? callRows
                  .map((r) => `${(r.stats.total / r.n).toFixed(3)} (${modeLabel(r.checkpoints)}: ${r.stats.total})`)
                  .join("; ")
            : "-",
        yes(worst && worst.stats.total / worst.n <= 2.1),
    ]);
    for (const mode of ["per-step", "skip"] as const) {
        const r = find("no-op", mode);
        const was = r ? before(r) : undefined;
        lines.push([
            `N=${GOAL_N}, ${modeLabel(mode)}: no-op re-run`,
            "≤ 3 s engine time (the `pulumi up` process), 0 API calls",
            was ? `${was.wallS.toFixed(1)} s \`stack.up()\`, 0 calls` : "-",
            r ? `${s(r.cliMs)} s \`pulumi up\` process (\`stack.up()\` ${s(r.wallMs)} s), ${r.stats.total} calls` : "-",
            yes(r && r.cliMs !== undefined && r.cliMs <= 3000 && r.stats.total === 0 && r.failures === 0),
        ]);
    }
    const stateRows = rows.filter((r) => r.kind === "fleet" && r.state);
    const perToken = stateRows.map((r) => ({ r, b: r.state!.bytes / r.n }));
    const largestPerToken = perToken.sort((a, b) => b.b - a.b)[0];
    lines.push([
        "state per token (checkpoint bytes ÷ N, every fleet run)",
        "≤ 2 KB (2,048 B)",
        `${Math.round(BEFORE_STATE_N1000.bytes / 1000).toLocaleString("en-US")} B (N=1000)`,
        largestPerToken
            ? stateRows
                  .filter((r) => r.checkpoints === stateRows[0]!.checkpoints)
                  .sort((a, b) => a.n - b.n)
                  .map((r) => `N=${r.n}: ${Math.round(r.state!.bytes / r.n).toLocaleString("en-US")} B`)
                  .join(", ") + ` (largest: ${Math.round(largestPerToken.b).toLocaleString("en-US")} B)`
            : "-",
        yes(largestPerToken && largestPerToken.b <= 2048),
    ]);
    // Linear: what each added token costs is the same from 100 to 1,000 as from 1,000 to 10,000.
    for (const mode of ["per-step", "skip"] as const) {
        const byN = rows
            .filter((r) => r.kind === "fleet" && r.checkpoints === mode && r.state)
            .sort((a, b) => a.n - b.n);
        if (byN.length < 3) continue;
        const [a, b, c] = [byN[0]!, byN[byN.length - 2]!, byN[byN.length - 1]!];
        const marginal = (x: RunRow, y: RunRow, f: (r: RunRow) => number) => (f(y) - f(x)) / (y.n - x.n);
        const bytesAB = marginal(a, b, (r) => r.state!.bytes);
        const bytesBC = marginal(b, c, (r) => r.state!.bytes);
        const msAB = marginal(a, b, (r) => r.wallMs);
        const msBC = marginal(b, c, (r) => r.wallMs);
        const ratio = bytesBC / bytesAB;
        lines.push([
            `growth ${a.n} → ${b.n} → ${c.n}, ${modeLabel(mode)}: state (and time) per added token`,
            "linear: the cost of an added token does not grow (ratio ≤ 1.1)",
            "state linear (11,479 → 11,457 B/token); time not (N=1000 per-step: 7.6× the N=100 rate)",
            `state ${bytesAB.toFixed(0)} → ${bytesBC.toFixed(0)} B per added token (ratio ${ratio.toFixed(2)}); ` +
                `time ${msAB.toFixed(1)} → ${msBC.toFixed(1)} ms per added token (ratio ${(msBC / msAB).toFixed(2)})`,
            yes(ratio <= 1.1 && msBC / msAB <= 1.1),
        ]);
    }
    const up = rows.find((r) => r.kind === "fault-up");
    const rerun = rows.find((r) => r.kind === "fault-rerun");
    lines.push([
        `faults at N=${up?.n ?? GOAL_N} (5 % of writes: 503 / drop before / drop after; 429 storms): every token ACTIVE`,
        "after at most one re-run",
        "not measured",
        up && rerun
            ? `${up.active} / ${up.n} after \`pulumi up\` (${up.failures} failed ops), ${rerun.active} / ${rerun.n} after the re-run (${rerun.failures} failed ops)`
            : "-",
        yes(rerun && rerun.active === rerun.n && rerun.failures === 0),
    ]);
    const audit = rerun?.audit;
    lines.push([
        "faults: duplicate devices",
        "0",
        "not measured",
        audit
            ? `${audit.duplicateBySerial} by serial, ${audit.duplicateByUser} by user (${audit.devices} devices for ${rerun!.n} tokens)`
            : "-",
        yes(audit && audit.duplicateBySerial === 0 && audit.duplicateByUser === 0 && audit.devices === rerun!.n),
    ]);
    lines.push([
        "faults: repeated activations (more than one accepted per device)",
        "0",
        "not measured",
        audit
            ? `${audit.devicesAcceptedTwice} devices; max accepted per device ${audit.maxAcceptedPerDevice}; ${audit.activateCalls} activate calls in all (${audit.accepted} accepted, max ${audit.maxCallsPerDevice} per device, ${audit.callsAfterAccepted} after an accepted one)`
            : "-",
        yes(audit && audit.devicesAcceptedTwice === 0),
    ]);
    return markdownTable(["goal (issue 10)", "target", `before (${BEFORE_COMMIT}, quoted)`, "now", "met?"], lines);
}

function emulatorCpuTable(cpuRows: EmulatorCpuRow[]): string {
    const us = (v: number) => Math.round(v).toLocaleString("en-US");
    const first = cpuRows[0]!;
    return markdownTable(
        [
            "tokens held",
            "requests",
            "CPU µs/request (all)",
            `÷ N=${first.held.toLocaleString("en-US")}`,
            ...EMULATOR_CPU_KINDS,
        ],
        cpuRows.map((r) => [
            r.held.toLocaleString("en-US"),
            String(r.requests),
            us(r.cpuUsPerRequest),
            (r.cpuUsPerRequest / first.cpuUsPerRequest).toFixed(2),
            ...EMULATOR_CPU_KINDS.map((k) => us(r.byKind[k] ?? 0)),
        ]),
    );
}

async function emulatorCpuRun(n: number): Promise<void> {
    progress(`emulator CPU per request at ${n} tokens held…`);
    const row = await measureEmulatorCpu(n);
    emulatorCpuRows.push(row);
    progress(`  ${row.cpuUsPerRequest.toFixed(0)} µs/request over ${row.requests} requests, ${s(row.wallMs)} s`);
}

function report(args: Args, cliVersion: string, startedAt: Date, complete: boolean): string {
    const order = (r: RunRow) => ["empty", "fleet", "no-op", "fault-up", "fault-rerun", "naive"].indexOf(r.kind);
    const byN = (a: RunRow, b: RunRow) =>
        a.n - b.n || (a.checkpoints ?? "").localeCompare(b.checkpoints ?? "") || order(a) - order(b);
    const main = rows.filter((r) => r.kind === "fleet" || r.kind === "no-op").sort(byN);
    const naive = rows.filter((r) => r.kind === "naive").sort(byN);
    const faults = rows.filter((r) => r.kind === "fault-up" || r.kind === "fault-rerun");
    const empty = rows.filter((r) => r.kind === "empty");
    const cpus = os.cpus();
    const out: string[] = [];
    /** Each block, then a blank line. */
    const add = (...blocks: string[]) => {
        for (const block of blocks) out.push(block, "");
    };
    add(`# OathTokenFleet benchmark${complete ? "" : " (INCOMPLETE: stopped early)"}`);
    const command = ["node dist/bench/fleetBench.js", ...process.argv.slice(2)].join(" ");
    add(
        `${startedAt.toISOString()} · \`${command}\` · ` +
            `${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, load ${os
                .loadavg()
                .map((l) => l.toFixed(1))
                .join("/")} at the end · node ${process.version} · pulumi ${cliVersion}`,
    );
    add(
        `Emulator (fresh per run, 127.0.0.1): latency ${EMULATOR_LATENCY_MS} ms, rate limit ${emulatorRate(args).requestsPerSecond} req/s over all requests (token endpoint included), burst ${emulatorRate(args).burst}` +
            (args.emulatorRps !== EMULATOR_RATE_PER_SECOND
                ? ` (**RAISED** from PingOne's ${EMULATOR_RATE_PER_SECOND} req/s for this run, with the client's pacing, so a large N fits the time; the floor 2N ÷ pacing is what each run is compared with)`
                : "") +
            ". " +
            `Fleet: \`new OathTokenFleet(...)\` (${args.batches ?? "default 16"} \`OathTokenBatch\` resources) from a generated plain-value PSKC (HOTP, 20-byte secrets) and a \`serialNumber,userId\` CSV, one user per token; real \`pulumi up --parallel ${args.parallel}\` via the Automation API, fresh file backend per fleet. ` +
            `**Client pacing**: the bench gives the provider host PINGONE_REQUESTS_PER_SECOND=${args.rps}, PINGONE_REQUEST_BURST=${args.burst}, as the BEFORE runs did (the provider's own default is 90/10).`,
    );
    add(
        `BEFORE = \`bench/results.md\` as committed at ${BEFORE_COMMIT} (three resources per token, 4 calls per token), quoted, not re-measured; same emulator, pacing and parallelism. ` +
            "B4 = 4N/100 s, the old rate-limit bound (40 s at N=1000). " +
            "`stack.up()` s = the Automation API call, as BEFORE measured its wall time (it runs `stack output` and `stack history` after `pulumi up`); " +
            "`pulumi up` process s = the CLI process alone, spawn to exit. Writes = POST/PUT/DELETE below /v1, reads = GET; token requests are counted apart; " +
            '"calls (all)" is every request the emulator saw (token endpoint and 429s included), which is what the limit counts.',
    );
    if (main.length || faults.length) {
        add("## Goals");
        add(goalsTable());
    }
    if (emulatorCpuRows.length) {
        add("## Emulator CPU per request, by tokens held");
        add(
            "The emulator alone (no latency, no rate limit), holding N tokens each paired to its own user (ACTIVE): 200 rounds of 8 requests sent one at a time over HTTP " +
                "(look up a user by name and a token by serial, pair and activate a spare token, list the user's devices, read the token, a 10-token create job, revoke another user's paired token). " +
                "CPU = this process's user + system CPU around each request (client and server share it; the client's part does not depend on N). Flat across N is the goal.",
        );
        add(emulatorCpuTable(emulatorCpuRows));
    }
    // The emulator scenario alone (`--sizes none`) has no fleet runs to tabulate.
    if (main.length || naive.length || faults.length) {
        add("## Runs, before and after");
        add(runsTable([...main, ...naive]));
        add(
            "The naive sequential script is the user's alternative: one token request, then per token POST oathTokens, POST devices, GET the device, POST activate, one call after another, no pacing and no retries. " +
                "It is not run at N=10,000 (4 calls × 52 ms × 10,000 ≈ 35 min; it scales linearly: BEFORE 100 → 1,000 was 1.01× per token).",
        );
        add("## Calls per token");
        add(callsTable([...main, ...faults, ...naive]));
        add("## State and peak memory");
        add(stateMemoryTable([...empty, ...main, ...faults]));
        add(
            "Peak RSS: each process's VmHWM (the kernel's high-water mark), read from /proc every 250 ms for every descendant of the bench: the `pulumi up` CLI, and the provider host (node running `@pulumi/pulumi/cmd/dynamic-provider`). " +
                "The inline program runs inside the bench process, next to the emulator; its RSS (sampled) is the last column.",
        );
        const growth = growthTable(rows);
        if (growth) add("## Growth 100 → 1,000 → 10,000", growth);
        add("## Where the time goes");
        add(timeTable([...empty, ...main, ...faults]));
        add(
            "One clock (this process): the CLI spawned → the inline program starts (in this process) → `new OathTokenFleet` returns (the seed file and CSV read, fingerprints computed) → " +
                "the first API call (the engine registers the batches; the provider host starts, reads the seed file and checks each batch: its token request is the first call) → the last call → the CLI exits (last outputs, checkpoint, shutdown) → `stack.up()` returns. " +
                "The empty program's row is what `pulumi up` costs with nothing to do.",
        );
        if (faults.length) {
            add(
                `## Faults (N=${faults[0]!.n}, ${modeLabel(faults[0]!.checkpoints)})`,
                `Emulator random faults, seed ${args.faultSeed}: ${FAULT_WRITE_RATE * 100} % of writes (POST/PUT/DELETE below /v1) answered 503 without acting, or their connection cut before or after PingOne acts (one kind each, uniformly); ` +
                    `and a 429 storm of ${FAULT_STORMS.durationMs / 1000} s every ${FAULT_STORMS.everyMs / 1000} s (every request answered 429 with Retry-After = the rest of the storm), the first ${FAULT_STORMS.firstAtMs / 1000} s after the first \`pulumi up\` is started. Faults stay on for the re-run. ` +
                    "Accepted activation = an activate call PingOne answered 200 (including those whose answer was then cut). The audit columns count everything so far (both runs).",
            );
            add(faultTable(faults));
        }
    }
    if (shardedRuns.length) {
        add(
            "## N as K stacks (examples/sharded-rollout, one budget)",
            "`examples/sharded-rollout/measure.js` per K: the K stacks run at once through the Automation API, each provider host paced at budget ÷ K, against one emulator (its own, same latency and rate as above); then the same command again (no-op re-run). " +
                "Peak RSS and CPU per process kind from /proc every 250 ms; the orchestrator runs the K inline programs.",
            shardedTable(),
        );
    }
    const largest = [...main].filter((r) => r.kind === "fleet" && r.state).sort((a, b) => b.n - a.n)[0];
    if (largest?.state) {
        add(
            `## State by resource type (fleet N=${largest.n}, ${modeLabel(largest.checkpoints)}: checkpoint ${largest.state.bytes.toLocaleString("en-US")} bytes, ${largest.state.resources} resources; BEFORE at N=1000: ${BEFORE_STATE_N1000.bytes.toLocaleString("en-US")} bytes, ${BEFORE_STATE_N1000.resources} resources)`,
            providerTable(largest),
        );
    }
    const endpointN = args.sizes.includes(GOAL_N) ? GOAL_N : Math.max(...args.sizes);
    const endpoints = endpointTable([
        ...main.filter((r) => r.n === endpointN && r.kind === "fleet"),
        ...faults,
        ...naive.filter((r) => r.n === endpointN),
    ]);
    if (endpoints) add(`## Calls by endpoint (fleet and naive at N=${endpointN}; the fault runs)`, endpoints);
    const errors = rows.filter((r) => r.firstError);
    if (errors.length)
        add(
            "## First error per run",
            errors.map((r) => `- ${r.label} N=${r.n} (${modeLabel(r.checkpoints)}): ${r.firstError}`).join("\n"),
        );
    return out.join("\n");
}

async function main(): Promise<void> {
    // The emulator (in this process) hangs one abort listener per request waiting out its latency on a
    // single signal; at 100 requests in flight Node would warn about a leak that is not one.
    setMaxListeners(5000);
    const args = parseBenchArgs(process.argv.slice(2));
    // A try-out, or the emulator scenario alone, never replaces the committed results.
    const resultsFile =
        args.quick || !args.sizes.length
            ? path.join(logDir, "results.quick.md")
            : path.join(repoRoot, "bench", "results.md");
    const startedAt = new Date();
    const cli = await pulumiCli();
    const cliVersion = pulumiVersion(cli.command);
    let finished = false;

    const watchdog = setTimeout(() => {
        if (finished) return;
        progress(`time limit of ${args.timeoutMin} min reached: stopping.`);
        void currentStack?.cancel().catch(() => undefined);
        const text = report(args, cliVersion, startedAt, false);
        fs.writeFileSync(resultsFile, text + "\n");
        process.stdout.write(text + "\n");
        setTimeout(() => process.exit(2), 2000).unref();
    }, args.timeoutMin * 60_000);
    watchdog.unref();

    progress(
        `sizes ${args.sizes.join(",")}, modes ${args.modes.join(",")}, faults at ${args.faultN ?? "none"}, naive ${args.naiveSizes.join(",") || "none"}, parallel ${args.parallel}, pacing ${args.rps}/${args.burst}; pulumi logs in ${logDir}`,
    );
    for (const n of [...args.emulatorCpuSizes].sort((a, b) => a - b)) await emulatorCpuRun(n);
    if (args.sizes.length) for (const mode of args.modes) await emptyRun(args, mode);
    for (const n of [...args.sizes].sort((a, b) => a - b)) for (const mode of args.modes) await fleetRun(args, n, mode);
    if (args.faultN !== undefined) await faultRun(args, args.faultN, args.modes[0]!);
    for (const k of args.shards) for (const n of args.sizes) await shardedRun(args, n, k);
    for (const n of [...args.naiveSizes].sort((a, b) => a - b)) await naiveRun(n);

    finished = true;
    clearTimeout(watchdog);
    const text = report(args, cliVersion, startedAt, true);
    fs.writeFileSync(resultsFile, text + "\n");
    process.stdout.write(text + "\n");
    progress(`wrote ${path.relative(repoRoot, resultsFile)}; pulumi logs in ${logDir}`);
    const failed = rows.some(
        (r) => (r.kind === "fleet" || r.kind === "no-op" || r.kind === "fault-rerun") && r.failures > 0,
    );
    if (failed) process.exitCode = 1;
}

main().catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
});
