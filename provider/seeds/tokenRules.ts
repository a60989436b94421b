// PingOne's rules for an OATH token, applied the same way whatever file format a seed came
// from, plus the collector every loader uses to turn drafts into tokens or problems. What a
// file does not say is filled from the file-level defaults (or the built-in ones) and named
// in one warning per file, so a PingID CSV of TOTP fobs cannot silently load as HOTP.

import { oathTokenDefaults, oathTokenRules, type OathHashAlgorithm, type OathTokenType } from "../model/oathToken";
import { DEFAULT_MAX_TOKENS } from "./files";
import {
    seedFileError,
    type SeedDefaults,
    type SeedLoadResult,
    type SeedLocation,
    type SeedProblem,
    type SeedProblemCause,
    type TokenSeed,
} from "./types";

/** What a loader read for one token, before PingOne's rules are applied. */
export interface TokenDraft {
    serialNumber?: string;
    secret?: string;
    /** Absent when the file does not say (PingID CSV, YubiKey logs): taken from the defaults. */
    type?: OathTokenType;
    otpLength?: number;
    hashAlgorithm?: OathHashAlgorithm;
    counter?: number;
    timeStep?: number;
    manufacturer?: string;
    model?: string;
    assignedTo?: { username: string };
}

/** RFC 4226 section 4: the shared secret must be at least 128 bits. */
const MIN_SECRET_BYTES = 16;

/** PingOne accepts serials of 1-50 letters and digits; returns what is wrong, if anything. */
export function serialIssue(serial: string | undefined): string | undefined {
    return oathTokenRules.serialNumber(serial, "serial number");
}

/** A non-negative whole number written in decimal, or undefined. */
export function parseWholeNumber(text: string): number | undefined {
    const trimmed = text.trim();
    if (!/^\d+$/.test(trimmed)) return undefined;
    const value = Number(trimmed);
    return Number.isSafeInteger(value) ? value : undefined;
}

/** "sha1", "SHA-256", "HMAC-SHA512", "HmacSHA1" ... to PingOne's names. */
export function parseHashName(text: string): OathHashAlgorithm | undefined {
    const name = text
        .trim()
        .toLowerCase()
        .replace(/^hmac[-_]?/, "")
        .replace(/[-_]/g, "");
    if (name === "sha1") return "HmacSHA1";
    if (name === "sha256") return "HmacSHA256";
    if (name === "sha512") return "HmacSHA512";
    return undefined;
}

export function describeLocation(location: SeedLocation): string {
    if (location.line !== undefined) return `line ${location.line}`;
    if (location.keyPackage !== undefined) return `KeyPackage ${location.keyPackage}`;
    return location.file;
}

/** Defaults checked once per file: a bad default is a mistake in the options, not in the file. */
export interface ResolvedDefaults {
    type?: OathTokenType;
    timeStep?: number;
    otpLength?: number;
    hashAlgorithm?: OathHashAlgorithm;
    counter?: number;
}

export function resolveDefaults(file: string, defaults: SeedDefaults | undefined): ResolvedDefaults {
    const resolved: ResolvedDefaults = {};
    if (!defaults) return resolved;
    const bad = (what: string): never => {
        throw seedFileError(file, `the defaults option is wrong: ${what}`);
    };
    if (defaults.type !== undefined) {
        const type = String(defaults.type).toUpperCase();
        if (type !== "HOTP" && type !== "TOTP") bad(`type "${String(defaults.type)}" must be HOTP or TOTP`);
        resolved.type = type as OathTokenType;
    }
    if (defaults.timeStep !== undefined) {
        if (oathTokenRules.timeStep(defaults.timeStep))
            bad(`timeStep ${defaults.timeStep} must be 30 or 60 (what PingOne accepts)`);
        resolved.timeStep = defaults.timeStep;
    }
    if (defaults.digits !== undefined) {
        if (oathTokenRules.otpLength(defaults.digits))
            bad(`digits ${defaults.digits} must be 6 or 8 (what PingOne accepts)`);
        resolved.otpLength = defaults.digits;
    }
    if (defaults.hash !== undefined) {
        const hash = parseHashName(defaults.hash);
        if (!hash) bad(`hash "${defaults.hash}" must be SHA1, SHA256 or SHA512`);
        resolved.hashAlgorithm = hash;
    }
    if (defaults.counter !== undefined) {
        const issue = oathTokenRules.counter(defaults.counter);
        if (issue) bad(issue);
        resolved.counter = defaults.counter;
    }
    return resolved;
}

