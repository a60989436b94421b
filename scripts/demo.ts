import { stopEmbeddedEmulator } from "../program/embeddedEmulator";
import { openLocalStack } from "./localStack";

/**
 * `npm run demo`: the main job end to end on a fresh machine. Ensures the Pulumi CLI, runs the root
 * program (`program/`) with `pulumi up` against the embedded PingOne emulator, prints what was
 * provisioned, then runs `pulumi up` again to show that a re-run changes nothing.
 */
async function demo(): Promise<void> {
    const started = Date.now();
    // The demo always runs against the embedded emulator, even where PINGONE_* variables are set for
    // real work: its seed file holds a public test secret that must never reach a real tenant.
    const ignored = Object.keys(process.env).filter((key) => key.startsWith("PINGONE_"));
    for (const key of ignored) delete process.env[key];
    console.log(`The demo provisions against the embedded PingOne emulator${ignored.length ? ` (ignoring ${ignored.join(", ")})` : ""}.`);
    const program = async () => (await import("../program/index")).default();
    // The embedded emulator keeps no state between demo runs, so each run starts a fresh stack.
    const { stack } = await openLocalStack({ name: "demo", stackName: "demo", program, fresh: true });

    console.log("\n== pulumi up");
    const first = await stack.up({ onOutput: (line) => process.stdout.write(line) });
    printTable(first.outputs.devices?.value as Row[] | undefined);
    console.log(`changes: ${JSON.stringify(first.summary.resourceChanges)}`);

    console.log("\n== pulumi up again (fresh codes, nothing to do)");
    const second = await stack.up({ onOutput: (line) => process.stdout.write(line) });
    const changes = second.summary.resourceChanges ?? {};
    const changed = Object.entries(changes).filter(([op]) => op !== "same").reduce((n, [, count]) => n + (count ?? 0), 0);
    console.log(`changes: ${JSON.stringify(changes)} -> ${changed === 0 ? "no changes" : `${changed} changes`}`);
    await stopEmbeddedEmulator();
    console.log(`\ndemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (changed !== 0) process.exitCode = 1;
}

interface Row {
    serialNumber: string;
    user: string;
    status: string;
    resynced: boolean;
}

function printTable(rows: Row[] | undefined): void {
    if (!rows?.length) {
        console.log("(no devices)");
        return;
    }
    const header = ["user", "serial", "status", "resync needed"];
    const lines = rows.map((r) => [r.user, r.serialNumber, r.status, r.resynced ? "yes" : "no"]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join("  ");
    console.log(`\n${fmt(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
    for (const l of lines) console.log(fmt(l));
}

demo().catch(async (error) => {
    console.error(error instanceof Error ? error.message : error);
    await stopEmbeddedEmulator();
    process.exit(1);
});
