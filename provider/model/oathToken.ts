import { createHash } from "node:crypto";

/**
 * The OATH token as PingOne's inventory holds it (`POST /environments/{envId}/oathTokens`, "Create OATH
 * token" in PingOne's Platform API): one model, with PingOne's field names, its defaults and its rules,
 * for the seed-file loaders, the resources, OTP computation and the fleet.
 */

export type OathTokenType = "HOTP" | "TOTP";
export type OathHashAlgorithm = "HmacSHA1" | "HmacSHA256" | "HmacSHA512";
export type OtpLength = 6 | 8;
/** Seconds. */
export type TimeStep = 30 | 60;

/** What makes a token's codes: everything but the serial. All of it is secret. */
export interface OathTokenParameters {
    /** The shared secret, hex (PingOne's `secret`; at most 200 hex digits). */
    secret: string;
    /** `HOTP` (RFC 4226, counter based) or `TOTP` (RFC 6238, time based). */
    type: OathTokenType;
    /** Digits per code: 6 (default) or 8. */
    otpLength: OtpLength;
    /** `HmacSHA1` (default; the only one for HOTP), `HmacSHA256` or `HmacSHA512`. */
    hashAlgorithm: OathHashAlgorithm;
    /** HOTP only: the moving factor the token starts from (default 0). */
    counter?: number;
    /** TOTP only: 30 (default) or 60 seconds. */
    timeStep?: TimeStep;
}

/** An inventory entry: the serial printed on the token, and its parameters. */
export interface OathTokenSpec extends OathTokenParameters {
    /** 1 to 50 letters and digits, kept as a string (leading zeros matter). */
    serialNumber: string;
}

/** PingOne's defaults for what a create request leaves out. */
export const oathTokenDefaults = {
    otpLength: 6,
    hashAlgorithm: "HmacSHA1",
    counter: 0,
    timeStep: 30,
} as const satisfies Pick<Required<OathTokenParameters>, "otpLength" | "hashAlgorithm" | "counter" | "timeStep">;

const oathTokenTypes: readonly OathTokenType[] = ["HOTP", "TOTP"];
const oathHashAlgorithms: readonly OathHashAlgorithm[] = ["HmacSHA1", "HmacSHA256", "HmacSHA512"];

const serialPattern = /^[A-Za-z0-9]{1,50}$/;
const maxSecretHexDigits = 200;

/**
 * PingOne's rules for each field. Each takes the value and the name to call the field by (`serialNumber`
 * in a resource's inputs, `serial number` in a seed file's row) and returns the whole sentence saying what
 * is wrong, or undefined. Values are echoed only where they are not secret.
 */
export const oathTokenRules = {
    serialNumber(value: unknown, name = "serialNumber"): string | undefined {
        if (value === undefined || value === null || value === "") {
            return `${name} is missing: PingOne needs the serial printed on the token`;
        }
        if (typeof value !== "string" || !serialPattern.test(value)) {
            const shown = typeof value === "string" ? `"${value.slice(0, 60)}"` : `(a ${typeof value})`;
            return `${name} ${shown} is not accepted by PingOne: it must be 1 to 50 letters and digits (no spaces, dashes or other symbols)`;
        }
        return undefined;
    },

    secret(value: unknown, name = "secret"): string | undefined {
        if (value === undefined || value === null || value === "")
            return `${name} is missing: the token's seed, in hex`;
        if (typeof value !== "string" || !/^[0-9a-fA-F]+$/.test(value) || value.length % 2 !== 0) {
            return `${name} must be hex (PingOne wants hex; convert base32 or base64 seeds first, as the seed-file loaders do)`;
        }
        if (value.length > maxSecretHexDigits) {
            return `${name} is ${value.length} hex digits; PingOne accepts at most ${maxSecretHexDigits}`;
        }
        return undefined;
    },

    type(value: unknown, name = "type"): string | undefined {
        return oathTokenTypes.includes(value as OathTokenType) ? undefined : `${name} must be "HOTP" or "TOTP"`;
    },

    otpLength(value: unknown, name = "otpLength"): string | undefined {
        return value === 6 || value === 8
            ? undefined
            : `${name} ${String(value)} is not supported: PingOne accepts 6 or 8 digits`;
    },

    hashAlgorithm(value: unknown, type: unknown, name = "hashAlgorithm"): string | undefined {
        if (!oathHashAlgorithms.includes(value as OathHashAlgorithm)) {
            return `${name} must be HmacSHA1, HmacSHA256 or HmacSHA512`;
        }
        if (type === "HOTP" && value !== "HmacSHA1") {
            return `HOTP with ${String(value)} is not supported: PingOne's HOTP tokens are HmacSHA1 only (RFC 4226)`;
        }
        return undefined;
    },

    counter(value: unknown, name = "counter"): string | undefined {
        return Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `${name} must be a whole number ≥ 0`;
    },

    timeStep(value: unknown, name = "time step"): string | undefined {
        return value === 30 || value === 60
            ? undefined
            : `${name} ${String(value)} s is not supported: PingOne accepts 30 or 60 seconds`;
    },
};

/**
 * A token's parameters with PingOne's defaults filled in: a counter for HOTP, a time step for TOTP (the
 * other of the two is left out).
 */
export function withOathTokenDefaults<T extends Partial<OathTokenParameters> & { type: OathTokenType }>(
    token: T,
): T & Pick<OathTokenParameters, "otpLength" | "hashAlgorithm"> {
    const { counter, timeStep, ...rest } = token;
    const filled = {
        ...rest,
        otpLength: token.otpLength ?? oathTokenDefaults.otpLength,
        hashAlgorithm: token.hashAlgorithm ?? oathTokenDefaults.hashAlgorithm,
    };
    return (
        token.type === "HOTP"
            ? { ...filled, counter: counter ?? oathTokenDefaults.counter }
            : { ...filled, timeStep: timeStep ?? oathTokenDefaults.timeStep }
    ) as T & Pick<OathTokenParameters, "otpLength" | "hashAlgorithm">;
}

/**
 * A short digest of what makes a token's codes (secret, type, digits, algorithm, time step; not the HOTP
 * counter, which moves on in PingOne): enough to notice that a seed file now says something else for a
 * serial, without storing the secret. SHA-256 over the canonical values, 22 base64url characters (132
 * bits); a seed cannot be recovered from it, and the seeds PingOne takes are 128 bits or more of key.
 */
export function oathTokenFingerprint(token: OathTokenParameters): string {
    const filled = withOathTokenDefaults(token);
    const canonical = [
        filled.secret.toLowerCase(),
        filled.type,
        filled.otpLength,
        filled.hashAlgorithm,
        filled.type === "TOTP" ? filled.timeStep : "",
    ].join("|");
    return createHash("sha256").update(canonical).digest("base64url").slice(0, 22);
}
