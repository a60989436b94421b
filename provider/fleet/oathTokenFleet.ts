import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { type ConnectionArgs } from "../dynamic/moduleBackedResource";
import { projectFolder } from "../embeddedEmulator";
import { ResourceError } from "../errors";
import {
    type Assignment,
    type SeedLocation,
    type SeedProblem,
    SeedFileError,
    formatSeedProblem,
    loadAssignmentsFile,
} from "../seeds";
import { OathTokenBatch } from "./oathTokenBatch";
import { type BatchTokenInput, type BatchTokenState, type OnUnassign } from "./oathTokenBatchProvider";
import { type SecretReference } from "../secretReference";
import { type SeedFileReadOptions, fingerprintedSeeds, referencePath, secretOptions } from "./seedFileReference";
import { type ReportReference, reportFileProblem, reportPath, reportRows, updateReport } from "./rolloutReport";
import { batchOf, inShard as serialInShard } from "./shards";

/** How a fleet reads its seed file: format, defaults and limits; secrets by reference only. */
export interface FleetSeedFileOptions extends SeedFileReadOptions {
    /**
     * The PSKC passphrase, by where to read it: `{ config: "myproject:seedPassphrase" }` (stack config, set
     * with `pulumi config set --secret`) or `{ env: "PSKC_PASSPHRASE" }`. Never the value itself: the
     * program and the provider host each read it, so it is never a resource input (which Pulumi's SDK logs
     * at debug level during preview).
     */
    passphrase?: SecretReference;
    /** The PSKC pre-shared key (hex), by where to read it, as `passphrase`. */
    preSharedKey?: SecretReference;
    /** A CBC IV (hex) for files whose values carry none, by where to read it. */
    iv?: SecretReference;
}

export interface OathTokenFleetArgs {
    /** The PingOne environment (UUID). */
    environmentId: pulumi.Input<string>;
    /**
     * A PSKC (RFC 6030) or CSV seed file from the token vendor. Keep it inside the Pulumi project folder:
     * the stack stores its path relative to that folder, and `pulumi up`, `refresh` and `destroy` read it
     * again in the provider host (absolute paths are stored for files outside the folder).
     */
    seedFile: string;
    /** How to read the seed file (format, defaults, limits) and where its passphrase or key is found. */
    seedFileOptions?: FleetSeedFileOptions;
    /** A CSV of `serialNumber,username` (or `serialNumber,userId`). */
    assignmentsFile?: string;
    /**
     * Serials returned to the vendor or broken, one per line (or a CSV whose first column is `serialNumber`;
     * blank lines and `#` comments are skipped). Each is revoked if this stack created it and never paired
     * again, even while the seed file still holds it; an assignment of it is a warning and is left out. A
     * serial that leaves this file comes back into the roll-out. Default: none.
     */
    retiredSerialsFile?: string;
    /**
     * What becomes of a token that loses its user (a leaver's row removed, a lost fob's row pointing at a new
     * serial): `"unpair"` (default) deletes its device and keeps the token in the inventory, unpaired, ready
     * to be assigned again; `"revoke"` deletes the device and revokes the token, if this stack created it
     * (an adopted token is only unpaired from a device the stack made). Either way the stack touches only
     * what it created.
     */
    onUnassign?: OnUnassign;
    /** Activate the paired devices with codes computed from the seeds (default true). */
    activate?: boolean;
    /**
     * Take over tokens and devices PingOne already holds for these serials (default false: each is an
     * error naming it, since a stack owns only what it created). Adopted objects are never revoked or
     * deleted by the stack. For a roll-out re-run after a run that died before saving its state.
     */
    adoptExisting?: boolean;
    /**
     * How many `OathTokenBatch` resources the tokens are spread over, by a hash of the serial (default 16;
     * 1 to 256). Fixed for the life of a fleet: another number moves tokens between batches, which
     * revokes and re-creates them.
     */
    batches?: number;
    /**
     * Only the tokens of one shard of the seed file: those whose serial hashes to `index` of `count`
     * (0 ≤ index < count ≤ 1024). For roll-outs split over several stacks (e.g. one per 10,000 tokens, run
     * side by side with the Automation API; see docs/scale.md): each stack takes its shard, and no token
     * is in two. Default: all tokens. Assignments and file problems of other shards are not reported.
     */
    shard?: { index: number; count: number };
    /**
     * Where to write the roll-out report for the service desk, relative to the project folder: `.csv` (a
     * spreadsheet; the counts are the first lines, starting with `#`) or `.md` (Markdown). One row per token
     * (serial, user, status, device id, resynced, when paired and activated, token and device created or
     * adopted, and for a failed token the error and its fix), counts at the top, no secret. Written after
     * every `pulumi up` (also one that fails some tokens) and `pulumi refresh`, and emptied by `pulumi
     * destroy`; beside it a hidden `.<name>.parts/` folder holds each batch's rows (keep both out of git).
     * Default: no report. See docs/rollout-report.md.
     */
    reportFile?: string;
    connection?: pulumi.Input<ConnectionArgs>;
}

