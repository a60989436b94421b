import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { setMaxListeners } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PingOneEmulator, type RequestLogEntry } from "../../emulator";
import { pskcDocument } from "../../dev/pskcFile";
import { localPassphrase, pulumiBinary, repoRoot } from "../../dev/pulumiCli";
import { type RolloutReport } from "./index";

/**
 * Measures the sharded roll-out (index.ts, run as a user runs it: its own Node process) against ONE
 * rate-limited emulator in this process: K stacks vs one at the same N, a no-op re-run, API calls,
 * 429s, peak RSS and CPU per process kind (sampled from /proc), state bytes per stack.
 *
 *   node dist/examples/sharded-rollout/measure.js --n 10000 --shards 1,4 [--budget 100] [--emulator-rps R]
 *
 *   --n N               tokens (and users, one token each, assigned by user id)
 *   --shards 1,4        K values, one scenario each (fresh emulator, fresh backend)
 *   --concurrency C     stacks at once (default K)
 *   --budget R          the roll-out's budget, req/s (default 100)
 *   --burst B           the roll-out's client burst (default 10)
 *   --emulator-rps R    the emulator's limit (default = budget); its burst = its rate
 *   --latency MS        emulator latency (default 50)
 *   --no-noop           skip the no-op re-run
 *   --parallel P        pulumi up --parallel per stack (default 16)
 *   --env KEY=VALUE     extra environment for the roll-out (repeatable), e.g. PULUMI_SKIP_CHECKPOINTS=true
 *   --out FILE          results appended as JSON lines (default .pulumi-state/sharded-rollout-measure/results.jsonl)
 *   --keep              keep the backends
 */

interface ProcSample {
    kind: "orchestrator" | "cli" | "provider host" | "other";
    /** Peak resident set (VmHWM), kB. */
    peakKb: number;
    /** utime + stime, clock ticks. */
    cpuTicks: number;
}

interface RunMeasurement {
    label: string;
    wallSeconds: number;
    exitCode: number;
    report?: RolloutReport;
    calls: number;
    callsPerToken: number;
    tokenRequests: number;
    rateLimited: number;
    errors: number;
    apiSpanSeconds: number;
    avgPerSecond: number;
    peakPerSecond: number;
    /** Requests arriving in each minute of the run (from its first request): where the pace changed. */
    perMinute: number[];
    byEndpoint: Record<string, number>;
    active: number;
    devices: number;
    /** Per process kind: count, largest peak RSS (MB), sum of CPU seconds. */
    processes: Record<string, { count: number; maxPeakMb: number; sumPeakMb: number; cpuSeconds: number }>;
    /** Whole machine, over the run: busy share of all CPUs. */
    machineBusyPercent: number;
    /** This process (emulator + sampler) CPU seconds. */
    emulatorCpuSeconds: number;
    stateBytes: Record<string, number>;
    /** Serials in more than one stack's state / serials of the file in no stack's state. */
    duplicateSerials: number;
    missingSerials: number;
    /** A `dist/bench/fleetBench.js` process was seen during the run (checked every 5 s). */
    fleetBenchSeen: boolean;
    /** Which (pid, first seen at, command line), if any. */
    fleetBenchSightings: string[];
}

/** Is the repository's bench running (it would share the CPUs with this measurement)? */
function fleetBenchRunning(): string | undefined {
    for (const name of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(name)) continue;
        try {
            // A node process running the bench, not a shell whose command line merely names it.
            const argv = fs.readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
            if (path.basename(argv[0] ?? "") === "node" && argv.some((a) => a.endsWith("fleetBench.js")))
                return `${name}: ${argv.join(" ").trim()}`;
        } catch {
            // gone
        }
    }
    return undefined;
}

const clkTck = 100;

function cpuTotals(): { busy: number; total: number } {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
}

