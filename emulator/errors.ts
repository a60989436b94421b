// Error responses. API routes answer with PingOne's P1Error envelope; the token endpoint answers
// in OAuth 2.0 format (RFC 6749 §5.2). Handlers throw these; the server renders them.
import { randomUUID } from "node:crypto";
import type { P1Error, P1ErrorDetail, P1InnerError } from "./types";

/** Top-level messages, worded like PingOne's. Clients must match on codes, never on these. */
const TOP_LEVEL_MESSAGES: Record<string, string> = {
    INVALID_DATA: "The request could not be completed. One or more validation errors were in the request.",
    INVALID_REQUEST: "The request could not be completed. The request was malformed or invalid.",
    REQUEST_FAILED: "The request could not be completed.",
    ACCESS_FAILED: "The request could not be completed. You do not have access to this resource.",
    NOT_FOUND: "The requested resource was not found.",
    REQUEST_LIMITED: "The request could not be completed. The request was rate limited.",
    UNEXPECTED_ERROR: "An unexpected error occurred.",
};

export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        readonly details?: P1ErrorDetail[],
        message?: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(message ?? TOP_LEVEL_MESSAGES[code] ?? code);
    }

    /** A fresh envelope each time: every error response gets its own id. */
    toEnvelope(): P1Error {
        const envelope: P1Error = { id: randomUUID(), code: this.code, message: this.message };
        if (this.details && this.details.length > 0) envelope.details = this.details;
        return envelope;
    }
}

export class OAuthError extends Error {
    constructor(
        readonly status: number,
        readonly error: string,
        readonly description: string,
        readonly headers: Record<string, string> = {},
    ) {
        super(description);
    }

    toBody(): { error: string; error_description: string } {
        return { error: this.error, error_description: this.description };
    }
}

export function detail(code: string, message: string, target?: string, innerError?: P1InnerError): P1ErrorDetail {
    const d: P1ErrorDetail = { code, message };
    if (target !== undefined) d.target = target;
    if (innerError !== undefined) d.innerError = innerError;
    return d;
}

export function notFound(what: string): ApiError {
    return new ApiError(404, "NOT_FOUND", undefined, `Unable to find ${what}.`);
}

export function invalidData(...details: P1ErrorDetail[]): ApiError {
    return new ApiError(400, "INVALID_DATA", details);
}

export function requestFailed(message: string, ...details: P1ErrorDetail[]): ApiError {
    return new ApiError(400, "REQUEST_FAILED", details, message);
}

export function invalidRequest(message: string, ...details: P1ErrorDetail[]): ApiError {
    return new ApiError(400, "INVALID_REQUEST", details, message);
}

/**
 * 415 INVALID_REQUEST: the Content-Type is not the one the call takes (PingOne selects device actions and
 * job kinds by media type; https://developer.pingidentity.com/pingone-api/platform/reference/error-codes.html).
 * The INVALID_VALUE detail on Content-Type is the emulator's: PingOne documents no detail for 415.
 */
export function unsupportedMediaType(contentType: string | undefined, allowed: readonly string[]): ApiError {
    return new ApiError(
        415,
        "INVALID_REQUEST",
        [
            detail("INVALID_VALUE", `Content-Type must be one of: ${allowed.join(", ")}`, "Content-Type", {
                allowedValues: [...allowed],
            }),
        ],
        `Unsupported Content-Type: ${contentType ?? "(none)"}`,
    );
}

export function invalidToken(): ApiError {
    return new ApiError(
        401,
        "ACCESS_FAILED",
        [detail("INVALID_TOKEN", "The access token is missing, invalid or expired.")],
        "The request could not be completed. The access token is missing, invalid or expired.",
        { "WWW-Authenticate": 'Bearer error="invalid_token"' },
    );
}

/** 400 for a request path the emulator will not interpret (see canonicalTarget); nothing is routed. */
export function invalidPath(rawPath: string, reason: string): ApiError {
    const shown = rawPath.length > 200 ? `${rawPath.slice(0, 200)}…` : rawPath;
    return new ApiError(
        400,
        "INVALID_REQUEST",
        [detail("INVALID_VALUE", `The request path ${JSON.stringify(shown)} is not canonical: ${reason}.`, "path")],
        "The request could not be completed. The request path is malformed.",
    );
}

/**
 * 403 for a valid access token used outside the environment that issued it. PingOne answers
 * ACCESS_FAILED / INSUFFICIENT_PERMISSIONS when a worker app has no role in the environment it
 * calls; the emulator grants a worker app roles in its own environment only.
 */
export function insufficientPermissions(tokenEnvironmentId: string, requestedEnvironmentId: string): ApiError {
    return new ApiError(403, "ACCESS_FAILED", [
        detail(
            "INSUFFICIENT_PERMISSIONS",
            `The access token was issued for environment ${tokenEnvironmentId} and grants no access to environment ${requestedEnvironmentId}; ` +
                `request a token from ${requestedEnvironmentId}'s own token endpoint ({authUrl}/${requestedEnvironmentId}/as/token).`,
        ),
    ]);
}

/** 429 envelope. retryAfter in whole seconds, also sent as the Retry-After header. */
export function requestLimited(retryAfterSeconds: number): ApiError {
    return new ApiError(
        429,
        "REQUEST_LIMITED",
        [detail("LIMIT_EXCEEDED", "Too many requests. Retry later.", undefined, { retryAfter: retryAfterSeconds })],
        undefined,
        { "Retry-After": String(retryAfterSeconds) },
    );
}

/** Code for an injected failure of the given HTTP status, so fake failures look like real ones. */
export function codeForStatus(status: number): string {
    if (status === 400) return "INVALID_REQUEST";
    if (status === 401 || status === 403) return "ACCESS_FAILED";
    if (status === 404) return "NOT_FOUND";
    if (status === 429) return "REQUEST_LIMITED";
    if (status >= 500) return "UNEXPECTED_ERROR";
    return "REQUEST_FAILED";
}