/** One assigned token, as the fleet reports it. */
export interface FleetDevice {
    serialNumber: string;
    /** The username or user id of the assignment. */
    user: string;
    /** "" until paired. */
    deviceId: string;
    /**
     * The device's status (`ACTIVE`, `ACTIVATION_REQUIRED`); `FAILED` (the run said why), `SKIPPED` (no such
     * user), or `PENDING` (at preview).
     */
    status: string;
    resynced: boolean;
}

/** Default number of batches; see `OathTokenFleetArgs.batches`. */
const defaultBatches = 16;

/**
 * Rolls out hardware tokens from a vendor seed file: each token goes to the inventory, and each assigned
 * token is paired with its user and activated. The tokens are spread over a fixed number of
 * `OathTokenBatch` resources (by a hash of the serial), so a thousand tokens are a few resources in the
 * state, not thousands: adding or changing a row updates the one batch holding it, and only that token.
 *
 * Problems in the files, and usernames PingOne does not know (found at preview), are warnings naming the
 * file and line; those rows are left out and the good ones are provisioned all the same. Secrets never
 * leave the seed file as resource inputs: the provider host reads the file itself.
 *
 * @example
 * const fleet = new OathTokenFleet("tokens", {
 *     environmentId,
 *     seedFile: "batch.pskcxml",
 *     seedFileOptions: { passphrase: { config: "myproject:seedPassphrase" } },
 *     assignmentsFile: "assignments.csv",
 * });
 * export const devices = fleet.summary;
 */
export class OathTokenFleet extends pulumi.ComponentResource {
    /** The batches, by name. */
    readonly batches: Record<string, OathTokenBatch> = {};
    /** What each assigned token ended up as. */
    readonly summary: pulumi.Output<FleetDevice[]>;
    /** Problems found in the files; each also logged as a warning. */
    readonly problems: SeedProblem[] = [];
    /** The roll-out report's absolute path (`reportFile`), or undefined; written after `pulumi up`. */
    readonly reportPath: string | undefined;

    /** The same as `new OathTokenFleet(name, args, opts)`. */
    static fromFiles(name: string, args: OathTokenFleetArgs, opts?: pulumi.ComponentResourceOptions): OathTokenFleet {
        return new OathTokenFleet(name, args, opts);
    }

