import { type RandomFaultCounts } from "../emulator";
import { type ActivationAudit, type RequestStats } from "./benchEmulator";
import { BEFORE_COMMIT, BEFORE_STATE_N1000, type BeforeFigures, beforeFigures } from "./before";
import { type StateSize, type UpTimes } from "./fleetRun";
import { type PeakMemory } from "./processSampler";

/** One measured run, whatever its kind. */
export interface RunRow {
    /** "empty": a program without resources (the CLI's own cost); "fault-up" / "fault-rerun": random faults on. */
    kind: "fleet" | "no-op" | "naive" | "empty" | "fault-up" | "fault-rerun";
    /** Fleet runs: whether the engine wrote a checkpoint per step (Pulumi's default) or only at the end. */
    checkpoints?: CheckpointMode;
    label: string;
    n: number;
    parallel?: number;
    /** Client pacing (PINGONE_REQUESTS_PER_SECOND / PINGONE_REQUEST_BURST) for fleet runs. */
    pacing?: string;
    /** `stack.up()` (fleet runs), or the whole script (naive). */
    wallMs: number;
    /** The `pulumi up` process alone. */
    cliMs?: number;
    times?: UpTimes;
    memory?: PeakMemory;
    stats: RequestStats;
    failures: number;
    firstError?: string;
    active: number;
    devices: number;
    state?: StateSize;
    changes?: Record<string, number>;
    /** Fault runs: what the random faults did in this run, and the audit of devices and activations so far. */
    injected?: RandomFaultCounts;
    audit?: ActivationAudit;
}

export type CheckpointMode = "per-step" | "skip";

const RATE_PER_SECOND = 100;

export function modeLabel(mode: CheckpointMode | undefined): string {
    return mode === "skip" ? "PULUMI_SKIP_CHECKPOINTS=true" : mode === "per-step" ? "per-step (default)" : "-";
}

/** The time the emulator's rate limit alone needs for the calls this run made. */
function boundMs(row: RunRow): number {
    return (row.stats.total / RATE_PER_SECOND) * 1000;
}

/** The API's floor for a fleet run: 2 calls per token at the client's pacing (the emulator's rate is the same or higher). */
function floorMs(row: RunRow): number {
    return ((2 * row.n) / Number((row.pacing ?? "100").split("/")[0])) * 1000;
}

/** The old bound: 4 calls per token at 100/s, 4N/100 s. */
export function b4Ms(n: number): number {
    return (4 * n * 1000) / RATE_PER_SECOND;
}

export function before(row: RunRow): BeforeFigures | undefined {
    if (row.kind !== "fleet" && row.kind !== "no-op" && row.kind !== "naive") return undefined;
    return beforeFigures(row.kind, row.checkpoints, row.n);
}

export const s = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(1));
const s2 = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(2));
const perToken = (count: number, n: number) => (n > 0 ? (count / n).toFixed(2) : "-");
const int = (x: number) => Math.round(x).toLocaleString("en-US");
const mb = (bytes: number | undefined) => (bytes ? `${(bytes / 2 ** 20).toFixed(0)}` : "-");
const arrow = (was: string | undefined, now: string) => (was === undefined ? `- → ${now}` : `${was} → ${now}`);

/** The run's name with its N, for column headers. */
function runName(r: RunRow): string {
    return `${r.label}${r.checkpoints === "skip" ? " (skip ckpt)" : ""} N=${r.n}`;
}

export function runsTable(rows: RunRow[]): string {
    const header = [
        "run",
        "state writes",
        "N",
        `wall s, before (${BEFORE_COMMIT}) → now`,
        "`pulumi up` process s",
        "× B4 (4N/100 s), before → now",
        "× floor (2N ÷ pacing)",
        "calls (all), before → now",
        "calls/token, before → now",
        "429s",
        "ACTIVE / N",
        "failures",
    ];
    const lines = rows.map((r) => {
        const was = before(r);
        const b4 = b4Ms(r.n);
        return [
            r.label,
            modeLabel(r.checkpoints),
            int(r.n),
            arrow(was && was.wallS.toFixed(1), s(r.wallMs)),
            s(r.cliMs),
            r.kind === "no-op"
                ? "-"
                : arrow(was && `${((was.wallS * 1000) / b4).toFixed(2)}×`, `${(r.wallMs / b4).toFixed(2)}×`),
            r.kind === "fleet" || r.kind === "fault-up" ? `${(r.wallMs / floorMs(r)).toFixed(2)}×` : "-",
            arrow(was && String(was.calls), String(r.stats.total)),
            arrow(was && perToken(was.calls, r.n), perToken(r.stats.total, r.n)),
            String(r.stats.rateLimited),
            `${int(r.active)} / ${int(r.n)}`,
            String(r.failures),
        ];
    });
    return markdownTable(header, lines);
}

