// Public types of the PingOne emulator: options, seed data, request log, and the JSON shapes the
// emulated API returns. Kept free of runtime code so anyone can import them cheaply.

export type OathTokenType = "HOTP" | "TOTP";
export type HashAlgorithm = "HmacSHA1" | "HmacSHA256" | "HmacSHA512";
export type DeviceStatus = "ACTIVATION_REQUIRED" | "ACTIVE";

export interface RateLimit {
    requestsPerSecond: number;
    /** Bucket size; default ceil(requestsPerSecond), at least 1. */
    burst?: number;
}

export interface EmulatorOptions {
    /** Default 0 = a random free port. The server always binds 127.0.0.1. */
    port?: number;
    /** Added before every response (and before a dropped connection is cut). Default 0. */
    latencyMs?: number;
    /** Token bucket over ALL requests, token endpoint included; over it -> 429. Default none. */
    rateLimit?: RateLimit | null;
    /** HOTP counters c .. c+hotpLookAhead-1 are accepted directly. Default 10. */
    hotpLookAhead?: number;
    /** HOTP counters up to c+hotpResyncWindow-1 can be reached with a two-OTP resync. Default 1000. */
    hotpResyncWindow?: number;
    /** TOTP steps T+drift-skew .. T+drift+skew are accepted directly. Default 1. */
    totpSkewSteps?: number;
    /** TOTP steps within ±totpResyncSteps of T+drift can be reached with a two-OTP resync. Default 40. */
    totpResyncSteps?: number;
    /** Lifetime of issued access tokens. Default 3600. */
    accessTokenTtlSeconds?: number;
    /**
     * Clock in ms used for TOTP only (default Date.now). Access-token expiry, rate limiting and
     * timestamps use the real clock, so tests can jump this clock around freely.
     */
    now?: () => number;
    seed?: EmulatorSeed;
    /**
     * Keep the tenant in this JSON file so it outlives the process: loaded at start when the file exists
     * (`seed` is then ignored), otherwise seeded and written; rewritten atomically after every request
     * that may change it, before the answer is sent. A file that cannot be read throws
     * `EmulatorStateFileError`. Access tokens are not kept: clients request new ones.
     */
    stateFile?: string;
    /** Let the process exit while the server still listens (for a server embedded in a short-lived process). */
    unref?: boolean;
}

export interface EmulatorSeed {
    environments: SeedEnvironment[];
}

export interface SeedClient {
    clientId: string;
    clientSecret: string;
}

export interface SeedUser {
    id?: string;
    username: string;
}

export interface SeedDevice {
    id?: string;
    /** A user id of the environment (a username is accepted too, handy in seed files). */
    userId: string;
    serialNumber: string;
    status?: DeviceStatus;
}

export interface SeedEnvironment {
    /** UUID */
    id: string;
    clients?: SeedClient[];
    users?: SeedUser[];
    tokens?: SeedToken[];
    devices?: SeedDevice[];
    /** Default 5. */
    maxAllowedDevices?: number;
}

export interface SeedToken {
    id?: string;
    serialNumber: string;
    /** hex */
    secret: string;
    type: OathTokenType;
    otpLength?: 6 | 8;
    hashAlgorithm?: HashAlgorithm;
    counter?: number;
    timeStep?: 30 | 60;
}

export type RequestOutcome = "answered" | "dropped" | "rate-limited" | "failed-injected";

export interface RequestLogEntry {
    method: string;
    /** URL path as sent, including the /v1 prefix for API calls. */
    path: string;
    /** Raw query string without the leading "?"; "" when there is none. */
    query: string;
    /** The Content-Type header as sent (parameters included). */
    contentType: string | undefined;
    /**
     * Status answered. For a drop after handling: the status the handler produced (never sent).
     * For a drop before handling: 0.
     */
    status: number;
    /** Arrival time, ms since the epoch (real clock). */
    at: number;
    outcome: RequestOutcome;
}

/** Which requests an injected fault applies to; every given field must match. */
export interface FaultMatch {
    /** Case-insensitive. */
    method?: string;
    /** Tested against the URL path (with /v1, without query). A string matches as a substring. */
    path?: RegExp | string;
    /** Case-insensitive substring of the request's Content-Type header. */
    contentType?: string;
    /** How many matching requests fail. Default 1. */
    count?: number;
}

export interface InjectedStatusFailure {
    status: number;
    /** Sent as JSON instead of the default P1Error envelope. */
    body?: unknown;
    retryAfterSeconds?: number;
}

export interface InjectedDrop {
    /** "before-handling": cut the connection without acting. "after-handling": act, then cut. */
    drop: "before-handling" | "after-handling";
}

export type InjectedFailure = InjectedStatusFailure | InjectedDrop;

// ---- JSON shapes returned by the API ------------------------------------------------------

export interface Link {
    href: string;
}

export interface P1ErrorDetail {
    code: string;
    target?: string;
    message: string;
    innerError?: Record<string, unknown>;
}

export interface P1Error {
    id: string;
    code: string;
    message: string;
    details?: P1ErrorDetail[];
}

export interface EnvironmentInfo {
    id: string;
    maxAllowedDevices: number;
}

export interface UserJson {
    id: string;
    username: string;
    environment: { id: string };
    createdAt: string;
    updatedAt: string;
    _links: { self: Link };
}

export interface DeviceJson {
    id: string;
    environment: { id: string };
    user: { id: string };
    type: "OATH_TOKEN";
    status: DeviceStatus;
    serialNumber: string;
    lock: { status: "UNLOCKED" };
    block: { status: "UNBLOCKED" | "BLOCKED" };
    createdAt: string;
    updatedAt: string;
    _links: { self: Link; activate?: Link };
}

export interface OathTokenJson {
    id: string;
    environment: { id: string };
    serialNumber: string;
    type: OathTokenType;
    otpLength: 6 | 8;
    hashAlgorithm: HashAlgorithm;
    /** Present for HOTP tokens only. */
    hotp?: { counter: number };
    /** Present for TOTP tokens only. */
    totp?: { timeStep: 30 | 60; drift: number };
    devices: { id: string; user: { id: string } }[];
    createdAt: string;
    updatedAt: string;
    _links: { self: Link };
}
