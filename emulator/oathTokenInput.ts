// Validation of an OATH token as posted to /oathTokens (and as given in seeds). Collects every
// problem as a P1Error detail so one response tells the client all that is wrong. The rules are the
// "OATH token data model" of https://developer.pingidentity.com/pingone-api/mfa/oath-tokens.html and the
// request model of https://developer.pingidentity.com/pingone-api/mfa/oath-tokens/create_oath_token.html
// (serialNumber, secret, type, otpLength required; totp.timeStep required for TOTP). PingOne does not
// document the error codes of these refusals: the emulator answers them as the error-codes page
// describes validation failures, 400 INVALID_DATA with REQUIRED_VALUE / INVALID_VALUE on the field.
import { detail, invalidData } from "./errors";
import type { HashAlgorithm, OathTokenType, P1ErrorDetail } from "./types";

export interface NewOathToken {
    serialNumber: string;
    /** Lower-case hex, even length. */
    secretHex: string;
    type: OathTokenType;
    otpLength: 6 | 8;
    hashAlgorithm: HashAlgorithm;
    /** HOTP only. */
    counter: number;
    /** TOTP only. */
    timeStep: 30 | 60;
}

const SERIAL_PATTERN = /^[A-Za-z0-9]{1,50}$/;
// An odd number of hex digits is not a byte string; we refuse it rather than guess a padding.
const SECRET_PATTERN = /^(?:[0-9A-Fa-f]{2}){1,100}$/;
const TYPES: readonly OathTokenType[] = ["HOTP", "TOTP"];
const OTP_LENGTHS = [6, 8] as const;
const HASH_ALGORITHMS: readonly HashAlgorithm[] = ["HmacSHA1", "HmacSHA256", "HmacSHA512"];
const TIME_STEPS = [30, 60] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function includes<T>(list: readonly T[], value: unknown): value is T {
    return (list as readonly unknown[]).includes(value);
}

/** Returns the normalized token, or throws 400 INVALID_DATA listing every problem. */
export function parseOathTokenInput(body: unknown): NewOathToken {
    const problems: P1ErrorDetail[] = [];
    const input = isRecord(body) ? body : {};

    const serialNumber = input.serialNumber;
    if (serialNumber === undefined || serialNumber === null || serialNumber === "") {
        problems.push(detail("REQUIRED_VALUE", "serialNumber is required", "serialNumber"));
    } else if (typeof serialNumber !== "string" || !SERIAL_PATTERN.test(serialNumber)) {
        problems.push(
            detail("INVALID_VALUE", "serialNumber must be 1 to 50 letters or digits", "serialNumber", {
                allowedPattern: SERIAL_PATTERN.source,
            }),
        );
    }

    const secret = input.secret;
    if (secret === undefined || secret === null || secret === "") {
        problems.push(detail("REQUIRED_VALUE", "secret is required", "secret"));
    } else if (typeof secret !== "string" || !SECRET_PATTERN.test(secret)) {
        problems.push(
            detail("INVALID_VALUE", "secret must be a hex string of at most 200 characters", "secret", {
                allowedPattern: SECRET_PATTERN.source,
                maximumValue: 200,
            }),
        );
    }

    const type = input.type;
    if (type === undefined || type === null || type === "") {
        problems.push(detail("REQUIRED_VALUE", "type is required", "type", { allowedValues: [...TYPES] }));
    } else if (!includes(TYPES, type)) {
        problems.push(detail("INVALID_VALUE", "type must be HOTP or TOTP", "type", { allowedValues: [...TYPES] }));
    }

    // Required in PingOne's request model (no default is documented, unlike hashAlgorithm and hotp.counter).
    const otpLength = input.otpLength;
    if (otpLength === undefined || otpLength === null) {
        problems.push(
            detail("REQUIRED_VALUE", "otpLength is required", "otpLength", { allowedValues: OTP_LENGTHS.map(String) }),
        );
    } else if (!includes(OTP_LENGTHS, otpLength)) {
        problems.push(
            detail("INVALID_VALUE", "otpLength must be 6 or 8", "otpLength", {
                allowedValues: OTP_LENGTHS.map(String),
            }),
        );
    }

    const hashAlgorithm = input.hashAlgorithm ?? "HmacSHA1";
    if (!includes(HASH_ALGORITHMS, hashAlgorithm)) {
        problems.push(
            detail("INVALID_VALUE", "hashAlgorithm must be HmacSHA1, HmacSHA256 or HmacSHA512", "hashAlgorithm", {
                allowedValues: [...HASH_ALGORITHMS],
            }),
        );
    } else if (type === "HOTP" && hashAlgorithm !== "HmacSHA1") {
        problems.push(
            detail("INVALID_VALUE", "HOTP tokens support HmacSHA1 only", "hashAlgorithm", {
                allowedValues: ["HmacSHA1"],
            }),
        );
    }

    const hotp = isRecord(input.hotp) ? input.hotp : {};
    const counter = type === "HOTP" ? (hotp.counter ?? 0) : 0;
    if (typeof counter !== "number" || !Number.isSafeInteger(counter) || counter < 0) {
        problems.push(
            detail("INVALID_VALUE", "hotp.counter must be a non-negative integer", "hotp.counter", {
                rangeMinimumValue: 0,
            }),
        );
    }

    const totp = isRecord(input.totp) ? input.totp : {};
    const timeStep = type === "TOTP" ? totp.timeStep : 30;
    if (type === "TOTP" && (timeStep === undefined || timeStep === null)) {
        problems.push(
            detail("REQUIRED_VALUE", "totp.timeStep is required for TOTP tokens", "totp.timeStep", {
                allowedValues: TIME_STEPS.map(String),
            }),
        );
    } else if (!includes(TIME_STEPS, timeStep)) {
        problems.push(
            detail("INVALID_VALUE", "totp.timeStep must be 30 or 60", "totp.timeStep", {
                allowedValues: TIME_STEPS.map(String),
            }),
        );
    }

    if (problems.length > 0) throw invalidData(...problems);
    return {
        serialNumber: serialNumber as string,
        secretHex: (secret as string).toLowerCase(),
        type: type as OathTokenType,
        otpLength: otpLength as 6 | 8,
        hashAlgorithm: hashAlgorithm as HashAlgorithm,
        counter: counter as number,
        timeStep: timeStep as 30 | 60,
    };
}