export function callsTable(rows: RunRow[]): string {
    const header = [
        "run",
        "state writes",
        "N",
        "writes/token, before → now",
        "reads/token, before → now",
        "token reqs",
        "429s",
        "other errors / lost",
        "calls (all)",
        "rate-limit bound s (calls ÷ 100/s)",
        "req/s avg / peak 1 s",
    ];
    const lines = rows
        .filter((r) => r.stats.total > 0)
        .map((r) => {
            const was = before(r);
            return [
                r.label,
                modeLabel(r.checkpoints),
                int(r.n),
                arrow(was && was.writesPerToken.toFixed(2), perToken(r.stats.writes, r.n)),
                arrow(was && was.readsPerToken.toFixed(2), perToken(r.stats.reads, r.n)),
                String(r.stats.tokenRequests),
                String(r.stats.rateLimited),
                String(r.stats.errors),
                String(r.stats.total),
                s(boundMs(r)),
                r.stats.spanMs > 0
                    ? `${((r.stats.total * 1000) / r.stats.spanMs).toFixed(0)} / ${r.stats.peakPerSecond}`
                    : `- / ${r.stats.peakPerSecond}`,
            ];
        });
    return markdownTable(header, lines);
}

export function stateMemoryTable(rows: RunRow[]): string {
    const header = [
        "run",
        "state writes",
        "N",
        "checkpoint bytes",
        "resources",
        `state B/token, before (${BEFORE_COMMIT}) → now`,
        "avg B per `OathTokenBatch`",
        "peak RSS MB: `pulumi up` (CLI)",
        "provider host",
        "bench process (program + emulator)",
    ];
    const lines = rows
        .filter((r) => r.memory)
        .map((r) => {
            const was = before(r);
            const batch = r.state?.byType["pulumi-nodejs:dynamic/pingone:OathTokenBatch"];
            return [
                r.label,
                modeLabel(r.checkpoints),
                int(r.n),
                r.state ? int(r.state.bytes) : "-",
                r.state ? String(r.state.resources) : "-",
                r.state && r.n > 0
                    ? arrow(
                          was?.stateBytesPerToken === undefined ? undefined : int(was.stateBytesPerToken),
                          int(r.state.bytes / r.n),
                      )
                    : "-",
                batch ? int(batch.resourceBytes / batch.count) : "-",
                mb(r.memory?.cli),
                mb(r.memory?.providerHost),
                mb(r.memory?.bench),
            ];
        });
    return markdownTable(header, lines);
}

/** Each fleet run and no-op re-run by N: time, state and memory per token, and the step to the next N. */
export function growthTable(rows: RunRow[]): string {
    const header = [
        "run",
        "state writes",
        "N",
        "`stack.up()` s",
        "`pulumi up` s",
        "ms per token",
        "wall ratio ÷ N ratio (vs previous N)",
        "state B/token",
        "peak RSS MB: CLI / provider host",
    ];
    const lines: string[][] = [];
    const groups = new Map<string, RunRow[]>();
    for (const r of rows) {
        if (r.kind !== "fleet" && r.kind !== "no-op") continue;
        const key = `${r.kind}|${r.checkpoints ?? ""}`;
        groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const group of groups.values()) {
        const byN = [...group].sort((a, b) => a.n - b.n);
        byN.forEach((r, i) => {
            const prev = byN[i - 1];
            lines.push([
                r.label,
                modeLabel(r.checkpoints),
                int(r.n),
                s(r.wallMs),
                s(r.cliMs),
                (r.wallMs / r.n).toFixed(1),
                prev ? (r.wallMs / prev.wallMs / (r.n / prev.n)).toFixed(2) : "-",
                r.state ? int(r.state.bytes / r.n) : "-",
                `${mb(r.memory?.cli)} / ${mb(r.memory?.providerHost)}`,
            ]);
        });
    }
    return lines.length ? markdownTable(header, lines) : "";
}

/**
 * Where a `pulumi up` went, on one clock (ms since the epoch, this process): the CLI spawned → the inline
 * program starts (in this process) → `new OathTokenFleet` returns → first API call → last API call → the CLI
 * exits → `stack.up()` returns (the Automation API's `stack output` and `stack history`).
 */
