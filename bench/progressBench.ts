import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { PingOneEmulator } from "../emulator";
import { type BatchTokenInput, oathTokenBatchProvider } from "../provider/fleet/oathTokenBatchProvider";
import { progressIntervalVariable } from "../provider/fleet/progress";
import { repoRoot } from "../dev/pulumiCli";
import { generatedTokenFingerprint, pskcDocument, randomTokens } from "../dev/pskcFile";

/**
 * `npm run bench:progress`: what the progress lines of a long batch cost. One `OathTokenBatch` create of N
 * tokens (default 2,000), run in this process by the batch provider against an in-process emulator with no
 * latency and no rate limit, and client pacing far above what it reaches: the CPU-bound worst case, where
 * any cost of the lines would show. Three modes side by side, in rotating order, R rounds (default 7):
 * lines off (`PINGONE_PROGRESS_INTERVAL_MS=0`), the default 5 s, and every 100 ms (50 times as often).
 * Writes bench/results-progress.md (or `--out`).
 *
 *   --tokens N   tokens in the batch (default 2000)
 *   --rounds R   rounds of the three modes (default 7)
 *   --out FILE   where the table goes
 */

const modes = [
    { label: "lines off (0)", intervalMs: "0" },
    { label: "default (5 s)", intervalMs: "5000" },
    { label: "every 100 ms", intervalMs: "100" },
];

interface Sample {
    wallMs: number;
    cpuMs: number;
    lines: number;
}

async function runOnce(n: number, intervalMs: string): Promise<Sample> {
    const environmentId = randomUUID();
    const tokens = randomTokens(n, "PRB");
    const users = tokens.map((t) => `bench-${t.serialNumber.toLowerCase()}`);
    const clientId = "bench-worker-app";
    const clientSecret = randomUUID();
    const emulator = await PingOneEmulator.start({
        seed: {
            environments: [{ id: environmentId, clients: [{ clientId, clientSecret }] }],
        },
    });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "progress-bench-"));
    const seedFile = path.join(dir, "tokens.pskcxml");
    fs.writeFileSync(seedFile, pskcDocument(tokens));
    const rows: Record<string, BatchTokenInput> = {};
    tokens.forEach((t, i) => {
        const fingerprint = generatedTokenFingerprint(t);
        // By user id, as the bench's fleets do: no user look-ups in the measured run.
        rows[t.serialNumber] = { fingerprint, userId: emulator.addUser(environmentId, { username: users[i]! }).id };
    });
    process.env[progressIntervalVariable] = intervalMs;
    // The provider logs through pulumi.log, which outside a Pulumi run writes to stdout: counted, not shown.
    let lines = 0;
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
        if (String(chunk).includes("tokens done")) lines++;
        return true;
    }) as typeof process.stdout.write;
    const cpu = process.cpuUsage();
    const started = performance.now();
    try {
        await oathTokenBatchProvider.create!({
            environmentId,
            seedFile: { path: seedFile },
            tokens: rows,
            activate: true,
            adopt: false,
            batchName: "bench-batch",
            connection: { apiUrl: emulator.apiUrl, authUrl: emulator.authUrl, clientId, clientSecret, environmentId },
        });
    } finally {
        process.stdout.write = write;
        await emulator.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    }
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return { wallMs, cpuMs: (used.user + used.system) / 1000, lines };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fastest = (values: number[]) => Math.min(...values);

async function main(): Promise<void> {
    const { values } = parseArgs({
        options: { tokens: { type: "string" }, rounds: { type: "string" }, out: { type: "string" } },
    });
    const n = Number(values.tokens ?? 2000);
    const rounds = Number(values.rounds ?? 7);
    const out = values.out ?? path.join(repoRoot, "bench", "results-progress.md");
    // Pacing far above what one process reaches: the client is not the limit.
    process.env.PINGONE_REQUESTS_PER_SECOND = "100000";
    process.env.PINGONE_REQUEST_BURST = "1000";
    const samples = new Map<string, Sample[]>(modes.map((m) => [m.label, []]));
    await runOnce(Math.min(n, 200), "0"); // warm-up: JIT, module loading
    for (let round = 0; round < rounds; round++) {
        for (let k = 0; k < modes.length; k++) {
            const mode = modes[(round + k) % modes.length]!;
            const sample = await runOnce(n, mode.intervalMs);
            samples.get(mode.label)!.push(sample);
            console.log(
                `round ${round + 1} ${mode.label.padEnd(14)} ${(sample.wallMs / 1000).toFixed(2)} s wall, ` +
                    `${(sample.cpuMs / 1000).toFixed(2)} s CPU, ${sample.lines} lines`,
            );
        }
    }
    const base = samples.get(modes[0]!.label)!;
    const seconds = (ms: number) => (ms / 1000).toFixed(2);
    // On a shared machine the median moves with other work; the fastest run is the least disturbed one.
    const cell = (all: Sample[], of: (x: Sample) => number, pick: (v: number[]) => number) =>
        `${seconds(pick(all.map(of)))} (${(pick(all.map(of)) / pick(base.map(of))).toFixed(3)})`;
    const rows = modes.map((m) => {
        const s = samples.get(m.label)!;
        const wall = (x: Sample) => x.wallMs;
        const cpu = (x: Sample) => x.cpuMs;
        return (
            `| ${m.label} | ${cell(s, wall, fastest)} | ${cell(s, cpu, fastest)} | ${cell(s, wall, median)} | ` +
            `${cell(s, cpu, median)} | ${seconds(Math.min(...s.map(wall)))}–${seconds(Math.max(...s.map(wall)))} | ${median(s.map((x) => x.lines))} |`
        );
    });
    const table = [
        `# Progress lines: what they cost`,
        ``,
        `\`npm run bench:progress -- --tokens ${n} --rounds ${rounds}\` on ${os.cpus().length} CPUs, Node ${process.version}, ` +
            `${new Date().toISOString().slice(0, 16)}Z. One OathTokenBatch create of ${n.toLocaleString("en-US")} tokens ` +
            `(inventory job, pairing, activation) against an in-process emulator without latency or rate limit: ` +
            `CPU-bound, the worst case for any overhead. ${rounds} rounds, modes in rotating order; CPU is this ` +
            `process's (provider and emulator). Seconds, and in brackets the ratio to "lines off".`,
        ``,
        `| progress lines | fastest wall s | fastest CPU s | median wall s | median CPU s | wall range s | lines |`,
        `|---|---|---|---|---|---|---|`,
        ...rows,
        ``,
    ].join("\n");
    fs.writeFileSync(out, table);
    console.log(`\n${table}\nwritten to ${out}`);
}

main().catch((error) => {
    console.error(error);
    process.exit(1);
});
