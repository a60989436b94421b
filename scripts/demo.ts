import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import {
    type CliResult,
    PulumiProject,
    cliEnvironment,
    localPassphrase,
    pulumiBinary,
    repoRoot,
} from "../dev/pulumiCli";

/**
 * `npm run demo`: the main job as a user runs it. The Pulumi CLI (found, or built by
 * scripts/ensure-pulumi.sh) runs `pulumi up` on the root project (Pulumi.yaml) against the embedded
 * PingOne emulator, then `pulumi up` again, which must change nothing.
 *
 * What it prints is a short story, each thing once: what it is about to do, one line per resource as
 * Pulumi finishes it, Pulumi's warnings, one table of the devices, the re-run's one line, and the commands
 * to go on. The CLI's whole output (preview, update, diagnostics, outputs) goes to a log file it names.
 * The stack (`dev`, local file backend under .pulumi-state/) stays: `npm run demo -- --destroy` removes
 * what it provisioned.
 */
let project: PulumiProject | undefined;
let logFile = "";

async function demo(): Promise<void> {
    const { values } = parseArgs({
        options: { destroy: { type: "boolean", default: false }, stack: { type: "string", default: "dev" } },
    });
    const stack = values.stack!;
    const started = Date.now();
    const stateDir = path.join(repoRoot, ".pulumi-state");
    const backendDir = path.join(stateDir, "backend");
    logFile = path.join(stateDir, `demo-${stack}.log`);
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(logFile, "");
    // The demo never reaches a real tenant: cliEnvironment drops every PINGONE_* variable, and its seed
    // file holds a public test secret that the program refuses to send to PingOne anyway.
    const env = cliEnvironment(backendDir);
    const progress = new ProgressLines();
    const cli = new PulumiProject(repoRoot, env, (text) => {
        fs.appendFileSync(logFile, text);
        progress.feed(text);
    });
    project = cli;
    const step = async (args: string[]): Promise<CliResult> => {
        fs.appendFileSync(logFile, `\n== pulumi ${args.join(" ")}\n`);
        return cli.run(args);
    };

    console.log(
        values.destroy
            ? `pulumi destroy on the root project (stack ${stack}): removes the devices and tokens the demo provisioned in the embedded PingOne emulator.`
            : `pulumi up on the root project (stack ${stack}), against the embedded PingOne emulator (no PingOne credentials are set):\n` +
                  `it rolls the tokens of examples/data/demo-seeds.csv out to the users of examples/data/demo-assignments.csv:\n` +
                  `inventory, pairing, activation, and a resync for the token that has drifted. One token (FOB000004) is in\n` +
                  `the demo tenant already, as if uploaded by hand: the demo adopts it on purpose, and destroy leaves it.`,
    );
    console.log(`The CLI's full output goes to ${path.relative(process.cwd(), logFile) || logFile}.\n`);
    await step(["stack", "select", "--create", stack]);

    if (values.destroy) {
        progress.on = true;
        const result = await step(["destroy", "--yes"]);
        progress.flushWarnings();
        console.log(`\npulumi destroy done in ${result.seconds.toFixed(1)} s; resources: ${progress.summary()}`);
    } else {
        progress.on = true;
        // The preview's lines are the same resources again, and the update's are what happened.
        const first = await step(["up", "--yes", "--skip-preview"]);
        progress.on = false;
        progress.flushWarnings();
        console.log(`\npulumi up done in ${first.seconds.toFixed(1)} s; resources: ${progress.summary()}\n`);
        printTable((await cli.outputs()).devices as Row[] | undefined);
        // Fresh codes would be computed, but every device is ACTIVE: nothing to do, and the CLI checks it.
        const second = await step(["up", "--yes", "--skip-preview", "--expect-no-changes"]);
        console.log(`\npulumi up again: no changes (${second.seconds.toFixed(1)} s)`);
        printReportPath((await cli.outputs()).report);
    }
    console.log(`\nDone in ${((Date.now() - started) / 1000).toFixed(1)} s. To go on with the CLI yourself:`);
    console.log(
        `  export PATH=${path.dirname(pulumiBinary())}:${path.dirname(process.execPath)}:$PATH PULUMI_BACKEND_URL=${env.PULUMI_BACKEND_URL} PULUMI_CONFIG_PASSPHRASE=${localPassphrase}`,
    );
    console.log(
        values.destroy
            ? `  pulumi up   (or: npm run demo)`
            : `  pulumi preview --diff; pulumi refresh --yes; pulumi destroy --yes   (or: npm run demo -- --destroy)\n` +
                  `Your own tokens, in your infra repo: docs/infra-repo.md.`,
    );
}