type AssumedField = NonNullable<TokenSeed["assumed"]>[number];

const FIELD_LABELS: Record<AssumedField, string> = {
    type: "type",
    otpLength: "digits",
    hashAlgorithm: "hash",
    counter: "counter",
    timeStep: "time step",
};

export interface CollectorOptions {
    file: string;
    defaults?: ResolvedDefaults;
    maxTokens?: number;
    /** Why a layout leaves values out, for the warning (e.g. "the PingID layout has no type column"). */
    assumedReason?: string;
    /** The format itself defines SHA1 when no hash is named (PSKC's HOTP/TOTP profiles), so it is not an assumption. */
    hashDefinedByFormat?: boolean;
}

/** Collects tokens and problems for one file; enforces the rules and rejects duplicate serials. */
export class TokenCollector {
    private readonly tokens: TokenSeed[] = [];
    private readonly problems: SeedProblem[] = [];
    private readonly seen = new Map<string, SeedLocation>();
    private readonly assumedCounts = new Map<
        string,
        { field: AssumedField; value: string; fromDefaults: boolean; count: number }
    >();
    private readonly options: CollectorOptions;

    constructor(options: CollectorOptions | string = { file: "<seeds>" }) {
        this.options = typeof options === "string" ? { file: options } : options;
    }

    /** Record a row/KeyPackage that could not be loaded; all issues go into one message. */
    reject(location: SeedLocation, issues: string[], hint?: string, cause?: SeedProblemCause): void {
        const message = joinIssues(issues) + (hint ? ` (${hint})` : "");
        const problem: SeedProblem = { location, message, severity: "error" };
        problem.cause = cause ?? guessCause(message);
        this.problems.push(problem);
    }

    warn(location: SeedLocation, message: string, cause: SeedProblemCause = "other"): void {
        this.problems.push({ location, message, severity: "warning", cause });
    }

    /**
     * Apply the defaults and PingOne's rules to a draft; loads it, or records why not (with
     * earlier issues). `checkDuplicates: false` when the caller already settled serial clashes.
     */
    accept(
        draft: TokenDraft,
        location: SeedLocation,
        earlierIssues: string[] = [],
        hint?: string,
        checkDuplicates = true,
    ): TokenSeed | undefined {
        const issues = [...earlierIssues];
        const defaults = this.options.defaults ?? {};
        const assumed: Array<{ field: AssumedField; value: string; fromDefaults: boolean }> = [];
        const pick = <T>(
            field: AssumedField,
            given: T | undefined,
            fallback: T | undefined,
            builtIn: T,
            record = true,
        ): T => {
            if (given !== undefined) return given;
            const value = fallback ?? builtIn;
            if (record) assumed.push({ field, value: String(value), fromDefaults: fallback !== undefined });
            return value;
        };

        const type = pick<OathTokenType>("type", draft.type, defaults.type, "HOTP");
        const serial = serialIssue(draft.serialNumber);
        if (serial) issues.push(serial);
        if (draft.secret === undefined && earlierIssues.length === 0) issues.push("the secret is missing");

        const otpLength = pick("otpLength", draft.otpLength, defaults.otpLength, oathTokenDefaults.otpLength);
        const lengthIssue = oathTokenRules.otpLength(otpLength, "OTP length");
        if (lengthIssue) issues.push(lengthIssue);
        // RFC 4226 defines HOTP with SHA1, so a missing hash is not an assumption for HOTP.
        const hashAlgorithm = pick<OathHashAlgorithm>(
            "hashAlgorithm",
            draft.hashAlgorithm,
            defaults.hashAlgorithm,
            oathTokenDefaults.hashAlgorithm,
            type === "TOTP" && !this.options.hashDefinedByFormat,
        );
        const hashIssue = oathTokenRules.hashAlgorithm(hashAlgorithm, type, "hash");
        if (hashIssue) issues.push(hashIssue);
        let timeStep: number | undefined;
        let counter: number | undefined;
        if (type === "TOTP") {
            timeStep = pick("timeStep", draft.timeStep, defaults.timeStep, oathTokenDefaults.timeStep);
            const stepIssue = oathTokenRules.timeStep(timeStep);
            if (stepIssue) issues.push(stepIssue);
        } else {
            counter = pick("counter", draft.counter, defaults.counter, oathTokenDefaults.counter);
        }

        if (issues.length > 0 || draft.secret === undefined || draft.serialNumber === undefined) {
            this.reject(location, issues, hint);
            return undefined;
        }
        if (checkDuplicates) {
            const first = this.seen.get(draft.serialNumber);
            if (first) {
                this.reject(
                    location,
                    [
                        `serial number ${draft.serialNumber} already appeared at ${describeLocation(first)}; each token must appear once: ` +
                            `remove or correct the duplicate`,
                    ],
                    undefined,
                    "duplicate",
                );
                return undefined;
            }
            this.seen.set(draft.serialNumber, location);
        }
        const max = this.options.maxTokens ?? DEFAULT_MAX_TOKENS;
        if (this.tokens.length >= max) {
            throw seedFileError(
                this.options.file,
                `the file holds more than ${max} tokens (${describeLocation(location)} is token ${max + 1}); PingOne holds at most 100,000 ` +
                    "OATH tokens per environment: split the file, or raise the limit (maxTokens option, --max-tokens)",
            );
        }

        const token: TokenSeed = {
            serialNumber: draft.serialNumber,
            secret: draft.secret,
            type,
            otpLength: otpLength as 6 | 8,
            hashAlgorithm,
            location,
        };
        if (type === "HOTP") token.counter = counter ?? oathTokenDefaults.counter;
        else token.timeStep = timeStep as 30 | 60;
        if (draft.manufacturer) token.manufacturer = draft.manufacturer;
        if (draft.model) token.model = draft.model;
        if (draft.assignedTo) token.assignedTo = draft.assignedTo;
        if (assumed.length > 0) {
            token.assumed = assumed.map((entry) => entry.field);
            for (const entry of assumed) {
                const key = `${entry.field}=${entry.value}`;
                const tally = this.assumedCounts.get(key) ?? { ...entry, count: 0 };
                tally.count += 1;
                this.assumedCounts.set(key, tally);
            }
        }
        if (draft.secret.length / 2 < MIN_SECRET_BYTES) {
            this.warn(
                location,
                `the secret is only ${draft.secret.length * 4} bits; RFC 4226 section 4 requires at least 128 (160 recommended): ` +
                    "such a token is easy to brute-force, so confirm with the vendor and replace it if you can",
                "weak-secret",
            );
        }
        this.tokens.push(token);
        return token;
    }

