import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type CliResult, type PulumiProject, processesUnder, pulumiBinary, repoRoot } from "../../dev/pulumiCli";
import { hotp, rfcSecretHex, totp } from "./fixtures";

/** Shared by the CLI end-to-end suites: skipping without a CLI, a scratch folder, step timings. */

/** Skips the suite when no CLI can be had, except in CI (CI=true), where that is a failure. */
export function requireCli(context: Mocha.Context): void {
    try {
        pulumiBinary();
    } catch (error) {
        if (process.env.CI)
            throw new Error(`The Pulumi CLI is required in CI: ${(error as Error).message}`, { cause: error });
        console.log("    skipped: no Pulumi CLI (run scripts/ensure-pulumi.sh, which needs Go, or install the CLI)");
        context.skip();
    }
}

/** A scratch folder outside the repository, as a CI runner's checkout path would be. */
export function scratchFolder(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Copies a folder (cp -a: modes and symlinks kept) to a new path. */
export function copyFolder(from: string, to: string): void {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    execFileSync("cp", ["-a", from, to]);
}

/**
 * A checkout as `git clone` + `npm ci` + `npm run build` leaves it, at `dir`: the repository's `parts`
 * (e.g. "Pulumi.yaml", "dist/program", "node_modules"), copied whole.
 */
export function checkoutCopy(dir: string, parts: string[]): string {
    for (const part of parts) copyFolder(path.join(repoRoot, part), path.join(dir, part));
    return dir;
}

/**
 * What must never show up after the root project ran on the demo seed file: its secret (hex and base64),
 * and every code the provider may have computed from it (HOTP over the files' counters, TOTP around now).
 */
export function demoSecretsAndCodes(): { secrets: string[]; codes: Set<string> } {
    const secrets = [rfcSecretHex, Buffer.from(rfcSecretHex, "hex").toString("base64")];
    const codes = new Set<string>();
    for (let counter = 0; counter < 60; counter++)
        for (const digits of [6, 8]) codes.add(hotp(rfcSecretHex, counter, digits));
    for (let offset = -20; offset <= 2; offset++) {
        for (const period of [30, 60])
            for (const digits of [6, 8])
                codes.add(totp(rfcSecretHex, Date.now() + offset * period * 1000, period, digits));
    }
    return { secrets, codes };
}

/** Wall time of each CLI step, printed after the suite for the record. */
export class StepTimes {
    private readonly rows: string[] = [];
    record(label: string, result: CliResult): CliResult {
        this.rows.push(`${label.padEnd(44)} ${result.seconds.toFixed(1).padStart(6)} s`);
        return result;
    }
    print(title: string): void {
        if (this.rows.length) console.log(`\n    ${title}\n${this.rows.map((r) => `      ${r}`).join("\n")}`);
    }
}

/** After a CLI command returns, nothing it started may live on in the project folder (polls up to 5 s). */
async function assertNothingLeftRunning(dir: string, after: string): Promise<void> {
    let left = processesUnder(dir);
    for (let i = 0; i < 50 && left.length > 0; i++) {
        await sleep(100);
        left = processesUnder(dir);
    }
    assert.deepEqual(left, [], `processes left running in ${dir} after ${after}`);
}

/** Runs a step, records its time and checks that it left no process behind. */
export async function step(
    project: PulumiProject,
    times: StepTimes,
    label: string,
    args: string[],
): Promise<CliResult> {
    const result = times.record(label, await project.run(args));
    await assertNothingLeftRunning(project.dir, `pulumi ${args.join(" ")}`);
    return result;
}

/** The "Resources:" summary counts of a CLI run, e.g. { created: 20 } or { unchanged: 20 }. */
export function resourceSummary(output: string): Record<string, number> {
    const block = output.slice(output.lastIndexOf("Resources:"));
    const counts: Record<string, number> = {};
    for (const match of block.matchAll(
        /^\s+[+~-]?\s*(\d+) (created|unchanged|deleted|updated|replaced|to create|to delete)\b/gm,
    )) {
        counts[match[2]] = Number(match[1]);
    }
    return counts;
}

/**
 * Asserts that none of `secrets` (plain substrings) and none of `codes` (OTPs, matched as whole digit
 * runs so a code inside a UUID or timestamp does not count) appears in any of the named texts.
 */
export function assertNoSecrets(
    texts: Record<string, string>,
    secrets: Iterable<string>,
    codes: Iterable<string>,
): void {
    for (const [where, text] of Object.entries(texts)) {
        for (const secret of secrets) assert.ok(!text.includes(secret), `${where} holds a secret`);
        for (const code of codes) {
            assert.doesNotMatch(text, new RegExp(`(?<![0-9a-fA-F])${code}(?![0-9a-fA-F])`), `${where} holds an OTP`);
        }
    }
}