/**
 * Pulumi's non-interactive output reduced to what a person follows: one line per resource when Pulumi
 * reports it done (`created (0.04s)`, `deleted`, `... failed`), and each warning or error once (the CLI
 * prints every diagnostic two or three times: in the progress, in the Diagnostics block, per step).
 */
class ProgressLines {
    on = false;
    private partial = "";
    private readonly warnings = new Set<string>();
    /** Pulumi's own count, the lines under "Resources:" (e.g. "+ 7 created"). */
    private resources: string[] | undefined;
    private inResources = false;

    feed(text: string): void {
        const lines = (this.partial + text).split("\n");
        this.partial = lines.pop() ?? "";
        for (const line of lines) this.line(line);
    }

    private line(line: string): void {
        if (this.inResources) {
            if (line.trim()) this.resources!.push(line.trim());
            else this.inResources = false;
        }
        if (/^Resources:\s*$/.test(line)) {
            this.resources = [];
            this.inResources = true;
        }
        if (!this.on) return;
        // e.g. " +  pulumi-nodejs:dynamic/pingone:OathTokenBatch tokens-batch-09 created (0.04s) "
        const done =
            /^\s*([-+~]{1,2})\s+(\S+)\s+(\S+)\s+(created|updated|deleted|replaced|\S+ failed)( \([\d.]+s\))?/.exec(
                line,
            );
        if (done) {
            const [, op, type, name, verb, took] = done;
            console.log(`  ${op.padEnd(2)} ${type.split(":").pop()} ${name} ${verb}${took ?? ""}`);
            return;
        }
        const diagnostic = /\b(warning|error): (.*)$/.exec(line);
        // The no-credentials warning says what the first line of the demo says.
        if (diagnostic && !/^using pulumi-|No PingOne credentials set/.test(diagnostic[2])) {
            this.warnings.add(`${diagnostic[1]}: ${diagnostic[2].replace(/^\[runtime\] /, "").trim()}`);
        }
    }

    flushWarnings(): void {
        for (const warning of this.warnings) console.log(`  ${warning}`);
        this.warnings.clear();
    }

    /** Pulumi's resource count of the last command, e.g. "+ 7 created". */
    summary(): string {
        const text = this.resources?.join(", ") ?? "no resource summary (see the log)";
        this.resources = undefined;
        return text;
    }
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
    const header = ["user", "serial", "status", "resynced"];
    const lines = rows.map((r) => [r.user, r.serialNumber, r.status, r.resynced ? "yes" : "no"]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
    const fmt = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    console.log(`${fmt(header)}\n${widths.map((w) => "-".repeat(w)).join("  ")}`);
    for (const l of lines) console.log(fmt(l));
}

demo().catch((error) => {
    if (project?.interrupted) {
        console.error(
            "\ndemo interrupted: pulumi cancelled cleanly (nothing is left locked); npm run demo carries on from here.",
        );
        process.exit(130);
    }
    // The CLI's output went to the log: show its end, where Pulumi says what failed.
    const message = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    const tail =
        logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8").trimEnd().split("\n").slice(-25) : [];
    console.error(`\ndemo failed: ${message}\n${tail.map((l) => `  | ${l}`).join("\n")}\n(whole output: ${logFile})`);
    process.exit(1);
});
