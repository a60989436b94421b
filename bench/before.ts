/**
 * BEFORE: the figures of bench/results.md as committed at c6d3c15 (`git show c6d3c15:bench/results.md`),
 * quoted, not re-measured: the fleet as three dynamic resources per token (OathToken, OathTokenDevice,
 * OathTokenActivation), 4 calls per token. Measured there with the same emulator (50 ms latency, 100 req/s,
 * burst 100), client pacing 100/10 and `parallel: 64`, on 2 × AMD EPYC, node v20.20.2, pulumi v3.274.1.
 * "wall" there is `stack.up()` of the Automation API (its `stack output` / `stack history` after `pulumi up`
 * included), as the "`stack.up()` s" column here.
 */
export const BEFORE_COMMIT = "c6d3c15";

export interface BeforeFigures {
    wallS: number;
    /** Every request the emulator saw. */
    calls: number;
    writesPerToken: number;
    readsPerToken: number;
    /** Checkpoint bytes ÷ N (fleet runs). */
    stateBytesPerToken?: number;
}

type Key = `${"fleet" | "no-op" | "naive"}|${"per-step" | "skip" | "-"}|${number}`;

const figures: Partial<Record<Key, BeforeFigures>> = {
    "fleet|per-step|100": { wallS: 10.3, calls: 401, writesPerToken: 3, readsPerToken: 1, stateBytesPerToken: 11_479 },
    "no-op|per-step|100": { wallS: 2.5, calls: 0, writesPerToken: 0, readsPerToken: 0 },
    "fleet|skip|100": { wallS: 5.7, calls: 401, writesPerToken: 3, readsPerToken: 1, stateBytesPerToken: 11_479 },
    "no-op|skip|100": { wallS: 2.8, calls: 0, writesPerToken: 0, readsPerToken: 0 },
    "fleet|per-step|1000": {
        wallS: 783.0,
        calls: 4001,
        writesPerToken: 3,
        readsPerToken: 1,
        stateBytesPerToken: 11_457,
    },
    "no-op|per-step|1000": { wallS: 17.8, calls: 0, writesPerToken: 0, readsPerToken: 0 },
    "fleet|skip|1000": { wallS: 49.2, calls: 4001, writesPerToken: 3, readsPerToken: 1, stateBytesPerToken: 11_457 },
    "no-op|skip|1000": { wallS: 14.8, calls: 0, writesPerToken: 0, readsPerToken: 0 },
    "naive|-|100": { wallS: 20.6, calls: 401, writesPerToken: 3, readsPerToken: 1 },
    "naive|-|1000": { wallS: 208.0, calls: 4001, writesPerToken: 3, readsPerToken: 1 },
};

/** The BEFORE figures of a run, when c6d3c15 measured one like it. */
export function beforeFigures(
    kind: string,
    mode: "per-step" | "skip" | undefined,
    n: number,
): BeforeFigures | undefined {
    return figures[`${kind}|${mode ?? "-"}|${n}` as Key];
}

/** The BEFORE checkpoint at N=1000: 11,456,502 bytes over 3,003 resources (per resource type, avg bytes). */
export const BEFORE_STATE_N1000 = {
    bytes: 11_456_502,
    resources: 3003,
    byType: {
        "pulumi-nodejs:dynamic/pingone:OathToken": 3616,
        "pulumi-nodejs:dynamic/pingone:OathTokenDevice": 3525,
        "pulumi-nodejs:dynamic/pingone:OathTokenActivation": 4148,
        "pingone:index:OathTokenFleet": 162_774,
    },
};
