#!/usr/bin/env node
// `pulumi-pingone-oath check-seeds FILE`: reads a vendor seed file exactly as a roll-out would
// and prints one row per token (serial, type, digits, hash, counter or step, assigned user)
// and every problem, before anything touches PingOne. It never prints a secret, takes secrets
// only from environment variables (never argv, which `ps` and shell history show), and exits
// 1 when any token or assignment was refused, 2 when the file or the command line is unusable.

import { withOathTokenDefaults } from "../model/oathToken";
import { parseArgs } from "node:util";
import { loadAssignmentsFile } from "./assignments";
import { SEED_FILE_FORMATS, loadSeedFile, type SeedFileFormat, type SeedFileOptions } from "./loadSeedFile";
import {
    SeedFileError,
    formatSeedProblem,
    type Assignment,
    type SeedDefaults,
    type SeedProblem,
    type TokenSeed,
} from "./types";

export interface CliIo {
    out: (line: string) => void;
    err: (line: string) => void;
    env: NodeJS.ProcessEnv;
}

const USAGE = `usage: pulumi-pingone-oath check-seeds FILE [options]

Reads a seed file (PSKC, or CSV: ${SEED_FILE_FORMATS.filter((f) => f !== "pskc").join(", ")}) as a roll-out would
and lists every token and every problem. Secrets are never printed.

options:
  --assignments FILE         serialNumber,username (or userId) CSV: shows who gets each token
  --format FORMAT            auto (default), ${SEED_FILE_FORMATS.join(", ")}
  --passphrase-env VAR       read the PSKC passphrase from environment variable VAR
  --pre-shared-key-env VAR   read the PSKC pre-shared key (hex) from environment variable VAR
  --iv-env VAR               read a CBC IV (hex) for files whose values carry none
  --type HOTP|TOTP           type for files that do not say (PingID CSV, YubiKey logs)
  --time-step 30|60          TOTP time step where the file does not say
  --digits 6|8               OTP length where the file does not say
  --hash SHA1|SHA256|SHA512  TOTP hash where the file does not say
  --counter N                HOTP starting counter where the file does not say
  --now ISO-DATE             check PSKC Policy dates against this moment instead of now
  --max-bytes N              refuse larger files (default 20 MB)
  --max-tokens N             refuse files with more tokens (default 100000)

exit status: 0 all tokens load, 1 a token or assignment was refused, 2 unusable file or usage`;

