import * as path from "node:path";
import { parseArgs } from "node:util";
import { PulumiProject, cliEnvironment, localPassphrase, pulumiBinary, repoRoot } from "../dev/pulumiCli";

/**
 * `npm run demo`: the main job as a user runs it. The Pulumi CLI (found, or built by
 * scripts/ensure-pulumi.sh) runs `pulumi up` on the root project (Pulumi.yaml) against the embedded
 * PingOne emulator, prints what was provisioned, then runs `pulumi up` again, which must change nothing.
 * The stack (`dev`, local file backend under .pulumi-state/) stays: `npm run demo -- --destroy` removes
 * what it provisioned.
 */
let project: PulumiProject | undefined;

async function demo(): Promise<void> {
    const { values } = parseArgs({
        options: { destroy: { type: "boolean", default: false }, stack: { type: "string", default: "dev" } },
    });
    const started = Date.now();
    const backendDir = path.join(repoRoot, ".pulumi-state", "backend");
    // The demo never reaches a real tenant: cliEnvironment drops every PINGONE_* variable, and its seed
    // file holds a public test secret that the program refuses to send to PingOne anyway.
    const env = cliEnvironment(backendDir);
    const cli = new PulumiProject(repoRoot, env, (text) => process.stdout.write(text));
    project = cli;
    const step = async (args: string[]) => {
        console.log(`\n== pulumi ${args.join(" ")}`);
        return cli.run(args);
    };
    console.log(`Pulumi CLI: ${pulumiBinary()}; backend: ${env.PULUMI_BACKEND_URL}; stack: ${values.stack}`);
    await step(["stack", "select", "--create", values.stack!]);

    if (values.destroy) {
        await step(["destroy", "--yes"]);
    } else {
        const first = await step(["up", "--yes"]);
        printTable((await cli.outputs()).devices as Row[] | undefined);
        console.log(`\nup: ${first.seconds.toFixed(1)} s`);
        // Fresh codes would be computed, but every device is ACTIVE: nothing to do, and the CLI checks it.
        const second = await step(["up", "--yes", "--expect-no-changes"]);
        console.log(`\nsecond up: no changes (${second.seconds.toFixed(1)} s)`);
        printReportPath((await cli.outputs()).report);
    }
    console.log(`\ndemo finished in ${((Date.now() - started) / 1000).toFixed(1)} s. Run the CLI yourself with:`);
    console.log(
        `  export PATH=${path.dirname(pulumiBinary())}:${path.dirname(process.execPath)}:$PATH PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL} PULUMI_CONFIG_PASSPHRASE=${localPassphrase}`,
    );
    console.log(
        values.destroy
            ? `  pulumi up   (or: npm run demo)`
            : `  pulumi preview --diff; pulumi refresh; pulumi destroy   (or: npm run demo -- --destroy)`,
    );
}

/** Where the roll-out report for the service desk is (program output `report`, relative to the repo). */
function printReportPath(report: unknown): void {
    if (typeof report === "string") console.log(`\nroll-out report: ${path.join(repoRoot, report)}`);
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

demo().catch((error) => {
    if (project?.interrupted) {
        console.error(
            "\ndemo interrupted: pulumi cancelled cleanly (nothing is left locked); npm run demo carries on from here.",
        );
        process.exit(130);
    }
    // The CLI's output was streamed already: its first line says which step failed.
    console.error(`\ndemo failed: ${(error instanceof Error ? error.message : String(error)).split("\n")[0]}`);
    process.exit(1);
});
