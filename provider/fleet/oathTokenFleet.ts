import { withOathTokenDefaults } from "../model/oathToken";
import * as pulumi from "@pulumi/pulumi";
import { OathTokenActivation } from "../activation/oathTokenActivation";
import { type ConnectionArgs } from "../dynamic/moduleBackedResource";
import { OathToken } from "../inventory/oathToken";
import { OathTokenDevice } from "../pairing/oathTokenDevice";
import {
    type Assignment,
    type SeedFileOptions,
    type SeedProblem,
    type TokenSeed,
    formatSeedProblem,
    loadAssignmentsFile,
    loadSeedFile,
} from "../seeds";

export interface OathTokenFleetArgs {
    /** The PingOne environment (UUID). */
    environmentId: pulumi.Input<string>;
    /** The tokens, e.g. from `loadSeedFile`. Each becomes an inventory entry. */
    tokens: TokenSeed[];
    /**
     * Who gets which token. Each assigned token is paired with its user and activated. Tokens whose
     * seed file names the user (Microsoft Entra CSV) need no row here.
     */
    assignments?: Assignment[];
    /** Activate the paired devices with codes computed from the seeds (default true). */
    activate?: boolean;
    /**
     * Take over tokens and devices PingOne already holds for these serials (default false: each is an
     * error naming it, since a stack owns only what it created). Adopted objects are never revoked or
     * deleted by the stack. For a roll-out re-run after a run that died before saving its state.
     */
    adoptExisting?: boolean;
    connection?: pulumi.Input<ConnectionArgs>;
}

export interface OathTokenFleetFileArgs extends Omit<OathTokenFleetArgs, "tokens" | "assignments"> {
    /** A PSKC (RFC 6030) or CSV seed file from the token vendor. */
    seedFile: string;
    /** Options for encrypted PSKC files or the CSV layout. */
    seedFileOptions?: SeedFileOptions;
    /** A CSV of `serialNumber,username` (or `serialNumber,userId`). */
    assignmentsFile?: string;
}

/** One provisioned token, as the fleet reports it. */
export interface FleetDevice {
    serialNumber: string;
    user: string;
    deviceId: string;
    status: string;
    resynced: boolean;
}

/**
 * Rolls out hardware tokens: for each token an inventory entry, and for each assigned token a device
 * paired with its user and an activation, all named after the serial so adding a row adds three
 * resources and removing one removes them. Problems in the files are reported as warnings naming the
 * file and line; the good rows are provisioned all the same.
 *
 * @example
 * const fleet = OathTokenFleet.fromFiles("tokens", {
 *     environmentId,
 *     seedFile: "batch.pskcxml",
 *     seedFileOptions: { passphrase: process.env.PSKC_PASSPHRASE },
 *     assignmentsFile: "assignments.csv",
 * });
 * export const devices = fleet.summary;
 */
export class OathTokenFleet extends pulumi.ComponentResource {
    /** The tokens put in the inventory, by serial. */
    readonly tokens: Record<string, OathToken> = {};
    readonly devices: Record<string, OathTokenDevice> = {};
    readonly activations: Record<string, OathTokenActivation> = {};
    /** What each assigned token ended up as. */
    readonly summary: pulumi.Output<FleetDevice[]>;
    /** Problems found in the inputs; each also logged as a warning. */
    readonly problems: SeedProblem[];

    static fromFiles(
        name: string,
        args: OathTokenFleetFileArgs,
        opts?: pulumi.ComponentResourceOptions,
    ): OathTokenFleet {
        const seeds = loadSeedFile(args.seedFile, args.seedFileOptions);
        const assignments = args.assignmentsFile
            ? loadAssignmentsFile(args.assignmentsFile)
            : { assignments: [], problems: [] };
        const fleet = new OathTokenFleet(
            name,
            { ...args, tokens: seeds.tokens, assignments: assignments.assignments },
            opts,
        );
        fleet.report([...seeds.problems, ...assignments.problems]);
        return fleet;
    }

    constructor(name: string, args: OathTokenFleetArgs, opts?: pulumi.ComponentResourceOptions) {
        super("pingone:index:OathTokenFleet", name, {}, opts);
        const child = { parent: this };
        this.problems = [];
        const bySerial = new Map(args.tokens.map((t) => [t.serialNumber, t]));
        const assignmentBySerial = new Map<string, { username?: string; userId?: string }>();
        for (const token of args.tokens)
            if (token.assignedTo) assignmentBySerial.set(token.serialNumber, token.assignedTo);
        for (const a of args.assignments ?? []) {
            if (!bySerial.has(a.serialNumber)) {
                this.problems.push({
                    location: a.location,
                    message: `Assignment of token ${a.serialNumber}: no such serial in the seed file; the row is skipped.`,
                });
                continue;
            }
            assignmentBySerial.set(a.serialNumber, { username: a.username, userId: a.userId });
        }

        const rows: pulumi.Output<FleetDevice>[] = [];
        for (const seed of args.tokens) {
            const serial = seed.serialNumber;
            // A counter for HOTP, a time step for TOTP: PingOne's defaults where the file said nothing.
            const filled = withOathTokenDefaults(seed);
            const token = new OathToken(
                `${name}-${serial}`,
                {
                    environmentId: args.environmentId,
                    serialNumber: serial,
                    secret: seed.secret,
                    type: seed.type,
                    otpLength: seed.otpLength,
                    hashAlgorithm: seed.hashAlgorithm,
                    counter: filled.counter,
                    timeStep: filled.timeStep,
                    adopt: args.adoptExisting,
                    connection: args.connection,
                },
                child,
            );
            this.tokens[serial] = token;
            const user = assignmentBySerial.get(serial);
            if (!user) continue;
            const device = new OathTokenDevice(
                `${name}-${serial}-device`,
                {
                    environmentId: args.environmentId,
                    userId: user.userId,
                    username: user.userId ? undefined : user.username,
                    // From the token's output, so pairing waits for the inventory entry.
                    serialNumber: token.serialNumber,
                    adopt: args.adoptExisting,
                    connection: args.connection,
                },
                child,
            );
            this.devices[serial] = device;
            if (args.activate === false) continue;
            const activation = new OathTokenActivation(
                `${name}-${serial}-activation`,
                {
                    environmentId: args.environmentId,
                    userId: device.userId,
                    deviceId: device.deviceId,
                    seed: {
                        secret: seed.secret,
                        type: seed.type,
                        otpLength: seed.otpLength,
                        hashAlgorithm: seed.hashAlgorithm,
                        counter: seed.counter,
                        timeStep: seed.timeStep,
                    },
                    deleteDeviceOnDestroy: false,
                    connection: args.connection,
                },
                child,
            );
            this.activations[serial] = activation;
            rows.push(
                pulumi
                    .all([activation.status, activation.resynced, device.deviceId])
                    .apply(([status, resynced, deviceId]) => ({
                        serialNumber: serial,
                        user: user.username ?? user.userId ?? "",
                        deviceId,
                        status,
                        resynced,
                    })),
            );
        }
        this.summary = pulumi.all(rows);
        this.report(this.problems);
        this.registerOutputs({ summary: this.summary });
    }

    private report(problems: SeedProblem[]): void {
        for (const p of problems) pulumi.log.warn(formatSeedProblem(p), this);
        if (problems !== this.problems) this.problems.push(...problems);
    }
}
