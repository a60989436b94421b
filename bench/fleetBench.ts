import { execFileSync } from "node:child_process";
import { setMaxListeners } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type ParseArgsOptionsConfig, parseArgs } from "node:util";
import { type Stack } from "@pulumi/pulumi/automation";
import { pulumiCli, stateRoot } from "../dev/localStack";
import { repoRoot } from "../dev/pulumiCli";
import {
    type BenchTenant,
    EMULATOR_BURST,
    EMULATOR_LATENCY_MS,
    EMULATOR_RATE_PER_SECOND,
    deviceStatusCounts,
    requestStats,
    startTenant,
} from "./benchEmulator";
import { type FleetStack, measureState, measureUp, openFleetStack } from "./fleetRun";
import { runNaive } from "./naiveScript";
import {
    type CheckpointMode,
    type RunRow,
    boundMs,
    endpointTable,
    modeLabel,
    providerTable,
    runsTable,
    scalingTable,
    timeTable,
} from "./report";
import { removeBenchFiles, writeBenchFiles } from "./seedFiles";

/**
 * `npm run bench`: OathTokenFleet through the real `pulumi up` against a rate-limited PingOne emulator,
 * next to a naive sequential script and the bound the rate limit sets, all measured in one run.
 *
 *   --quick              N = 20 only (a try-out)
 *   --sizes 100,1000     fleet and naive sizes (default 100,1000)
 *   --sweep 16,64,128    parallelism values tried on the smallest size first ("none" to skip)
 *   --parallel P         `pulumi up --parallel` for the main runs (default DEFAULT_PARALLEL)
 *   --rps R / --burst B  client pacing for the provider host (PINGONE_REQUESTS_PER_SECOND / _BURST)
 *   --compare-rps 90     pacing values also measured at the largest N, skip mode ("none" to skip)
 *   --no-naive           skip the sequential script
 *   --checkpoints M      both (default) | per-step (Pulumi's default: the whole state file rewritten after
 *                        every step) | skip (PULUMI_SKIP_CHECKPOINTS=true: written once at the end)
 *   --env KEY=VALUE      extra environment for the CLI (repeatable), e.g. PULUMI_SKIP_CHECKPOINTS=true
 *   --keep-state         keep the bench backends under .pulumi-state/bench-*
 *   --timeout-min M      the whole bench stops itself after M minutes (default 60)
 */

/**
 * From the sweep: at 50 ms latency every value from 8 (the CLI default, 4 × CPUs here) to 256 gave the
 * same wall time, because the client's pacer, not concurrency, sets the pace (N=1000, state written
 * once: 16/32/64/128 → 51.5–52.0 s at 90 rps). Requests in flight needed ≈ rate × time per operation;
 * 64 covers 100/s up to ~600 ms per operation (real PingOne latency plus engine overhead) and costs
 * nothing here, while far larger values only queue in the pacer.
 */
const DEFAULT_PARALLEL = 64;
/**
 * Client pacing the bench hands the provider host. The provider's default is 90 rps (burst 10): against
 * a limiter of exactly 100/s that leaves 10 % of the budget unused (N=1000: API span 44.4 s vs 40 s);
 * 100 gave zero 429s (the client's GCRA never exceeds 100/s + 10), 110 drew 429s and was slower.
 */
const DEFAULT_RPS = 100;
const DEFAULT_CLIENT_BURST = 10;

interface Args {
    sizes: number[];
    sweep: number[];
    parallel: number;
    rps: number;
    burst: number;
    naive: boolean;
    keepState: boolean;
    timeoutMin: number;
    quick: boolean;
    /** Client pacing values also tried (skip mode, largest N, main parallelism). */
    compareRps: number[];
    /** Which state-write modes to measure the fleet in, side by side. */
    modes: CheckpointMode[];
    /** Extra environment for the CLI and provider host (`--env KEY=VALUE`, repeatable). */
    extraEnv: Record<string, string>;
}

const benchOptions: ParseArgsOptionsConfig = {
    quick: { type: "boolean" },
    sizes: { type: "string" },
    sweep: { type: "string" },
    parallel: { type: "string" },
    "compare-rps": { type: "string" },
    rps: { type: "string" },
    burst: { type: "string" },
    "no-naive": { type: "boolean" },
    "keep-state": { type: "boolean" },
    checkpoints: { type: "string" },
    env: { type: "string" },
    "timeout-min": { type: "string" },
};