    constructor(name: string, args: OathTokenFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("pingone:index:OathTokenFleet", name, {}, opts);
        const batchCount = args.batches ?? defaultBatches;
        if (!Number.isInteger(batchCount) || batchCount < 1 || batchCount > 256) {
            throw new SeedFileError(
                `OathTokenFleet ${name}: batches must be a whole number from 1 to 256; got ${args.batches}.`,
            );
        }
        const shard = args.shard;
        const validShard = (sh: { index: number; count: number }) =>
            Number.isInteger(sh.count) &&
            Number.isInteger(sh.index) &&
            sh.count <= 1024 &&
            sh.index >= 0 &&
            sh.index < sh.count;
        if (shard && !validShard(shard)) {
            throw new SeedFileError(
                `OathTokenFleet ${name}: shard must be { index, count } with whole numbers 0 ≤ index < count ≤ 1024; got ${JSON.stringify(shard)}.`,
            );
        }
        if (args.onUnassign !== undefined && args.onUnassign !== "unpair" && args.onUnassign !== "revoke") {
            throw new SeedFileError(
                `OathTokenFleet ${name}: onUnassign must be "unpair" (a token that loses its user stays in the inventory) ` +
                    `or "revoke" (it is revoked); got ${JSON.stringify(args.onUnassign)}.`,
            );
        }
        const retired = args.retiredSerialsFile ? loadRetiredSerials(args.retiredSerialsFile) : new Set<string>();
        const reportProblem = args.reportFile === undefined ? undefined : reportFileProblem(args.reportFile);
        if (reportProblem) throw new SeedFileError(`OathTokenFleet ${name}: ${reportProblem}`);
        const report: ReportReference | undefined = args.reportFile
            ? { file: referencePath(path.resolve(args.reportFile), projectFolder()), fleet: name }
            : undefined;
        /** Where the report was written, once every batch has run (undefined at preview or without one). */
        this.reportPath = report ? reportPath(report) : undefined;
        const inShard = (serial: string) => serialInShard(serial, shard);
        const { passphrase, preSharedKey, iv, ...readOptions } = args.seedFileOptions ?? {};
        for (const [key, ref] of Object.entries({ passphrase, preSharedKey, iv })) {
            if (ref !== undefined && (typeof ref !== "object" || !("config" in ref || "env" in ref))) {
                throw new SeedFileError(
                    `OathTokenFleet ${name}: seedFileOptions.${key} must say where to read the secret, { config: "<project>:<key>" } ` +
                        `or { env: "VARIABLE" }, not the secret itself: the provider host reads it there, so it never becomes a ` +
                        `resource input (Pulumi logs inputs at preview).`,
                );
            }
        }
        const file = path.resolve(args.seedFile);
        const seedFile = {
            path: referencePath(file, projectFolder()),
            ...(Object.keys(readOptions).length > 0 ? { options: readOptions } : {}),
            ...(passphrase ? { passphrase } : {}),
            ...(preSharedKey ? { preSharedKey } : {}),
            ...(iv ? { iv } : {}),
            // The provider host then reads (and keeps) only this shard's seeds too.
            ...(shard ? { shard: { index: shard.index, count: shard.count } } : {}),
        };
        // Parsed once per process and file version: a program run again in the same process (the Automation
        // API's inline programs) does not parse it again; a shard parses only its own KeyPackages.
        const loaded = fingerprintedSeeds(
            file,
            { ...readOptions, ...secretOptions(seedFile, (key) => pulumi.runtime.getConfig(key)) },
            shard,
        );
        const seeds = loaded.result;
        const assignments = args.assignmentsFile
            ? loadAssignmentsFile(args.assignmentsFile)
            : { assignments: [], problems: [] };
        const mine = (location: SeedLocation) => location.serialNumber === undefined || inShard(location.serialNumber);
        this.report([...seeds.problems, ...assignments.problems].filter((p) => mine(p.location)));

        // The loader kept only the shard's tokens (an assignment of another shard is skipped before it is looked up).
        const tokensOfShard = seeds.tokens;
        const bySerial = loaded.bySerial;
        const assigned = new Map<string, Pick<Assignment, "userId" | "username" | "location">>();
        for (const token of tokensOfShard)
            if (token.assignedTo) assigned.set(token.serialNumber, { ...token.assignedTo, location: token.location });
        for (const a of assignments.assignments) {
            if (!inShard(a.serialNumber)) continue;
            if (retired.has(a.serialNumber)) {
                this.report([
                    {
                        location: a.location,
                        message: `Assignment of token ${a.serialNumber}: the serial is retired (${args.retiredSerialsFile}); the row is skipped. Assign the user another token.`,
                    },
                ]);
                continue;
            }
            if (!bySerial.has(a.serialNumber)) {
                this.report([
                    {
                        location: a.location,
                        message: `Assignment of token ${a.serialNumber}: no such serial in the seed file; the row is skipped.`,
                    },
                ]);
                continue;
            }
            assigned.set(a.serialNumber, a);
        }

        const shards: Record<string, BatchTokenInput>[] = Array.from({ length: batchCount }, () => ({}));
        for (const token of tokensOfShard) {
            if (retired.has(token.serialNumber)) assigned.delete(token.serialNumber); // an assignment inside the seed file
            const user = assigned.get(token.serialNumber);
            shards[batchOf(token.serialNumber, batchCount)]![token.serialNumber] = {
                fingerprint: bySerial.get(token.serialNumber)!.fingerprint,
                ...(user?.userId ? { userId: user.userId } : user?.username ? { username: user.username } : {}),
                ...(retired.has(token.serialNumber) ? { retired: true } : {}),
            };
        }
        const rows: pulumi.Output<FleetDevice[]>[] = [];
        shards.forEach((tokens, index) => {
            if (Object.keys(tokens).length === 0) return;
            const batchName = `${name}-batch-${String(index).padStart(2, "0")}`;
            const batch = new OathTokenBatch(
                batchName,
                {
                    environmentId: args.environmentId,
                    seedFile,
                    tokens,
                    activate: args.activate,
                    adopt: args.adoptExisting,
                    onUnassign: args.onUnassign,
                    connection: args.connection,
                    // Reported below, once every batch has run: a failed step would keep Pulumi from
                    // starting the batches still waiting for a slot.
                    failOnTokenErrors: false,
                    report,
                },
                { parent: this },
            );
            this.batches[batchName] = batch;
            batch.skipped.apply((skipped) => {
                for (const [serial, reason] of Object.entries(skipped ?? {})) {
                    const location: SeedLocation = assigned.get(serial)?.location ?? {
                        file: args.seedFile,
                        serialNumber: serial,
                    };
                    pulumi.log.warn(
                        formatSeedProblem({
                            location,
                            message:
                                `${reason}: the assignment is left out (token ${serial} goes to the inventory; if it is paired ` +
                                `already, it stays with its current user). Fix the username (PingOne matches it ` +
                                `case-insensitively) or create the user, and run again.`,
                        }),
                        this,
                    );
                }
            });
            rows.push(
                pulumi.all([batch.tokens, batch.skipped]).apply(([state, skipped]) =>
                    Object.entries(state ?? {})
                        .filter(([serial]) => assigned.has(serial))
                        .map(([serial, row]) =>
                            summaryOf(serial, row as BatchTokenState, assigned.get(serial)!, !!skipped?.[serial]),
                        ),
                ),
            );
        });
        const states = Object.values(this.batches).map((b) => b.tokens);
        const skips = Object.values(this.batches).map((b) => b.skipped);
        const batchNames = Object.keys(this.batches);
        const usersOf = (tokens: Record<string, BatchTokenInput>) =>
            Object.fromEntries(Object.entries(tokens).map(([serial, t]) => [serial, t.username ?? t.userId ?? ""]));
        const batchUsers = shards.filter((tokens) => Object.keys(tokens).length > 0).map(usersOf);
        this.summary = pulumi
            .all(rows)
            .apply((parts) => parts.flat().sort((a, b) => a.serialNumber.localeCompare(b.serialNumber)));
        // Once every batch has run: fail the program, naming each failed token. Not an output (whose
        // serialization would prefix the message, and which would copy every row into the state again): an
        // error Pulumi prints as its message, as it does its own RunError.
        pulumi.all([pulumi.all(states), pulumi.all(skips)]).apply(([batchStates, batchSkips]) => {
            // After up, before failing it: the report must also tell what failed. Not at preview (no state yet).
            if (report && !pulumi.runtime.isDryRun()) {
                const parts = Object.fromEntries(
                    batchNames.map((batch, i) => [
                        batch,
                        reportRows(
                            (batchStates[i] ?? {}) as Record<string, BatchTokenState>,
                            batchUsers[i]!,
                            batchSkips[i],
                        ),
                    ]),
                );
                const file = updateReport(report, parts, new Set(batchNames));
                pulumi.log.info(`Roll-out report: ${file}`, this);
            }
            const failed = batchStates.flatMap((state) =>
                Object.values(state ?? {})
                    .map((row) => (row as BatchTokenState).error)
                    .filter((error): error is string => !!error),
            );
            if (failed.length > 0) throw fleetIncomplete(name, failed, tokensOfShard.length);
        });
        this.registerOutputs({});
    }

