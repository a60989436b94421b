import { PingOneOathError } from "../errors";

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
    ) {
        super(describe(status, method, path, envelope), { requestId: envelope.id });
        this.detailCodes = (envelope.details ?? []).map((d) => d.code).filter((c): c is string => !!c);
    }

    get code(): string | undefined {
        return this.envelope.code;
    }

    hasDetail(code: string): boolean {
        return this.detailCodes.includes(code);
    }
}

function describe(status: number, method: string, path: string, envelope: PingOneErrorEnvelope): string {
    const codes = [envelope.code, ...(envelope.details ?? []).map((d) => d.code)].filter(Boolean).join("/");
    const detailText = (envelope.details ?? [])
        .map((d) => [d.target, d.message].filter(Boolean).join(": "))
        .filter(Boolean)
        .join("; ");
    const parts = [`PingOne answered ${status}${codes ? ` ${codes}` : ""} to ${method} ${path}`];
    if (envelope.message) parts.push(envelope.message);
    if (detailText) parts.push(detailText);
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
