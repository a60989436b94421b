// Shapes shared by every seed loader. A loader never throws for one bad token: it records a
// SeedProblem and carries on, so one typo in a 500-token vendor file does not block the rest.

import { PingOneOathError } from "../errors";
import type { OathTokenSpec, OathTokenType } from "../model/oathToken";

/** Where a token (or a problem) came from, so people can find it in the vendor's file. */
export interface SeedLocation {
    file: string;
    /** 1-based physical line (CSV files). */
    line?: number;
    /** 1-based position of the KeyPackage in a PSKC KeyContainer. */
    keyPackage?: number;
    serialNumber?: string;
}

/** A token read from a seed file: PingOne's token model, plus where it came from. */
export interface TokenSeed extends OathTokenSpec {
    manufacturer?: string;
    model?: string;
    /** Set when the seed file itself names the user (e.g. the `upn` column of Microsoft Entra CSV). */
    assignedTo?: { username: string };
    location: SeedLocation;
    /**
     * Values the file did not carry and that were taken from `defaults` (or the built-in ones),
     * e.g. `["type", "otpLength"]`. Absent when the file said everything.
     */
    assumed?: Array<"type" | "otpLength" | "hashAlgorithm" | "counter" | "timeStep">;
}

/** Why a token or file was refused, for tallies and tooling; the message says it to people. */
export type SeedProblemCause =
    | "file"
    | "layout"
    | "decryption"
    | "unsupported-cipher"
    | "no-secret"
    | "not-otp"
    | "policy"
    | "duplicate"
    | "pingone-limit"
    | "invalid-value"
    | "assumed-values"
    | "weak-secret"
    | "other";

/**
 * What is wrong and how to fix it. `severity` is an addition to the agreed shape: absent or
 * "error" means the token/row was NOT loaded; "warning" means it was loaded but a person should
 * look (e.g. a PSKC serial taken from Key/@Id because DeviceInfo/SerialNo is missing).
 */
export interface SeedProblem {
    location: SeedLocation;
    message: string;
    severity?: "error" | "warning";
    /** Added field: a coarse reason code (see SeedProblemCause); absent on older problems. */
    cause?: SeedProblemCause;
}

export interface SeedLoadResult {
    tokens: TokenSeed[];
    problems: SeedProblem[];
}

/**
 * File-level values for what a layout does not carry (a PingID CSV has no type, a YubiKey log
 * no digits). Whatever is taken from here, or from the built-in defaults, is named in one
 * warning per file.
 */
export interface SeedDefaults {
    type?: OathTokenType;
    /** TOTP time step in seconds (PingOne: 30 or 60). */
    timeStep?: number;
    /** OTP length (PingOne: 6 or 8). */
    digits?: number;
    /** "SHA1", "SHA256", "SHA512" or PingOne's "HmacSHA1" ... names. */
    hash?: string;
    /** HOTP moving factor to start from. */
    counter?: number;
}

/** Limits that keep a hostile or mistaken file from exhausting memory. */
interface SeedLimits {
    /** Refuse files larger than this (bytes). Default 20 MB. */
    maxFileBytes?: number;
    /** Refuse files with more tokens than this. Default 100,000 (PingOne's cap per environment). */
    maxTokens?: number;
}

export interface PskcOptions extends SeedLimits {
    /** Name used in locations and messages (defaults to "<pskc>"). */
    file?: string;
    /** Pre-shared transport key, hex (32 hex digits for AES-128). */
    preSharedKeyHex?: string;
    /** Passphrase for PBKDF2-protected files. */
    passphrase?: string;
    /** CBC IV (hex) for files whose CipherValues carry none and whose header gives none. */
    ivHex?: string;
    /** The moment Policy StartDate/ExpiryDate are checked against (default: now). */
    now?: Date;
    defaults?: SeedDefaults;
    /**
     * The 1-based position in the original file of each KeyPackage of this document, when the document
     * is a subset of the file's KeyPackages (see `SeedFileOptions.serialFilter`): locations keep naming
     * the file's own positions.
     */
    keyPackagePositions?: readonly number[];
}

export type SeedCsvFormat =
    "pingid" | "privacyidea" | "privacyidea-export" | "linotp" | "entra" | "yubikey-log" | "yubico";

export interface SeedCsvOptions extends SeedLimits {
    file?: string;
    format?: SeedCsvFormat | "auto";
    defaults?: SeedDefaults;
}

export interface Assignment {
    serialNumber: string;
    /** Set when the user column holds a UUID (a PingOne user id). */
    userId?: string;
    /** Set otherwise (a PingOne username). */
    username?: string;
    location: SeedLocation;
}

export interface AssignmentLoadResult {
    assignments: Assignment[];
    problems: SeedProblem[];
}

/** Thrown only when the whole file is unusable; `problems` says why (one entry or several). */
export class SeedFileError extends PingOneOathError {
    readonly problems: SeedProblem[];

    constructor(message: string, problems: SeedProblem[] = [], cause?: unknown) {
        super(message, { cause });
        this.problems = problems;
    }
}

/** A SeedFileError with one problem naming the file (the usual whole-file refusal). */
export function seedFileError(file: string, message: string, cause: SeedProblemCause = "file"): SeedFileError {
    return new SeedFileError(`${file}: ${message}`, [{ location: { file }, message, severity: "error", cause }]);
}

/** One line a person can read: `file line 4 (serial 0012): message`. */
export function formatSeedProblem(problem: SeedProblem): string {
    const where: string[] = [problem.location.file];
    if (problem.location.line !== undefined) where.push(`line ${problem.location.line}`);
    if (problem.location.keyPackage !== undefined) where.push(`KeyPackage ${problem.location.keyPackage}`);
    if (problem.location.serialNumber !== undefined) where.push(`(serial ${problem.location.serialNumber})`);
    const prefix = problem.severity === "warning" ? "warning: " : "";
    return `${where.join(" ")}: ${prefix}${problem.message}`;
}
