import { PingOneOathError } from "../errors";
import { type AccessTokenSource } from "./accessTokens";
import { type ClientOptions } from "./clientOptions";
import { AmbiguousOutcomeError, PingOneApiError, type PingOneErrorEnvelope } from "./errors";
import { type RequestPacer } from "./requestPacer";
import { userAgent } from "./userAgent";
import {
    type AttemptOutcome,
    describeNetworkError,
    isConnectionRefused,
    parseRetryAfter,
    rateLimitedOutcome,
    runWithRetries,
} from "./retry";

type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface ApiRequest {
    method: HttpMethod;
    /** Path below the API base, e.g. `/environments/{id}/users/{id}/devices`. */
    path: string;
    query?: Record<string, string>;
    body?: unknown;
    /** Defaults to `application/json` when there is a body. */
    contentType?: string;
    /**
     * Whether sending the request twice is harmless. Defaults to true for everything but POST.
     * A non-idempotent request is re-sent only when the server surely did not act on it
     * (429, 401, connection refused); otherwise the caller gets an `AmbiguousOutcomeError`.
     */
    idempotent?: boolean;
}

/** Statuses worth trying again for a request that may be repeated. */
const transientStatuses = new Set([408, 500, 502, 503, 504]);

/** HTTP to PingOne's API: auth header, timeout, pacing, retries and the error envelope. */
export class PingOneHttpClient {
    constructor(
        private readonly apiUrl: string,
        private readonly tokens: AccessTokenSource,
        private readonly pacer: RequestPacer,
        private readonly options: ClientOptions,
        /** Progress worth telling a person (long waits); the caller decides where it goes. */
        private readonly log: (message: string) => void = () => undefined,
    ) {}

    /**
     * Gets an access token (one token request, or none when this process holds a valid one): proves the
     * credentials without touching the API. Rejects as the token endpoint answered (401 names the fix).
     */
    async authenticate(): Promise<void> {
        await this.tokens.get();
    }

    /**
     * The path and query, below this client's API URL, of a link PingOne handed out (e.g. a collection's
     * `_links.next.href`). A link anywhere else is refused rather than followed: the request would carry
     * this client's access token to that host.
     */
    linkTarget(href: string): { path: string; query: Record<string, string> } {
        const base = new URL(this.apiUrl.endsWith("/") ? this.apiUrl : `${this.apiUrl}/`);
        let url: URL;
        try {
            url = new URL(href, base);
        } catch {
            throw new PingOneOathError(`PingOne handed out a link that is not a URL: ${JSON.stringify(href)}`);
        }
        if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) {
            throw new PingOneOathError(
                `PingOne handed out a link outside its API (${href}; the API is ${this.apiUrl}); it was not followed, ` +
                    `so the access token was not sent there. Check the API URL this client is configured with.`,
            );
        }
        return { path: `/${url.pathname.slice(base.pathname.length)}`, query: Object.fromEntries(url.searchParams) };
    }

    /** Sends the request; resolves with the parsed JSON body (undefined for 204). */
    async request<T>(request: ApiRequest): Promise<T> {
        const idempotent = request.idempotent ?? request.method !== "POST";
        const url = this.apiUrl + request.path + (request.query ? `?${new URLSearchParams(request.query)}` : "");
        const label = `${request.method} ${request.path}`;
        let reauthenticated = false;
        // Queueing for the first slot is not retrying: the retry budget (maxRetryTimeMs) starts at the first
        // send. (At 25 requests/s a queue of a thousand calls used up the whole budget before one was sent.)
        await this.pacer.acquire();
        return runWithRetries(this.options, async (attemptNumber): Promise<AttemptOutcome<T>> => {
            if (attemptNumber > 1) await this.pacer.acquire();
            const token = await this.tokens.get();
            const headers: Record<string, string> = {
                Authorization: `Bearer ${token}`,
                Accept: "application/json",
                "User-Agent": userAgent,
            };
            if (request.body !== undefined) headers["Content-Type"] = request.contentType ?? "application/json";
            let response: Response;
            try {
                response = await fetch(url, {
                    method: request.method,
                    headers,
                    body: request.body === undefined ? undefined : JSON.stringify(request.body),
                    signal: AbortSignal.timeout(this.options.requestTimeoutMs),
                });
            } catch (error) {
                const reason = describeNetworkError(error);
                if (idempotent || isConnectionRefused(error)) {
                    return {
                        kind: "retry",
                        error: new PingOneOathError(`${label} failed: ${reason}`, { cause: error }),
                    };
                }
                return {
                    kind: "fail",
                    error: new AmbiguousOutcomeError(request.method, request.path, reason, undefined, error),
                };
            }
            const text = await response.text().catch(() => "");
            if (response.ok) {
                this.pacer.onSuccess();
                return { kind: "done", value: (text ? JSON.parse(text) : undefined) as T };
            }
            const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
            const error = new PingOneApiError(
                response.status,
                request.method,
                request.path,
                parseEnvelope(text),
                retryAfterMs === undefined ? undefined : retryAfterMs / 1000,
                headers["Content-Type"],
            );
            if (response.status === 429) {
                // Not carried out, so even writes go again.
                return rateLimitedOutcome(label, retryAfterMs, error, this.pacer, this.options, this.log);
            }
            if (response.status === 401 && !reauthenticated) {
                // An expired or revoked token: renew it once; the request was not carried out.
                reauthenticated = true;
                this.tokens.invalidate(token);
                return { kind: "retry", error, afterMs: 0 };
            }
            if (transientStatuses.has(response.status)) {
                if (idempotent) return { kind: "retry", error };
                return {
                    kind: "fail",
                    error: new AmbiguousOutcomeError(
                        request.method,
                        request.path,
                        error.message,
                        response.status,
                        error,
                    ),
                };
            }
            return { kind: "fail", error };
        });
    }
}

function parseEnvelope(text: string): PingOneErrorEnvelope {
    try {
        const parsed = JSON.parse(text) as unknown;
        if (parsed && typeof parsed === "object") return parsed as PingOneErrorEnvelope;
    } catch {
        // Proxies answer HTML; keep a short excerpt as the message.
    }
    return { message: text.slice(0, 200) || undefined };
}