/** Descendants of `root` (itself included) with their peak RSS and CPU time. */
function sampleTree(root: number, seen: Map<number, ProcSample>): void {
    const parents = new Map<number, number>();
    for (const name of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(name)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            parents.set(Number(name), Number(fields[1]));
        } catch {
            // gone
        }
    }
    const inTree = (pid: number): boolean => {
        for (let p = pid, hops = 0; p > 1 && hops < 20; p = parents.get(p) ?? 0, hops++) if (p === root) return true;
        return false;
    };
    for (const pid of parents.keys()) {
        if (!inTree(pid)) continue;
        try {
            const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
            const hwm = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
            const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
            const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
            const ticks = Number(fields[11]) + Number(fields[12]);
            const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
            const kind: ProcSample["kind"] =
                pid === root
                    ? "orchestrator"
                    : path.basename(cmdline[0] ?? "") === "pulumi"
                      ? "cli"
                      : // (not the wrapper script's `node -e "require.resolve('…/dynamic-provider')"`)
                        cmdline[1] !== "-e" && cmdline.some((a) => a.includes("dynamic-provider"))
                        ? "provider host"
                        : "other";
            const prev = seen.get(pid);
            seen.set(pid, {
                // A provider host starts as a shell script that execs node: keep the kind once known.
                kind: kind === "other" && prev ? prev.kind : kind,
                peakKb: Math.max(prev?.peakKb ?? 0, hwm),
                cpuTicks: Math.max(prev?.cpuTicks ?? 0, ticks),
            });
        } catch {
            // gone meanwhile
        }
    }
}

function endpointOf(e: RequestLogEntry): string {
    if (/\/as\/token$/.test(e.path)) return "POST /{env}/as/token";
    let p = e.path
        .replace(/^\/v1/, "")
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}");
    if (e.query) p += "?query";
    if (e.contentType && /activate/.test(e.contentType)) p += " (activate)";
    return `${e.method} ${p}`;
}

interface Scenario {
    n: number;
    shards: number;
    concurrency: number;
    budget: number;
    burst: number;
    emulatorRps: number;
    latencyMs: number;
    parallel: number;
    noop: boolean;
    extraEnv: Record<string, string>;
    keep: boolean;
}

const projectName = "pingone-oath-rollout";
/** The roll-out running now: a SIGTERM here is passed on (it cancels its CLIs cleanly, then exits). */
let currentChild: ChildProcess | undefined;
let stopping = false;
const measureRoot = path.join(repoRoot, ".pulumi-state", "sharded-rollout-measure");

