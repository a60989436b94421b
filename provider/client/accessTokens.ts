import { PingOneOathError } from "../errors";
import { createHash } from "node:crypto";
import { type ClientOptions } from "./clientOptions";
import { type Credentials } from "./connection";
import { ConnectionSettingsError } from "./errors";
import { type RequestPacer } from "./requestPacer";
import { userAgent } from "./userAgent";
import {
    type AttemptOutcome,
    describeNetworkError,
    parseRetryAfter,
    rateLimitedOutcome,
    runWithRetries,
} from "./retry";

/** Hands out a valid access token; all callers of one process share it. */
export interface AccessTokenSource {
    get(): Promise<string>;
    /** The server rejected this token (401): forget it so the next `get` renews it. */
    invalidate(token: string): void;
    /** How many token requests this source has sent. */
    readonly tokenRequests: number;
}

/** Renew this long before expiry so a long run never sends a token that dies in flight. */
const renewMarginMs = 5 * 60_000;

class ClientCredentialsTokenSource implements AccessTokenSource {
    private current?: { value: string; renewAt: number };
    private pending?: Promise<string>;
    tokenRequests = 0;

    constructor(
        private readonly authUrl: string,
        private readonly credentials: Extract<Credentials, { kind: "clientCredentials" }>,
        private readonly options: ClientOptions,
        private readonly pacer: RequestPacer,
    ) {}

    get(): Promise<string> {
        if (this.current && Date.now() < this.current.renewAt) return Promise.resolve(this.current.value);
        // Concurrent callers wait for the one request in flight.
        this.pending ??= this.requestToken().finally(() => (this.pending = undefined));
        return this.pending;
    }

    invalidate(token: string): void {
        if (this.current?.value === token) this.current = undefined;
    }

    private async requestToken(): Promise<string> {
        const { clientId, clientSecret, environmentId } = this.credentials;
        const url = `${this.authUrl}/${encodeURIComponent(environmentId)}/as/token`;
        const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString(
            "base64",
        );
        const token = await runWithRetries(
            this.options,
            async (): Promise<AttemptOutcome<{ value: string; lifetimeMs: number }>> => {
                await this.pacer.acquire();
                this.tokenRequests++;
                let response: Response;
                try {
                    response = await fetch(url, {
                        method: "POST",
                        headers: {
                            Authorization: `Basic ${basic}`,
                            "Content-Type": "application/x-www-form-urlencoded",
                            "User-Agent": userAgent,
                        },
                        body: "grant_type=client_credentials",
                        signal: AbortSignal.timeout(this.options.requestTimeoutMs),
                    });
                } catch (error) {
                    // Asking for a token changes nothing on the server, so any failure may be retried.
                    return {
                        kind: "retry",
                        error: new PingOneOathError(
                            `PingOne token request to ${url} failed: ${describeNetworkError(error)}`,
                            {
                                cause: error,
                            },
                        ),
                    };
                }
                const text = await response.text();
                if (response.ok) {
                    const body = safeJson(text) as { access_token?: string; expires_in?: number } | undefined;
                    if (!body?.access_token) {
                        return {
                            kind: "fail",
                            error: new PingOneOathError(
                                `PingOne token endpoint ${url} answered ${response.status} without an access_token.`,
                            ),
                        };
                    }
                    this.pacer.onSuccess();
                    return {
                        kind: "done",
                        value: { value: body.access_token, lifetimeMs: (body.expires_in ?? 3600) * 1000 },
                    };
                }
                const error = safeJson(text) as
                    { error?: string; error_description?: string; code?: string; message?: string } | undefined;
                const reason = [error?.error ?? error?.code, error?.error_description ?? error?.message]
                    .filter(Boolean)
                    .join(": ");
                if (response.status === 429) {
                    return rateLimitedOutcome(
                        "the token request",
                        parseRetryAfter(response.headers.get("retry-after")),
                        new PingOneOathError(`PingOne token endpoint rate-limited the request (429).`),
                        this.pacer,
                        this.options,
                    );
                }
                if (response.status === 408 || response.status >= 500) {
                    return {
                        kind: "retry",
                        error: new PingOneOathError(
                            `PingOne token endpoint ${url} answered ${response.status}${reason ? ` (${reason})` : ""}.`,
                        ),
                    };
                }
                return {
                    kind: "fail",
                    error: new ConnectionSettingsError(
                        `PingOne rejected the client credentials of client ${clientId} in environment ${environmentId} ` +
                            `(${response.status}${reason ? ` ${reason}` : ""}): check the client id, secret and environment id ` +
                            `(PINGONE_CLIENT_ID / PINGONE_CLIENT_SECRET / PINGONE_ENVIRONMENT_ID or pingone:clientId / pingone:clientSecret / pingone:environmentId). ` +
                            `Changed the stack config since the last pulumi up (a rotated secret)? Run pulumi up first: ` +
                            `pulumi refresh and destroy use the provider configuration the last update saved.`,
                    ),
                };
            },
        );
        const renewIn = Math.max(token.lifetimeMs - renewMarginMs, token.lifetimeMs / 2);
        this.current = { value: token.value, renewAt: Date.now() + renewIn };
        return token.value;
    }
}

class GivenTokenSource implements AccessTokenSource {
    private rejected = false;
    readonly tokenRequests = 0;
    constructor(private readonly token: string) {}
    get(): Promise<string> {
        if (this.rejected) {
            return Promise.reject(
                new ConnectionSettingsError(
                    "PingOne rejected the given access token (401): it has expired or is not valid. Set a fresh " +
                        "PINGONE_API_ACCESS_TOKEN (or pingone:apiAccessToken), or use client credentials, which renew themselves.",
                ),
            );
        }
        return Promise.resolve(this.token);
    }
    invalidate(token: string): void {
        if (token === this.token) this.rejected = true;
    }
}

const sources = new Map<string, AccessTokenSource>();

/** The process-wide token source for these credentials. */
export function sharedAccessTokenSource(
    authUrl: string,
    credentials: Credentials,
    options: ClientOptions,
    pacer: RequestPacer,
): AccessTokenSource {
    // The key holds a hash, not the secret, so nothing sensitive sits in a map key.
    const key =
        credentials.kind === "accessToken"
            ? `token|${digest(credentials.accessToken)}`
            : `cc|${authUrl}|${credentials.environmentId}|${credentials.clientId}|${digest(credentials.clientSecret)}`;
    let source = sources.get(key);
    if (!source) {
        source =
            credentials.kind === "accessToken"
                ? new GivenTokenSource(credentials.accessToken)
                : new ClientCredentialsTokenSource(authUrl, credentials, options, pacer);
        sources.set(key, source);
    }
    return source;
}

/** Forget every cached token (tests). */
export function resetAccessTokenSources(): void {
    sources.clear();
}

function digest(value: string): string {
    return createHash("sha256").update(value).digest("hex").slice(0, 16);
}

function safeJson(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return undefined;
    }
}