export function main(argv: string[], io: Partial<CliIo> = {}): number {
    const out = io.out ?? ((line: string) => process.stdout.write(`${line}\n`));
    const err = io.err ?? ((line: string) => process.stderr.write(`${line}\n`));
    const env = io.env ?? process.env;

    let parsed: ReturnType<typeof parse>;
    try {
        parsed = parse(argv);
    } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const secretFlag = /--(passphrase|pre-shared-key|preSharedKeyHex|psk|secret|iv)\b(?!-env)/.test(argv.join(" "));
        err(
            secretFlag
                ? "secrets are read only from environment variables, never from the command line: " +
                      "use --passphrase-env VAR or --pre-shared-key-env VAR"
                : `${message}\n\n${USAGE}`,
        );
        return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
        out(USAGE);
        return 0;
    }
    const [command, file, ...extra] = positionals;
    if (command !== "check-seeds" || file === undefined || extra.length > 0) {
        err(command !== undefined && command !== "check-seeds" ? `unknown command "${command}"\n\n${USAGE}` : USAGE);
        return 2;
    }

    const options: SeedFileOptions = {};
    try {
        if (values.format !== undefined && values.format !== "auto") {
            if (!SEED_FILE_FORMATS.includes(values.format as SeedFileFormat)) {
                throw new UsageError(`--format ${values.format} is not one of auto, ${SEED_FILE_FORMATS.join(", ")}`);
            }
            options.format = values.format as SeedFileFormat;
        }
        const passphrase = secretFromEnv(env, values["passphrase-env"], "--passphrase-env");
        if (passphrase !== undefined) options.passphrase = passphrase;
        const key = secretFromEnv(env, values["pre-shared-key-env"], "--pre-shared-key-env");
        if (key !== undefined) options.preSharedKeyHex = key;
        const iv = secretFromEnv(env, values["iv-env"], "--iv-env");
        if (iv !== undefined) options.ivHex = iv;
        const defaults: SeedDefaults = {};
        if (values.type !== undefined) defaults.type = values.type.toUpperCase() as SeedDefaults["type"];
        if (values["time-step"] !== undefined) defaults.timeStep = wholeNumber(values["time-step"], "--time-step");
        if (values.digits !== undefined) defaults.digits = wholeNumber(values.digits, "--digits");
        if (values.hash !== undefined) defaults.hash = values.hash;
        if (values.counter !== undefined) defaults.counter = wholeNumber(values.counter, "--counter");
        if (Object.keys(defaults).length > 0) options.defaults = defaults;
        if (values["max-bytes"] !== undefined) options.maxFileBytes = wholeNumber(values["max-bytes"], "--max-bytes");
        if (values["max-tokens"] !== undefined) options.maxTokens = wholeNumber(values["max-tokens"], "--max-tokens");
        if (values.now !== undefined) {
            const now = new Date(values.now);
            if (Number.isNaN(now.getTime()))
                throw new UsageError(`--now ${values.now} is not a date (use e.g. 2026-05-01T00:00:00Z)`);
            options.now = now;
        }
    } catch (error) {
        err(error instanceof Error ? error.message : String(error));
        return 2;
    }

    let tokens: TokenSeed[];
    const problems: SeedProblem[] = [];
    try {
        const result = loadSeedFile(file, options);
        tokens = result.tokens;
        problems.push(...result.problems);
    } catch (error) {
        if (!(error instanceof SeedFileError)) throw error;
        err(`${file}: refused, no token can be loaded from it`);
        for (const problem of error.problems.length > 0
            ? error.problems
            : [{ location: { file }, message: error.message }]) {
            err(`  error: ${formatSeedProblem({ ...problem, severity: "error" })}`);
        }
        return 2;
    }

    const assigned = new Map<string, Assignment>();
    if (values.assignments !== undefined) {
        try {
            const result = loadAssignmentsFile(values.assignments);
            for (const assignment of result.assignments) assigned.set(assignment.serialNumber, assignment);
            problems.push(...result.problems);
            const serials = new Set(tokens.map((token) => token.serialNumber));
            for (const assignment of result.assignments) {
                if (!serials.has(assignment.serialNumber)) {
                    problems.push({
                        location: assignment.location,
                        message:
                            `serial ${assignment.serialNumber} is assigned but no token with that serial loaded from ${file}: ` +
                            `check the serial, or the seed file's problems`,
                        severity: "warning",
                    });
                }
            }
        } catch (error) {
            if (!(error instanceof SeedFileError)) throw error;
            err(`${values.assignments}: refused: ${error.message}`);
            return 2;
        }
    }

    const rows = tokens.map((token) => {
        const assignment = assigned.get(token.serialNumber);
        const user = assignment?.username ?? assignment?.userId ?? token.assignedTo?.username ?? "-";
        const { counter, timeStep } = withOathTokenDefaults(token);
        const position = token.type === "HOTP" ? `counter ${counter}` : `step ${timeStep}s`;
        const where =
            token.location.line !== undefined
                ? `line ${token.location.line}`
                : `KeyPackage ${token.location.keyPackage ?? "?"}`;
        const labels = {
            type: "type",
            otpLength: "digits",
            hashAlgorithm: "hash",
            counter: "counter",
            timeStep: "step",
        } as const;
        const assumed =
            token.assumed && token.assumed.length > 0
                ? ` (assumed: ` + `${token.assumed.map((field) => labels[field]).join(", ")})`
                : "";
        return [
            token.serialNumber,
            token.type,
            String(token.otpLength),
            token.hashAlgorithm,
            position,
            user,
            where + assumed,
        ];
    });
    printTable(out, ["SERIAL", "TYPE", "DIGITS", "HASH", "COUNTER/STEP", "USER", "FROM"], rows);

    const errors = problems.filter((problem) => problem.severity !== "warning");
    const warnings = problems.length - errors.length;
    if (problems.length > 0) out("");
    for (const problem of problems) {
        out(
            `${problem.severity === "warning" ? "warning" : "error"}: ${formatSeedProblem({ ...problem, severity: "error" })}`,
        );
    }
    out("");
    out(`${tokens.length} token(s) loaded, ${errors.length} refused, ${warnings} warning(s)`);
    return errors.length > 0 ? 1 : 0;
}

class UsageError extends Error {}

function parse(argv: string[]) {
    return parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
            help: { type: "boolean", short: "h" },
            assignments: { type: "string" },
            format: { type: "string" },
            "passphrase-env": { type: "string" },
            "pre-shared-key-env": { type: "string" },
            "iv-env": { type: "string" },
            type: { type: "string" },
            "time-step": { type: "string" },
            digits: { type: "string" },
            hash: { type: "string" },
            counter: { type: "string" },
            now: { type: "string" },
            "max-bytes": { type: "string" },
            "max-tokens": { type: "string" },
        },
    });
}

function secretFromEnv(env: NodeJS.ProcessEnv, variable: string | undefined, flag: string): string | undefined {
    if (variable === undefined) return undefined;
    const value = env[variable];
    if (value === undefined || value === "")
        throw new UsageError(`${flag} ${variable}: the environment variable ${variable} is not set`);
    return value;
}

function wholeNumber(text: string, flag: string): number {
    if (!/^\d+$/.test(text)) throw new UsageError(`${flag} ${text} is not a whole number`);
    return Number(text);
}

function printTable(out: (line: string) => void, header: string[], rows: string[][]): void {
    const widths = header.map((title, column) =>
        Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
    );
    const line = (cells: string[]): string =>
        cells
            .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
            .join("  ")
            .trimEnd();
    out(line(header));
    for (const row of rows) out(line(row));
}

if (require.main === module) {
    process.exitCode = main(process.argv.slice(2));
}