    private report(problems: SeedProblem[]): void {
        for (const p of problems) pulumi.log.warn(formatSeedProblem(p), this);
        this.problems.push(...problems);
    }
}

/**
 * Some tokens failed once every batch had run: the stack keeps what was done (each batch's state holds each
 * token's error), and the next `pulumi up` retries only the failed tokens.
 */
function fleetIncomplete(name: string, failures: string[], total: number): ResourceError {
    const shown = failures.slice(0, 25);
    const error = new ResourceError(
        `OathTokenFleet ${name}: ${failures.length} of ${total} tokens failed; the others are provisioned and kept in the stack:\n` +
            shown.map((f) => `  - ${f}`).join("\n") +
            (failures.length > shown.length ? `\n  ... and ${failures.length - shown.length} more.` : "") +
            `\nFix what the messages say and run pulumi up again: only the failed tokens are retried.`,
    );
    // Printed as its message, as Pulumi prints its own RunError (see PingOneOathError).
    error.stack = error.message;
    return error;
}

/**
 * The serials of a retired-serials file: one per line, or the first column of a CSV (a `serialNumber`
 * header is skipped); blank lines and `#` comments are skipped.
 * @throws SeedFileError naming the file when it cannot be read.
 */
function loadRetiredSerials(file: string): Set<string> {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        throw new SeedFileError(
            `The retired serials file ${file} cannot be read (${(error as Error).message}); fix retiredSerialsFile.`,
        );
    }
    const serials = new Set<string>();
    for (const line of text.split(/\r?\n/)) {
        const serial = line.split(",")[0]!.trim().replace(/^"|"$/g, "");
        if (serial && !serial.startsWith("#") && serial.toLowerCase() !== "serialnumber") serials.add(serial);
    }
    return serials;
}

function summaryOf(
    serial: string,
    row: BatchTokenState,
    user: Pick<Assignment, "userId" | "username">,
    skipped: boolean,
): FleetDevice {
    return {
        serialNumber: serial,
        user: user.username ?? user.userId ?? "",
        deviceId: row.deviceId ?? "",
        // At preview the batch shows its inputs: no status yet.
        status: skipped ? "SKIPPED" : row.error ? "FAILED" : (row.status ?? "PENDING"),
        resynced: row.resynced ?? false,
    };
}