function parseBenchArgs(argv: string[]): Args {
    const args: Args = {
        sizes: [100, 1000],
        sweep: [16, 64, 128],
        parallel: DEFAULT_PARALLEL,
        rps: DEFAULT_RPS,
        burst: DEFAULT_CLIENT_BURST,
        naive: true,
        keepState: false,
        timeoutMin: 60,
        quick: false,
        modes: ["per-step", "skip"],
        compareRps: [90],
        extraEnv: {},
    };
    const list = (v: string | undefined, what: string) => {
        if (v === "none") return [];
        const values = (v ?? "").split(",").map((x) => Number(x.trim()));
        if (!values.length || values.some((x) => !Number.isInteger(x) || x < 1 || x > 5000))
            throw new Error(`${what} wants whole numbers 1..5000, comma-separated`);
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
        // As before, `-ab` and a switch given a value (`--quick=yes`) are unknown arguments.
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
            case "sweep":
                args.sweep = list(v, "--sweep");
                break;
            case "parallel":
                args.parallel = num(v, "--parallel");
                break;
            case "compare-rps":
                args.compareRps = list(v, "--compare-rps");
                break;
            case "rps":
                args.rps = num(v, "--rps");
                break;
            case "burst":
                args.burst = num(v, "--burst");
                break;
            case "no-naive":
                args.naive = false;
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
        args.sizes = [20];
        args.sweep = args.sweep.length ? [16, 64] : [];
        args.timeoutMin = Math.min(args.timeoutMin, 10);
    }
    if (!args.sizes.length) throw new Error("--sizes needs at least one size");
    return args;
}

const rows: RunRow[] = [];
let currentStack: Stack | undefined;
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "pingone-bench-logs-"));
const resultsFile = path.join(repoRoot, "bench", "results.md");

