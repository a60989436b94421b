import { type RequestStats } from "./benchEmulator";
import { type StateSize } from "./fleetRun";

/** One measured run, whatever its kind. */
export interface RunRow {
    kind: "fleet" | "no-op" | "naive" | "sweep";
    /** Fleet runs: whether the engine wrote a checkpoint per step (Pulumi's default) or only at the end. */
    checkpoints?: CheckpointMode;
    label: string;
    n: number;
    parallel?: number;
    /** Client pacing (PINGONE_REQUESTS_PER_SECOND / PINGONE_REQUEST_BURST) for fleet runs. */
    pacing?: string;
    wallMs: number;
    stats: RequestStats;
    failures: number;
    firstError?: string;
    active: number;
    devices: number;
    state?: StateSize;
    changes?: Record<string, number>;
}

export type CheckpointMode = "per-step" | "skip";

const RATE_PER_SECOND = 100;

export function modeLabel(mode: CheckpointMode | undefined): string {
    return mode === "skip"
        ? "PULUMI_SKIP_CHECKPOINTS=true"
        : mode === "per-step"
          ? "per-step checkpoints (default)"
          : "-";
}

/** The time the emulator's rate limit alone needs for the calls this run made. */
export function boundMs(row: RunRow): number {
    return (row.stats.total / RATE_PER_SECOND) * 1000;
}

const s = (ms: number) => (ms / 1000).toFixed(1);
const perToken = (count: number, n: number) => (n > 0 ? (count / n).toFixed(2) : "-");

export function runsTable(rows: RunRow[]): string {
    const header = [
        "run",
        "state writes",
        "N",
        "parallel",
        "client pacing (rps/burst)",
        "wall s",
        "API span s",
        "calls (all)",
        "bound s (calls ÷ 100/s)",
        "× bound",
        "writes/token",
        "reads/token",
        "token reqs",
        "429s",
        "req/s avg / peak 1 s",
        "ACTIVE / N",
        "failures",
        "state B/token",
    ];
    const lines = rows.map((r) => {
        const bound = boundMs(r);
        return [
            r.label,
            modeLabel(r.checkpoints),
            String(r.n),
            r.parallel === undefined ? "-" : String(r.parallel),
            r.pacing ?? "-",
            s(r.wallMs),
            s(r.stats.spanMs),
            String(r.stats.total),
            r.stats.total > 0 ? s(bound) : "0",
            r.stats.total > 0 ? `${(r.wallMs / bound).toFixed(2)}×` : "n/a (no calls)",
            perToken(r.stats.writes, r.n),
            perToken(r.stats.reads, r.n),
            String(r.stats.tokenRequests),
            String(r.stats.rateLimited),
            r.stats.spanMs > 0
                ? `${((r.stats.total * 1000) / r.stats.spanMs).toFixed(0)} / ${r.stats.peakPerSecond}`
                : `- / ${r.stats.peakPerSecond}`,
            `${r.active} / ${r.n}`,
            String(r.failures),
            r.state ? Math.round(r.state.bytes / r.n).toLocaleString("en-US") : "-",
        ];
    });
    return markdownTable(header, lines);
}

export function providerTable(row: RunRow): string {
    if (!row.state) return "";
    const header = [
        "resource type",
        "count",
        "avg resource bytes",
        "avg `__provider` bytes (inputs + outputs)",
        "`__provider` share",
    ];
    const lines = Object.entries(row.state.byType).map(([type, t]) => [
        `\`${type}\``,
        String(t.count),
        Math.round(t.resourceBytes / t.count).toLocaleString("en-US"),
        Math.round(t.providerBytes / t.count).toLocaleString("en-US"),
        t.resourceBytes > 0 ? `${((100 * t.providerBytes) / t.resourceBytes).toFixed(0)} %` : "-",
    ]);
    return markdownTable(header, lines);
}

export function scalingTable(rows: RunRow[]): string {
    const header = [
        "run",
        "state writes",
        "N from → to",
        "wall s from → to",
        "wall ratio",
        "N ratio",
        "wall ratio ÷ N ratio",
    ];
    const lines: string[][] = [];
    const groups = new Map<string, RunRow[]>();
    for (const r of rows) {
        if (r.kind === "sweep") continue;
        const key = `${r.label}|${r.checkpoints ?? ""}`;
        groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const group of groups.values()) {
        const byN = [...group].sort((a, b) => a.n - b.n);
        for (let i = 1; i < byN.length; i++) {
            const a = byN[0];
            const b = byN[i];
            const wallRatio = b.wallMs / a.wallMs;
            const nRatio = b.n / a.n;
            lines.push([
                a.label,
                modeLabel(a.checkpoints),
                `${a.n} → ${b.n}`,
                `${s(a.wallMs)} → ${s(b.wallMs)}`,
                wallRatio.toFixed(2),
                nRatio.toFixed(2),
                (wallRatio / nRatio).toFixed(2),
            ]);
        }
    }
    return lines.length ? markdownTable(header, lines) : "";
}

export function endpointTable(rows: RunRow[]): string {
    const endpoints = [...new Set(rows.flatMap((r) => Object.keys(r.stats.byEndpoint)))].sort();
    if (!endpoints.length) return "";
    const header = [
        "endpoint",
        ...rows.map(
            (r) =>
                `${r.label}${r.checkpoints === "skip" ? " (skip ckpt)" : ""}${r.kind === "sweep" ? "" : ` N=${r.n}`}`,
        ),
    ];
    const lines = endpoints.map((e) => [`\`${e}\``, ...rows.map((r) => String(r.stats.byEndpoint[e] ?? 0))]);
    return markdownTable(header, lines);
}

function markdownTable(header: string[], lines: string[][]): string {
    const out = [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`];
    for (const l of lines) out.push(`| ${l.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`);
    return out.join("\n");
}

/**
 * Where a fleet run's time went: outside the API span (CLI start, program, engine, final state write),
 * and inside it, against what the client's pacer alone allows (calls ÷ pacing rps).
 */
export function timeTable(rows: RunRow[]): string {
    const fleet = rows.filter((r) => (r.kind === "fleet" || r.kind === "sweep") && r.stats.total > 0);
    if (!fleet.length) return "";
    const header = [
        "run",
        "state writes",
        "N",
        "pacing",
        "wall s",
        "API span s",
        "outside API span s",
        "pacer floor s (calls ÷ pacing)",
        "rate-limit bound s",
        "API span ÷ pacer floor",
    ];
    const lines = fleet.map((r) => {
        const rps = Number((r.pacing ?? "").split("/")[0]);
        const floor = rps > 0 ? (r.stats.total / rps) * 1000 : NaN;
        return [
            r.label,
            modeLabel(r.checkpoints),
            String(r.n),
            r.pacing ?? "-",
            s(r.wallMs),
            s(r.stats.spanMs),
            s(r.wallMs - r.stats.spanMs),
            Number.isFinite(floor) ? s(floor) : "-",
            s(boundMs(r)),
            Number.isFinite(floor) ? `${(r.stats.spanMs / floor).toFixed(2)}×` : "-",
        ];
    });
    return markdownTable(header, lines);
}