    /** How many tokens have loaded so far. */
    get loaded(): number {
        return this.tokens.length;
    }

    /** Problems recorded so far (read-only view, e.g. for a SeedFileError). */
    get recorded(): readonly SeedProblem[] {
        return this.problems;
    }

    /** Tokens and problems, with one warning naming every value that was assumed. */
    result(): SeedLoadResult {
        const problems = [...this.problems];
        if (this.assumedCounts.size > 0) {
            const parts = [...this.assumedCounts.values()].map(
                (entry) =>
                    `${FIELD_LABELS[entry.field]} ${entry.value} ` +
                    `(${entry.count} token${entry.count === 1 ? "" : "s"}${entry.fromDefaults ? ", from the defaults option" : ""})`,
            );
            const typeAssumed = [...this.assumedCounts.values()].some((entry) => entry.field === "type");
            const reason = this.options.assumedReason ? `${this.options.assumedReason}; ` : "";
            const fix =
                'if that is wrong, set the defaults option (seedFileOptions.defaults, e.g. { type: "TOTP", timeStep: 60 }; check-seeds: ' +
                "--type, --time-step, --digits, --hash, --counter)";
            problems.push({
                location: { file: this.options.file },
                message:
                    `${reason}the file does not say ${typeAssumed ? "the token type (nor every other value)" : "every value"}, ` +
                    `so these were assumed: ${parts.join(", ")}; ${fix}`,
                severity: "warning",
                cause: "assumed-values",
            });
        }
        return { tokens: [...this.tokens], problems };
    }
}

function joinIssues(issues: string[]): string {
    return issues.length > 0 ? issues.join("; ") : "the token could not be read";
}

/** A coarse cause from a message, for rows whose reader did not set one. */
function guessCause(message: string): SeedProblemCause {
    if (/not supported: PingOne|PingOne's HOTP|PingOne accepts|not accepted by PingOne/.test(message))
        return "pingone-limit";
    if (/already appeared/.test(message)) return "duplicate";
    if (/not valid CSV|columns|looks like/.test(message)) return "layout";
    return "invalid-value";
}