function progress(message: string): void {
    process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

/** What the CLI gets for each state-write mode. */
function modeEnv(mode: CheckpointMode): Record<string, string> {
    return mode === "skip" ? { PULUMI_EXPERIMENTAL: "true", PULUMI_SKIP_CHECKPOINTS: "true" } : {};
}

async function fleetRun(
    args: Args,
    n: number,
    parallel: number,
    kind: "fleet" | "sweep",
    mode: CheckpointMode,
    withNoop: boolean,
    rps = args.rps,
): Promise<void> {
    const tenant = await startTenant(n);
    const files = writeBenchFiles(`n${n}`, tenant.userIds);
    const name = `bench-${kind}-${mode}-n${n}-p${parallel}-r${rps}`;
    const pacing = `${rps}/${args.burst}`;
    let fleet: FleetStack | undefined;
    try {
        fleet = await openFleetStack(
            name,
            tenant,
            files,
            {
                ...modeEnv(mode),
                ...args.extraEnv,
                PINGONE_REQUESTS_PER_SECOND: String(rps),
                PINGONE_REQUEST_BURST: String(args.burst),
            },
            logDir,
        );
        currentStack = fleet.stack;
        progress(`${kind} N=${n} parallel=${parallel} pacing=${pacing} ${modeLabel(mode)}: pulumi up…`);
        const up = await measureUp(fleet, tenant, parallel);
        const devices = deviceStatusCounts(tenant);
        const row: RunRow = {
            kind,
            checkpoints: mode,
            label:
                kind === "sweep"
                    ? `sweep: fleet up, parallel ${parallel}${rps === args.rps ? "" : `, pacing ${rps}/s`}`
                    : "fleet `pulumi up`",
            n,
            parallel,
            pacing,
            wallMs: up.wallMs,
            stats: requestStats(tenant.emulator.requests.slice(up.requestsFrom, up.requestsTo)),
            failures: up.failures,
            firstError: up.firstError,
            active: devices.active,
            devices: devices.total,
            changes: up.changes,
        };
        try {
            row.state = measureState(fleet.backendDir);
        } catch (error) {
            progress(`  could not read the checkpoint: ${(error as Error).message}`);
        }
        rows.push(row);
        progress(
            `  ${(up.wallMs / 1000).toFixed(1)} s, ${row.stats.total} calls (${(up.wallMs / boundMs(row)).toFixed(2)}× bound), 429s ${row.stats.rateLimited}, ACTIVE ${devices.active}/${n}, failures ${up.failures}${up.firstError ? ` (${up.firstError})` : ""}`,
        );

        if (withNoop) {
            progress(`no-op re-run N=${n}: pulumi up…`);
            const again = await measureUp(fleet, tenant, parallel);
            const after = deviceStatusCounts(tenant);
            const noop: RunRow = {
                kind: "no-op",
                checkpoints: mode,
                label: "no-op re-run",
                n,
                parallel,
                pacing,
                wallMs: again.wallMs,
                stats: requestStats(tenant.emulator.requests.slice(again.requestsFrom, again.requestsTo)),
                failures: again.failures,
                firstError: again.firstError,
                active: after.active,
                devices: after.total,
                changes: again.changes,
            };
            rows.push(noop);
            progress(
                `  ${(again.wallMs / 1000).toFixed(1)} s, ${noop.stats.total} calls, ${noop.stats.writes} writes, changes ${JSON.stringify(again.changes)}`,
            );
        }
    } finally {
        currentStack = undefined;
        await tenant.emulator.stop();
        removeBenchFiles(files);
        if (!args.keepState) fs.rmSync(path.join(stateRoot, name), { recursive: true, force: true });
    }
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
        progress(
            `  ${(result.wallMs / 1000).toFixed(1)} s, ${row.stats.total} calls, ACTIVE ${devices.active}/${n}, failures ${result.failures}`,
        );
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

function report(args: Args, cliVersion: string, startedAt: Date, complete: boolean): string {
    const main = rows.filter((r) => r.kind !== "sweep");
    const sweep = rows.filter((r) => r.kind === "sweep");
    const fleetRows = rows.filter((r) => r.kind === "fleet");
    const largest = [...fleetRows].sort((a, b) => b.n - a.n)[0];
    const fleetLike = rows.filter((r) => r.kind === "fleet" || r.kind === "sweep" || r.kind === "no-op");
    const noops = rows.filter((r) => r.kind === "no-op");
    const cpus = os.cpus();
    const out: string[] = [];
    out.push(`# OathTokenFleet benchmark${complete ? "" : " (INCOMPLETE: stopped early)"}`);
    out.push("");
    const command = ["node dist/bench/fleetBench.js", ...process.argv.slice(2)].join(" ");
    out.push(
        `${startedAt.toISOString()} · \`${command}\` · ` +
            `${cpus.length} × ${cpus[0]?.model.trim() ?? "cpu"}, load ${os
                .loadavg()
                .map((l) => l.toFixed(1))
                .join("/")} at the end · node ${process.version} · pulumi ${cliVersion}`,
    );
    out.push("");
    out.push(
        `Emulator (fresh per run, 127.0.0.1): latency ${EMULATOR_LATENCY_MS} ms, rate limit ${EMULATOR_RATE_PER_SECOND} req/s over all requests (token endpoint included), burst ${EMULATOR_BURST}. ` +
            `Fleet: \`OathTokenFleet.fromFiles\` from a generated plain-value PSKC (HOTP, 20-byte secrets) and a \`serialNumber,userId\` CSV, real \`pulumi up\` via the Automation API, fresh file backend. ` +
            `Client pacing given to the provider host: PINGONE_REQUESTS_PER_SECOND=${args.rps}, PINGONE_REQUEST_BURST=${args.burst}; main runs use \`parallel: ${args.parallel}\`.`,
    );
    out.push("");
    out.push(
        'Writes = POST/PUT/DELETE below /v1, reads = GET; token requests are counted apart. "calls (all)" is every request the emulator saw (token endpoint and 429s included), which is what the limit counts; bound = calls ÷ 100/s. API span = first to last request.',
    );
    out.push("");
    out.push("## Runs");
    out.push("");
    out.push(runsTable(main));
    out.push("");
    if (sweep.length) {
        out.push("## Parallelism sweep");
        out.push("");
        out.push(runsTable(sweep));
        out.push("");
    }
    const scaling = scalingTable(rows);
    if (scaling) {
        out.push("## Growth");
        out.push("");
        out.push(scaling);
        out.push("");
    }
    const times = timeTable(rows);
    if (times) {
        out.push("## Where the time goes");
        out.push("");
        out.push(times);
        out.push("");
    }
    out.push("## Targets");
    out.push("");
    const targetLines: string[] = ["| target | measured | met |", "|---|---|---|"];
    const maxN = Math.max(0, ...fleetRows.map((r) => r.n));
    for (const r of fleetRows.filter((x) => x.n === maxN)) {
        const ratio = r.wallMs / boundMs(r);
        targetLines.push(
            `| fleet ≤ 1.5× the rate-limit bound at N=${r.n}, ${modeLabel(r.checkpoints)} | ${ratio.toFixed(2)}× (${(r.wallMs / 1000).toFixed(1)} s vs ${(boundMs(r) / 1000).toFixed(1)} s) | ${ratio <= 1.5 ? "yes" : "**no**"} |`,
        );
    }
    const failures = fleetLike.reduce((sum, r) => sum + r.failures, 0);
    const notActive = rows
        .filter((r) => r.kind === "fleet" || r.kind === "sweep")
        .reduce((sum, r) => sum + (r.n - r.active), 0);
    targetLines.push(
        `| zero failures (every fleet run, sweep included) | ${failures} failed operations, ${notActive} devices not ACTIVE | ${failures === 0 && notActive === 0 ? "yes" : "**no**"} |`,
    );
    const noopWrites = noops.reduce((sum, r) => sum + r.stats.writes, 0);
    const noopCalls = noops.reduce((sum, r) => sum + r.stats.total, 0);
    targetLines.push(
        `| no-op re-run with zero writes | ${noopWrites} writes, ${noopCalls} calls in ${noops.length} re-runs | ${noops.length && noopWrites === 0 ? "yes" : "**no**"} |`,
    );
    out.push(targetLines.join("\n"));
    out.push("");
    if (largest?.state) {
        out.push(
            `## State (fleet N=${largest.n}: checkpoint ${largest.state.bytes.toLocaleString("en-US")} bytes, ${largest.state.resources} resources)`,
        );
        out.push("");
        out.push(providerTable(largest));
        out.push("");
    }
    const detailRows = [...main, ...sweep];
    const endpoints = endpointTable(detailRows);
    if (endpoints) {
        out.push("## Calls by endpoint");
        out.push("");
        out.push(endpoints);
        out.push("");
    }
    const errors = rows.filter((r) => r.firstError);
    if (errors.length) {
        out.push("## First error per run");
        out.push("");
        for (const r of errors) out.push(`- ${r.label} N=${r.n}: ${r.firstError}`);
        out.push("");
    }
    return out.join("\n");
}

async function main(): Promise<void> {
    // The emulator (in this process) hangs one abort listener per request waiting out its latency on a
    // single signal; at 100 requests in flight Node would warn about a leak that is not one.
    setMaxListeners(5000);
    const args = parseBenchArgs(process.argv.slice(2));
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
        `sizes ${args.sizes.join(",")}, modes ${args.modes.join(",")}, sweep ${args.sweep.join(",") || "none"}, parallel ${args.parallel}, pacing ${args.rps}/${args.burst}; pulumi logs in ${logDir}`,
    );
    const sweepN = Math.min(...args.sizes);
    for (const mode of args.modes) for (const p of args.sweep) await fleetRun(args, sweepN, p, "sweep", mode, false);
    const largestN = Math.max(...args.sizes);
    // The provider's own pacing default next to the bench's, on the run where it matters most.
    for (const rps of args.compareRps)
        if (args.modes.includes("skip")) await fleetRun(args, largestN, args.parallel, "sweep", "skip", false, rps);
    for (const n of [...args.sizes].sort((a, b) => a - b))
        for (const mode of args.modes) await fleetRun(args, n, args.parallel, "fleet", mode, true);
    if (args.naive) for (const n of [...args.sizes].sort((a, b) => a - b)) await naiveRun(n);

    finished = true;
    clearTimeout(watchdog);
    const text = report(args, cliVersion, startedAt, true);
    fs.writeFileSync(resultsFile, text + "\n");
    process.stdout.write(text + "\n");
    progress(`wrote ${path.relative(repoRoot, resultsFile)}; pulumi logs in ${logDir}`);
    const failed = rows.some((r) => r.kind !== "naive" && r.failures > 0);
    if (failed) process.exitCode = 1;
}

main().catch((error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
});
