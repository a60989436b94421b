import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/**
 * What one acceptance run plans to create in the tenant, derived from its prefix alone, and the ledger of
 * what it did create (written before each create, so a run that dies still leaves the list behind). The
 * sweep removes only what the ledger names, looked up by exact username or serial.
 */

/** Single tokens: a plain HOTP activation, a HOTP one that needs a resync, a TOTP one read from a command. */
type SingleKind = "hotp" | "hotp-resync" | "totp";

export interface Plan {
    /** `p1acc-<8 hex>-`: every username starts with it. */
    prefix: string;
    /** `P1ACC<8 HEX>`: every serial starts with it (PingOne serials are letters and digits only). */
    serialPrefix: string;
    singles: { name: string; kind: SingleKind; username: string; serialNumber: string }[];
    /** The fleet's tokens; those with a username are assigned (paired and activated), the others inventory only. */
    fleet: { serialNumber: string; username?: string }[];
}

/** Fleet size, and how many of its tokens are left unassigned (inventory only). */
const fleetTokens = 24;
const unassignedFleetTokens = 2;
const singleKinds: SingleKind[] = ["hotp", "hotp-resync", "totp"];

const prefixPattern = /^p1acc-[0-9a-f]{8}-$/;

export function newPrefix(): string {
    return `p1acc-${randomBytes(4).toString("hex")}-`;
}

/** The prefix as given to `--sweep`, checked: a sweep never runs for anything but a run's own prefix. */
export function checkedPrefix(value: string): string {
    if (!prefixPattern.test(value))
        throw new Error(
            `"${value}" is not an acceptance run's prefix (p1acc- and 8 hex digits and -, e.g. p1acc-1a2b3c4d-)`,
        );
    return value;
}

/** The run's plan: the same for the same prefix, so a sweep can rebuild it when the ledger file is gone. */
export function planFor(prefix: string): Plan {
    checkedPrefix(prefix);
    const serialPrefix = prefix.replace(/-/g, "").toUpperCase();
    const two = (n: number) => String(n).padStart(2, "0");
    return {
        prefix,
        serialPrefix,
        singles: singleKinds.map((kind, i) => ({
            name: `s${two(i + 1)}`,
            kind,
            username: `${prefix}s${two(i + 1)}`,
            serialNumber: `${serialPrefix}S${two(i + 1)}`,
        })),
        fleet: Array.from({ length: fleetTokens }, (_, i) => ({
            serialNumber: `${serialPrefix}F${two(i + 1)}`,
            ...(i < fleetTokens - unassignedFleetTokens ? { username: `${prefix}f${two(i + 1)}` } : {}),
        })),
    };
}

export function plannedUsernames(plan: Plan): string[] {
    return [...plan.singles.map((s) => s.username), ...plan.fleet.flatMap((f) => (f.username ? [f.username] : []))];
}

export function plannedSerials(plan: Plan): string[] {
    return [...plan.singles.map((s) => s.serialNumber), ...plan.fleet.map((f) => f.serialNumber)];
}

export interface LedgerData {
    plan: Plan;
    environmentId: string;
    apiUrl: string;
    startedAt: string;
    /** Users this run asked PingOne to create (before the call), with the id PingOne gave (after). */
    users: Record<string, { id?: string }>;
    /** Token ids seen for the planned serials after `pulumi up` (the stack creates the tokens). */
    tokens: Record<string, { id: string }>;
}

/** Ledgers live in the project's cache folder (as scripts/ensure-pulumi.sh's), one JSON file per prefix. */
function ledgerFile(prefix: string): string {
    const cache = process.env.PULUMI_PINGONE_CACHE || path.join(os.homedir(), ".cache", "pulumi-pingone-oath");
    return path.join(cache, "acceptance", `${checkedPrefix(prefix)}.json`);
}

export class Ledger {
    private constructor(
        readonly file: string,
        readonly data: LedgerData,
        /** False when the file was missing and the plan was rebuilt from the prefix. */
        readonly fromFile: boolean,
    ) {}

    static create(plan: Plan, environmentId: string, apiUrl: string): Ledger {
        const ledger = new Ledger(
            ledgerFile(plan.prefix),
            { plan, environmentId, apiUrl, startedAt: new Date().toISOString(), users: {}, tokens: {} },
            true,
        );
        ledger.save();
        return ledger;
    }

    /**
     * The ledger of an earlier run; without its file, the plan rebuilt from the prefix with every planned user
     * counted as asked for (their names carry the run's random prefix, so no other run could have made them).
     */
    static open(prefix: string, environmentId: string, apiUrl: string): Ledger {
        const file = ledgerFile(prefix);
        if (fs.existsSync(file)) {
            const data = JSON.parse(fs.readFileSync(file, "utf8")) as LedgerData;
            if (data.environmentId !== environmentId)
                throw new Error(
                    `The ledger ${file} is of environment ${data.environmentId}, not PINGONE_ENVIRONMENT_ID=${environmentId}: ` +
                        `run the sweep with the variables of that run.`,
                );
            return new Ledger(file, data, true);
        }
        const plan = planFor(prefix);
        const users = Object.fromEntries(plannedUsernames(plan).map((u) => [u, {}]));
        return new Ledger(
            file,
            { plan, environmentId, apiUrl, startedAt: "(unknown: no ledger file)", users, tokens: {} },
            false,
        );
    }

    get plan(): Plan {
        return this.data.plan;
    }

    userAsked(username: string): void {
        this.data.users[username] = {};
        this.save();
    }

    userCreated(username: string, id: string): void {
        this.data.users[username] = { id };
        this.save();
    }

    tokenSeen(serialNumber: string, id: string): void {
        this.data.tokens[serialNumber] = { id };
        this.save();
    }

    /** Removes the file once the sweep has left nothing behind. */
    discard(): void {
        fs.rmSync(this.file, { force: true });
    }

    private save(): void {
        fs.mkdirSync(path.dirname(this.file), { recursive: true });
        const temp = `${this.file}.${process.pid}.tmp`;
        fs.writeFileSync(temp, `${JSON.stringify(this.data, null, 2)}\n`);
        fs.renameSync(temp, this.file);
    }
}