function progress(message: string): void {
    process.stderr.write(`[measure ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function runScenario(s: Scenario): Promise<RunMeasurement[]> {
    const emulator = await PingOneEmulator.start({
        port: 0,
        latencyMs: s.latencyMs,
        rateLimit: { requestsPerSecond: s.emulatorRps, burst: s.emulatorRps },
    });
    const name = `n${s.n}-k${s.shards}-c${s.concurrency}-b${s.budget}-e${s.emulatorRps}`;
    const workDir = path.join(measureRoot, name);
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.mkdirSync(workDir, { recursive: true });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "rollout-measure-"));
    try {
        const env = emulator.addEnvironment({ maxAllowedDevices: 5 });
        const client = emulator.addClient(env.id);
        const serials: string[] = [];
        const tokens = [];
        const rows = ["serialNumber,userId"];
        // The emulator checks each username against an index, so 100,000 users take a second or two.
        const userIds = Array.from(
            { length: s.n },
            (_, i) => emulator.addUser(env.id, { username: `rollout.user${String(i + 1).padStart(6, "0")}` }).id,
        );
        for (let i = 0; i < s.n; i++) {
            const serialNumber = `ROLL${String(i + 1).padStart(6, "0")}`;
            serials.push(serialNumber);
            tokens.push({ serialNumber, secretHex: randomBytes(20).toString("hex"), counter: randomInt(0, 50) });
            rows.push(`${serialNumber},${userIds[i]}`);
        }
        const seedFile = path.join(dataDir, "tokens.pskcxml");
        const assignmentsFile = path.join(dataDir, "assignments.csv");
        fs.writeFileSync(seedFile, pskcDocument(tokens));
        fs.writeFileSync(assignmentsFile, rows.join("\n") + "\n");
        progress(
            `${name}: seed file ${(fs.statSync(seedFile).size / 1e6).toFixed(1)} MB, ${s.n} users; emulator ${s.emulatorRps} req/s, ${s.latencyMs} ms`,
        );

        const childEnv: NodeJS.ProcessEnv = {};
        for (const [k, v] of Object.entries(process.env))
            if (!k.startsWith("PINGONE_") && !k.startsWith("PULUMI_") && !k.startsWith("ROLLOUT_")) childEnv[k] = v;
        Object.assign(childEnv, {
            PATH: `${path.dirname(pulumiBinary())}${path.delimiter}${process.env.PATH ?? ""}`,
            PULUMI_CONFIG_PASSPHRASE: localPassphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PINGONE_API_URL: emulator.apiUrl,
            PINGONE_AUTH_URL: emulator.authUrl,
            PINGONE_CLIENT_ID: client.clientId,
            PINGONE_CLIENT_SECRET: client.clientSecret,
            PINGONE_ENVIRONMENT_ID: env.id,
            ...s.extraEnv,
        });
        const args = [
            path.join(repoRoot, "dist/examples/sharded-rollout/index.js"),
            "--seed-file",
            seedFile,
            "--assignments-file",
            assignmentsFile,
            "--shards",
            String(s.shards),
            "--concurrency",
            String(s.concurrency),
            "--budget",
            String(s.budget),
            "--burst",
            String(s.burst),
            "--parallel",
            String(s.parallel),
            "--work-dir",
            workDir,
        ];
        // The loader's default limit is 20 MB; a 100,000-token PSKC is ~50 MB.
        const fileMb = fs.statSync(seedFile).size / 2 ** 20;
        if (fileMb > 20) args.push("--max-file-mb", String(Math.ceil(fileMb * 1.2)));
        const results: RunMeasurement[] = [];
        for (const label of s.noop ? ["first run", "no-op re-run"] : ["first run"]) {
            const jsonFile = path.join(workDir, `report-${results.length}.json`);
            const from = emulator.requests.length;
            const cpu0 = cpuTotals();
            const self0 = process.cpuUsage();
            const started = Date.now();
            if (stopping) break;
            const child = spawn(process.execPath, [...args, "--json", jsonFile], {
                cwd: repoRoot,
                env: childEnv,
                stdio: ["ignore", "pipe", "pipe"],
            });
            currentChild = child;
            const seen = new Map<number, ProcSample>();
            let ticks = 0;
            const sightings = new Map<string, string>();
            const sampler = setInterval(() => {
                sampleTree(child.pid!, seen);
                const bench = ticks++ % 20 === 0 ? fleetBenchRunning() : undefined;
                if (bench && !sightings.has(bench)) sightings.set(bench, new Date().toISOString());
            }, 250);
            child.stdout.on("data", (d: Buffer) =>
                process.stderr.write(`  ${d.toString().replace(/\n(?=.)/g, "\n  ")}`),
            );
            child.stderr.on("data", (d: Buffer) => process.stderr.write(d));
            const exitCode = await new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
            clearInterval(sampler);
            currentChild = undefined;
            const wallSeconds = (Date.now() - started) / 1000;
            const cpu1 = cpuTotals();
            const self = process.cpuUsage(self0);
            await new Promise((r) => setTimeout(r, 200));
            const entries = emulator.requests.slice(from);
            const times = entries.map((e) => e.at).sort((a, b) => a - b);
            let peak = 0;
            for (let lo = 0, hi = 0; hi < times.length; hi++) {
                while (times[hi]! - times[lo]! >= 1000) lo++;
                peak = Math.max(peak, hi - lo + 1);
            }
            const byEndpoint: Record<string, number> = {};
            for (const e of entries) byEndpoint[endpointOf(e)] = (byEndpoint[endpointOf(e)] ?? 0) + 1;
            const span = times.length > 1 ? (times[times.length - 1]! - times[0]!) / 1000 : 0;
            const processes: RunMeasurement["processes"] = {};
            for (const p of seen.values()) {
                const e = (processes[p.kind] ??= { count: 0, maxPeakMb: 0, sumPeakMb: 0, cpuSeconds: 0 });
                e.count++;
                e.maxPeakMb = Math.max(e.maxPeakMb, Math.round(p.peakKb / 1024));
                e.sumPeakMb += Math.round(p.peakKb / 1024);
                e.cpuSeconds = Math.round((e.cpuSeconds + p.cpuTicks / clkTck) * 10) / 10;
            }
            const devices = emulator.listDevices(env.id);
            const state = stateOf(workDir, s.shards);
            const inStacks = new Map<string, number>();
            for (const list of state.serials)
                for (const serial of list) inStacks.set(serial, (inStacks.get(serial) ?? 0) + 1);
            const m: RunMeasurement = {
                label,
                wallSeconds,
                exitCode,
                report: fs.existsSync(jsonFile)
                    ? (JSON.parse(fs.readFileSync(jsonFile, "utf8")) as RolloutReport)
                    : undefined,
                calls: entries.length,
                callsPerToken: Math.round((entries.length / s.n) * 1000) / 1000,
                tokenRequests: entries.filter((e) => /\/as\/token$/.test(e.path)).length,
                rateLimited: entries.filter((e) => e.status === 429 || e.outcome === "rate-limited").length,
                errors: entries.filter(
                    (e) =>
                        e.status !== 429 &&
                        e.outcome !== "rate-limited" &&
                        (e.status >= 400 || e.outcome !== "answered"),
                ).length,
                apiSpanSeconds: span,
                avgPerSecond: span > 0 ? Math.round(entries.length / span) : 0,
                peakPerSecond: peak,
                perMinute: times
                    .reduce<number[]>((acc, t) => {
                        const minute = Math.floor((t - times[0]!) / 60_000);
                        acc[minute] = (acc[minute] ?? 0) + 1;
                        return acc;
                    }, [])
                    .map((v) => v ?? 0),
                byEndpoint,
                active: devices.filter((d) => d.status === "ACTIVE").length,
                devices: devices.length,
                processes,
                machineBusyPercent: Math.round(((cpu1.busy - cpu0.busy) / Math.max(1, cpu1.total - cpu0.total)) * 100),
                emulatorCpuSeconds: Math.round(((self.user + self.system) / 1e6) * 10) / 10,
                stateBytes: state.bytes,
                duplicateSerials: [...inStacks.values()].filter((c) => c > 1).length,
                missingSerials: serials.filter((x) => !inStacks.has(x)).length,
                fleetBenchSeen: sightings.size > 0,
                fleetBenchSightings: [...sightings].map(([what, at]) => `${at} ${what}`),
            };
            results.push(m);
            progress(
                `${name} ${label}: exit ${exitCode}, ${wallSeconds.toFixed(1)} s, ${m.calls} calls (${m.callsPerToken}/token), 429s ${m.rateLimited}, ` +
                    `ACTIVE ${m.active}/${s.n}, CPU busy ${m.machineBusyPercent}%${sightings.size ? ` (fleetBench ran meanwhile: ${[...sightings.keys()].join("; ")})` : ""}, ` +
                    Object.entries(processes)
                        .map(([k, v]) => `${k} ×${v.count} peak ${v.maxPeakMb} MB cpu ${v.cpuSeconds} s`)
                        .join("; "),
            );
        }
        return results;
    } finally {
        await emulator.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
        if (!s.keep) fs.rmSync(path.join(workDir, "backend"), { recursive: true, force: true });
    }
}

/** Checkpoint bytes and the serials of each stack's batches (from the file backend). */
function stateOf(workDir: string, shards: number): { bytes: Record<string, number>; serials: string[][] } {
    const bytes: Record<string, number> = {};
    const serials: string[][] = [];
    for (let i = 0; i < shards; i++) {
        const stackName = `shard-${i}-of-${shards}`;
        const file = path.join(workDir, "backend", ".pulumi", "stacks", projectName, `${stackName}.json`);
        if (!fs.existsSync(file)) continue;
        const text = fs.readFileSync(file, "utf8");
        bytes[stackName] = Buffer.byteLength(text);
        const parsed = JSON.parse(text) as {
            checkpoint?: { latest?: { resources?: { type: string; inputs?: { tokens?: Record<string, unknown> } }[] } };
        };
        const list: string[] = [];
        for (const r of parsed.checkpoint?.latest?.resources ?? [])
            if (r.type.endsWith(":OathTokenBatch")) list.push(...Object.keys(r.inputs?.tokens ?? {}));
        serials.push(list);
    }
    return { bytes, serials };
}

function machineFacts(): Record<string, string> {
    const cpus = os.cpus();
    let pulumiVersion = "unknown";
    try {
        pulumiVersion = execFileSync(pulumiBinary(), ["version"], { encoding: "utf8" }).trim();
    } catch {
        // reported as unknown
    }
    let others = "none";
    try {
        others = execFileSync("pgrep", ["-af", "^node .*fleetBench\\.js"], { encoding: "utf8" }).trim() || "none";
    } catch {
        // pgrep exits 1 when nothing matches
    }
    return {
        cpus: `${cpus.length} × ${cpus[0]?.model.trim() ?? "?"}`,
        memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
        node: process.version,
        pulumi: pulumiVersion,
        loadavg: os
            .loadavg()
            .map((l) => l.toFixed(2))
            .join(" "),
        fleetBenchRunning: others,
    };
}

async function main(): Promise<void> {
    setMaxListeners(0);
    const { values } = parseArgs({
        args: process.argv.slice(2),
        strict: true,
        options: {
            n: { type: "string" },
            shards: { type: "string" },
            concurrency: { type: "string" },
            budget: { type: "string" },
            burst: { type: "string" },
            "emulator-rps": { type: "string" },
            latency: { type: "string" },
            "no-noop": { type: "boolean" },
            parallel: { type: "string" },
            env: { type: "string", multiple: true },
            out: { type: "string" },
            keep: { type: "boolean" },
        },
    });
    const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
    const n = num(values.n, 1000);
    const budget = num(values.budget, 100);
    const extraEnv: Record<string, string> = {};
    for (const kv of values.env ?? []) {
        const [k, ...rest] = kv.split("=");
        extraEnv[k!] = rest.join("=");
    }
    const out = path.resolve(values.out ?? path.join(measureRoot, "results.jsonl"));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const before = machineFacts();
    progress(`machine: ${JSON.stringify(before)}`);
    // Ctrl-C at a terminal reaches the roll-out too; a SIGTERM to this process alone is passed on.
    process.on("SIGINT", () => (stopping = true));
    process.on("SIGTERM", () => {
        stopping = true;
        currentChild?.kill("SIGTERM");
    });
    let failed = false;
    for (const shards of (values.shards ?? "1,4").split(",").map(Number)) {
        const scenario: Scenario = {
            n,
            shards,
            concurrency: num(values.concurrency, shards),
            budget,
            burst: num(values.burst, 10),
            emulatorRps: num(values["emulator-rps"], budget),
            latencyMs: num(values.latency, 50),
            parallel: num(values.parallel, 16),
            noop: !values["no-noop"],
            extraEnv,
            keep: !!values.keep,
        };
        const started = new Date().toISOString();
        if (stopping) break;
        const runs = await runScenario(scenario);
        failed ||= runs.some((r) => r.exitCode !== 0);
        const line = {
            started,
            command: ["node dist/examples/sharded-rollout/measure.js", ...process.argv.slice(2)].join(" "),
            scenario,
            machineBefore: before,
            machineAfter: machineFacts(),
            runs,
        };
        fs.appendFileSync(out, JSON.stringify(line) + "\n");
    }
    progress(`appended to ${out}`);
    if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
});
