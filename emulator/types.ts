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
    /**
     * OATH tokens an environment may hold; a create over it answers 400 REQUEST_FAILED / LIMIT_EXCEEDED and
     * a create job over it ends FAILED. Default 100,000 (PingOne's documented cap, "OATH Tokens" page).
     */
    oathTokenLimit?: number;
    /**
     * How long an `oathJobs` job reads IN_PROGRESS (real clock) before it reads DONE or FAILED. The work is
     * done when the job is submitted; its `result` is shown once the job reads finished. Default 0.
     */
    oathJobDurationMs?: number;
    /**
     * Append every request and its answer, one JSON line each (see ExchangeRecord), to this file, with
     * secrets masked. Default: the PINGONE_EMULATOR_EXCHANGE_LOG environment variable; unset, no log.
     * The project's contract tests check these lines against PingOne's documented API.
     */
    exchangeLog?: string;
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
    /** Default 6 (the API itself requires otpLength). */
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

/**
 * How a randomly faulted write fails: "503-before" answers 503 without acting; "drop-before" cuts the
 * connection without acting; "drop-after" acts, then cuts the connection (a lost answer).
 */
export type RandomFaultKind = "503-before" | "drop-before" | "drop-after";

/** Faults that strike at random (seeded, so a run can be repeated), on top of the one-shot `failNext`. */
export interface RandomFaultSettings {
    /** Seed of the PRNG: the same seed and the same sequence of requests give the same faults. */
    seed: number;
    /**
     * Share (0..1) of writes that fail: POST/PUT/PATCH/DELETE below /v1. The token endpoint is never faulted,
     * and a one-shot fault armed by `failNext` wins over a random one.
     */
    writeFaultRate: number;
    /** How a faulted write fails, picked uniformly. Default: every kind. */
    kinds?: RandomFaultKind[];
    /**
     * Rate-limit storms: for `durationMs` in every `everyMs`, every request (token endpoint included) is
     * answered 429 REQUEST_LIMITED with Retry-After = the rest of the storm, rounded up to whole seconds.
     * The first storm starts `firstAtMs` (default `everyMs`) after `setRandomFaults`.
     */
    rateLimitStorms?: { everyMs: number; durationMs: number; firstAtMs?: number };
}

/** What the random faults did so far. */
export interface RandomFaultCounts {
    /** Writes that drew a fault, by kind. */
    byKind: Record<RandomFaultKind, number>;
    /** Requests answered 429 by a storm. */
    stormAnswers: number;
}

// ---- JSON shapes returned by the API ------------------------------------------------------

export interface Link {
    href: string;
}

export interface P1ErrorDetail {
    code: string;
    target?: string;
    message: string;
    innerError?: P1InnerError;
}

/**
 * `details[].innerError` as PingOne's published OpenAPI types it (P1Error): `allowedValues` are strings even
 * where the field is a number or a boolean (`["6", "8"]` for otpLength). retryAfter's type is undocumented;
 * the emulator sends whole seconds.
 */
export interface P1InnerError {
    allowedValues?: string[];
    allowedPattern?: string;
    rangeMinimumValue?: number;
    rangeMaximumValue?: number;
    maximumValue?: number;
    retryAfter?: number;
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

// ---- OATH jobs ("Create multiple OATH tokens", "Revoke multiple OATH tokens",
// "Check status of OATH token creation job" / "... revoke job" pages of PingOne's API reference) ----

export type OathJobType = "CREATE_OATH_TOKENS" | "REVOKE_OATH_TOKENS";
/** IN_PROGRESS until the job is done; then DONE, or FAILED with a `reason`. */
export type OathJobStatus = "IN_PROGRESS" | "DONE" | "FAILED";

/** A token of a create job whose serial already exists in the environment or earlier in the same job. */
export interface OathJobDuplicateJson {
    serialNumber: string;
    /** Position in the job's `tokens` (0-based). Emulator's addition. */
    index: number;
    /** The token's `rowNumber`, when the job gave one (PingOne's seed-file row field). */
    rowNumber?: number;
}

/** A token of a job that was not created / revoked, with what the single call would have answered. */
export interface OathJobTokenErrorJson {
    /** Position in the job's `tokens` or `tokenIds` (0-based). */
    index: number;
    /** Create jobs: the serial, when the token had a string one. */
    serialNumber?: string;
    /** Create jobs: the token's `rowNumber`, when given. */
    rowNumber?: number;
    /** Revoke jobs: the id asked for. */
    tokenId?: string;
    /** The P1Error code the single call would answer (INVALID_DATA, NOT_FOUND, REQUEST_FAILED, ...). */
    code: string;
    message: string;
    details?: P1ErrorDetail[];
}

/**
 * `result` of a finished job. `created` (create jobs) and `revoked` (revoke jobs) are the documented
 * counts; `duplicates` is documented by name only ("information about the duplicate tokens"), so its
 * entries' shape is the emulator's; `errors` is the emulator's own. Empty lists are left out.
 */
export interface OathJobResultJson {
    created?: number;
    revoked?: number;
    duplicates?: OathJobDuplicateJson[];
    errors?: OathJobTokenErrorJson[];
}

export interface OathJobJson {
    id: string;
    environment: { id: string };
    type: OathJobType;
    status: OathJobStatus;
    createdAt: string;
    /** FAILED only. */
    reason?: string;
    /** DONE (and FAILED) only: not shown while IN_PROGRESS. */
    result?: OathJobResultJson;
    _links: { self: Link };
}
