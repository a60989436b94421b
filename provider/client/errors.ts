import { PingOneOathError } from "../errors";
import { callName, howToFix } from "./refusalHints";

/** One entry of PingOne's `details` array. */
interface PingOneErrorDetail {
    code?: string;
    target?: string;
    message?: string;
    innerError?: Record<string, unknown>;
}

/** PingOne's error envelope (`P1Error`). */
export interface PingOneErrorEnvelope {
    id?: string;
    code?: string;
    message?: string;
    details?: PingOneErrorDetail[];
}

/** An HTTP answer from PingOne that was not a success, parsed from its error envelope. */
export class PingOneApiError extends PingOneOathError {
    readonly detailCodes: string[];

    constructor(
        readonly status: number,
        readonly method: string,
        readonly path: string,
        readonly envelope: PingOneErrorEnvelope,
        readonly retryAfterSeconds?: number,
        /** The Content-Type the request was sent with (it selects the call, e.g. activate vs block). */
        readonly contentType?: string,
    ) {
        super(describe(status, method, path, envelope, contentType), { requestId: envelope.id });
        this.detailCodes = (envelope.details ?? []).map((d) => d.code).filter((c): c is string => !!c);
    }

    get code(): string | undefined {
        return this.envelope.code;
    }

    hasDetail(code: string): boolean {
        return this.detailCodes.includes(code);
    }
}

/**
 * "PingOne answered STATUS CODE/DETAIL to METHOD PATH (the call in words) - message - target: detail (allowed:
 * ...) - To fix: ...". The fix is chosen from the codes alone (refusalHints), never from PingOne's wording.
 */
function describe(
    status: number,
    method: string,
    path: string,
    envelope: PingOneErrorEnvelope,
    contentType: string | undefined,
): string {
    const details = envelope.details ?? [];
    const codes = [envelope.code, ...details.map((d) => d.code)].filter(Boolean).join("/");
    const detailText = details
        .map((d) => {
            const text = [d.target, d.message].filter(Boolean).join(": ");
            const allowed = d.innerError?.allowedValues;
            return Array.isArray(allowed) && allowed.length > 0 ? `${text} (allowed: ${allowed.join(", ")})` : text;
        })
        .filter(Boolean)
        .join("; ");
    const call = callName(method, path, contentType);
    const parts = [
        `PingOne answered ${status}${codes ? ` ${codes}` : ""} to ${method} ${path}${call ? ` (${call})` : ""}`,
    ];
    if (envelope.message) parts.push(envelope.message);
    if (detailText) parts.push(detailText);
    const fix = howToFix({ status, method, path, contentType, code: envelope.code, details });
    if (fix) parts.push(`To fix: ${fix}`);
    return parts.join(" - ");
}

/**
 * The request may or may not have reached PingOne (connection dropped, timeout, 5xx on a write).
 * Callers of non-idempotent requests must look at what the server holds before trying again.
 */
export class AmbiguousOutcomeError extends PingOneOathError {
    constructor(
        readonly method: string,
        readonly path: string,
        readonly reason: string,
        readonly status?: number,
        cause?: unknown,
    ) {
        super(`${method} ${path} may or may not have been carried out by PingOne: ${reason}`, { cause });
    }
}

/** Settings are missing or wrong; the message says what to set. */
export class ConnectionSettingsError extends PingOneOathError {}
