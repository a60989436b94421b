// The exchange log: every request the emulator received and what it answered, one JSON object a line,
// appended to a file that several processes may share (each line is one write to a file opened for
// appending, so lines from different emulators do not interleave). It exists so that what crossed the
// wire can be checked against PingOne's documented contract, or shown to a person, after the fact.
//
// Secrets never reach it: every string under a secret-bearing key (seeds, OTPs, client secrets, access
// tokens) is masked with its shape kept (digits stay digits, hex letters stay hex letters, the length
// stays), so a reader can still tell a 6-digit OTP or a 40-digit hex seed from a malformed one, and
// credentials in headers are reduced to their scheme.
import { closeSync, openSync, writeSync } from "node:fs";
import type { IncomingHttpHeaders } from "node:http";
import type { RequestOutcome } from "./types";

/** One request and its answer as logged. Bodies are parsed JSON or form fields, masked. */
export interface ExchangeRecord {
    /** Arrival time, ms since the epoch. */
    at: number;
    method: string;
    /** Canonical path, /v1 included for API calls. */
    path: string;
    /** Raw query string without "?". */
    query: string;
    request: {
        /** Content-Type as sent. */
        contentType?: string;
        userAgent?: string;
        /** The Authorization header's scheme ("Bearer", "Basic"), never its credentials. */
        authorization?: string;
        /** JSON or form body, masked; a body that does not parse is kept as `{ unparsed: <length> }`. */
        body?: unknown;
    };
    /** What the emulator did: answered, rate-limited, an injected fault, or dropped (no answer). */
    outcome: RequestOutcome;
    /** Absent for a dropped request (the client never got an answer). */
    response?: {
        status: number;
        headers: Record<string, string>;
        body?: unknown;
    };
}

/** Keys whose string values are secrets (PingOne's field names, RFC 6749's form fields). */
const SECRET_KEYS = new Set(["secret", "otp", "otps", "client_secret", "access_token", "refresh_token"]);

/** Whether strings under `key` are masked in the log. */
export function isSecretKey(key: string): boolean {
    return SECRET_KEYS.has(key);
}

/** Keeps a string's shape (length and character classes) and none of its content. */
function maskKeepingShape(value: string): string {
    return value
        .replace(/[0-9]/g, "0")
        .replace(/[a-f]/g, "f")
        .replace(/[A-F]/g, "F")
        .replace(/[g-z]/g, "x")
        .replace(/[G-Z]/g, "X");
}

/** A copy of `value` with every string under a secret key masked (maskKeepingShape), at any depth. */
export function maskSecrets(value: unknown, secret = false): unknown {
    if (typeof value === "string") return secret ? maskKeepingShape(value) : value;
    if (Array.isArray(value)) return value.map((item) => maskSecrets(item, secret));
    if (value && typeof value === "object") {
        return Object.fromEntries(
            Object.entries(value).map(([key, item]) => [key, maskSecrets(item, secret || isSecretKey(key))]),
        );
    }
    return value;
}

/** The request body as a reader needs it: JSON parsed, a form as its fields; masked either way. */
export function loggedRequestBody(body: Buffer, mediaType: string): unknown {
    if (body.length === 0) return undefined;
    const text = body.toString("utf8");
    if (mediaType === "application/x-www-form-urlencoded") {
        return maskSecrets(Object.fromEntries(new URLSearchParams(text)));
    }
    try {
        return maskSecrets(JSON.parse(text));
    } catch {
        return { unparsed: body.length };
    }
}

export function loggedRequestHeaders(headers: IncomingHttpHeaders): Omit<ExchangeRecord["request"], "body"> {
    const scheme = /^\s*(\S+)/.exec(headers.authorization ?? "")?.[1];
    const logged: Omit<ExchangeRecord["request"], "body"> = {};
    if (headers["content-type"] !== undefined) logged.contentType = headers["content-type"];
    if (headers["user-agent"] !== undefined) logged.userAgent = headers["user-agent"];
    if (scheme !== undefined) logged.authorization = scheme;
    return logged;
}

/** Appends records to one file; open for the emulator's lifetime. */
export class ExchangeLog {
    private fd: number | undefined;

    constructor(readonly file: string) {
        this.fd = openSync(file, "a");
    }

    append(record: ExchangeRecord): void {
        if (this.fd === undefined) return;
        writeSync(this.fd, `${JSON.stringify(record)}\n`);
    }

    close(): void {
        if (this.fd !== undefined) closeSync(this.fd);
        this.fd = undefined;
    }
}