export function timeTable(rows: RunRow[]): string {
    const header = [
        "run",
        "state writes",
        "N",
        "`stack.up()` s",
        "`pulumi up` process s",
        "CLI start → program start",
        "program (read files, fingerprints)",
        "program built → first API call",
        "API span (first → last call)",
        "of which inventory jobs done at",
        "pacer floor (calls ÷ pacing)",
        "last call → CLI exit",
        "program built → CLI exit (no calls)",
        "Automation API around the CLI",
    ];
    const lines = rows
        .filter((r) => r.times)
        .map((r) => {
            const t = r.times!;
            const d = (a: number | undefined, b: number | undefined) =>
                a === undefined || b === undefined ? undefined : b - a;
            const calls = r.stats.total > 0;
            const rps = Number((r.pacing ?? "").split("/")[0]);
            return [
                r.label,
                modeLabel(r.checkpoints),
                int(r.n),
                s2(r.wallMs),
                s2(r.cliMs),
                s2(d(t.cliStarted, t.programStarted)),
                s2(d(t.programStarted, t.programBuilt)),
                calls ? s2(d(t.programBuilt, r.stats.firstAt)) : "-",
                calls ? s2(r.stats.spanMs) : "-",
                r.stats.jobsDoneMs === undefined ? "-" : s2(r.stats.jobsDoneMs),
                calls && rps > 0 ? s2((r.stats.total / rps) * 1000) : "-",
                calls ? s2(d(r.stats.lastAt, t.cliExited)) : "-",
                calls ? "-" : s2(d(t.programBuilt, t.cliExited)),
                r.cliMs === undefined ? "-" : s2(r.wallMs - r.cliMs),
            ];
        });
    return markdownTable(header, lines);
}

export function faultTable(rows: RunRow[]): string {
    const header = [
        "run",
        "state writes",
        "N",
        "`stack.up()` s",
        "ACTIVE / N after",
        "failures",
        "faults drawn: 503 / drop-before / drop-after",
        "storm 429s / all 429s",
        "calls (all)",
        "API span s",
        "req/s before the first 429 / after it",
        "devices (duplicates by serial / by user)",
        "activate calls, total so far",
        "accepted activations (devices accepted twice)",
        "max accepted / max calls per device",
        "activate calls after PingOne had accepted one",
    ];
    const lines = rows
        .filter((r) => r.audit)
        .map((r) => {
            const a = r.audit!;
            const k = r.injected?.byKind;
            return [
                r.label,
                modeLabel(r.checkpoints),
                int(r.n),
                s(r.wallMs),
                `${int(r.active)} / ${int(r.n)}`,
                String(r.failures),
                k ? `${k["503-before"]} / ${k["drop-before"]} / ${k["drop-after"]}` : "-",
                `${r.injected?.stormAnswers ?? 0} / ${r.stats.rateLimited}`,
                String(r.stats.total),
                s(r.stats.spanMs),
                rates(r.stats),
                `${int(a.devices)} (${a.duplicateBySerial} / ${a.duplicateByUser})`,
                int(a.activateCalls),
                `${int(a.accepted)} (${a.devicesAcceptedTwice})`,
                `${a.maxAcceptedPerDevice} / ${a.maxCallsPerDevice}`,
                String(a.callsAfterAccepted),
            ];
        });
    return markdownTable(header, lines);
}

/** Requests per second up to the first 429, and from it to the last request. */
function rates(st: RequestStats): string {
    if (st.first429At === undefined || st.firstAt === undefined || st.lastAt === undefined) return "-";
    const rate = (count: number, ms: number) => (ms > 0 ? ((count * 1000) / ms).toFixed(0) : "-");
    return `${rate(st.before429, st.first429At - st.firstAt)} / ${rate(st.total - st.before429, st.lastAt - st.first429At)}`;
}

export function providerTable(row: RunRow): string {
    if (!row.state) return "";
    const header = [
        "resource type",
        "count",
        "avg resource bytes",
        "avg `__provider` bytes (inputs + outputs)",
        "`__provider` share",
        `before (${BEFORE_COMMIT}, N=1000): avg resource bytes`,
    ];
    const lines = Object.entries(row.state.byType).map(([type, t]) => [
        `\`${type}\``,
        String(t.count),
        int(t.resourceBytes / t.count),
        int(t.providerBytes / t.count),
        t.resourceBytes > 0 ? `${((100 * t.providerBytes) / t.resourceBytes).toFixed(0)} %` : "-",
        type in BEFORE_STATE_N1000.byType
            ? int(BEFORE_STATE_N1000.byType[type as keyof typeof BEFORE_STATE_N1000.byType])
            : "-",
    ]);
    for (const [type, bytes] of Object.entries(BEFORE_STATE_N1000.byType))
        if (!(type in row.state.byType))
            lines.push([`\`${type}\``, "0 (gone)", "-", "-", "-", `${int(bytes)} × 1,000`]);
    return markdownTable(header, lines);
}

export function endpointTable(rows: RunRow[]): string {
    const endpoints = [...new Set(rows.flatMap((r) => Object.keys(r.stats.byEndpoint)))].sort();
    if (!endpoints.length) return "";
    const header = ["endpoint", ...rows.map(runName)];
    const lines = endpoints.map((e) => [`\`${e}\``, ...rows.map((r) => String(r.stats.byEndpoint[e] ?? 0))]);
    return markdownTable(header, lines);
}

export function markdownTable(header: string[], lines: string[][]): string {
    const out = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
    for (const l of lines) out.push(`| ${l.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`);
    return out.join("\n");
}
