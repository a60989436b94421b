import { ConnectionSettingsError } from "./errors";

/** How the client times out, retries and paces itself. */
export interface ClientOptions {
    /** Per-request timeout. */
    requestTimeoutMs: number;
    /** Attempts per request, the first included. */
    maxAttempts: number;
    /** Time budget for all attempts of one request, waits included. */
    maxRetryTimeMs: number;
    /** First back-off delay; doubles per attempt, with jitter. */
    baseDelayMs: number;
    /** Largest single back-off delay. */
    maxDelayMs: number;
    /** Pacing ceiling for this process. PingOne cites 100 requests/s per source IP. */
    requestsPerSecond: number;
    /** Requests allowed at once after an idle spell. */
    burst: number;
}

export const defaultClientOptions: ClientOptions = {
    requestTimeoutMs: 30_000,
    maxAttempts: 6,
    maxRetryTimeMs: 120_000,
    baseDelayMs: 250,
    maxDelayMs: 10_000,
    requestsPerSecond: 90,
    burst: 10,
};

const envNames: Record<keyof ClientOptions, string> = {
    requestTimeoutMs: "PINGONE_REQUEST_TIMEOUT_MS",
    maxAttempts: "PINGONE_MAX_ATTEMPTS",
    maxRetryTimeMs: "PINGONE_MAX_RETRY_TIME_MS",
    baseDelayMs: "PINGONE_RETRY_BASE_DELAY_MS",
    maxDelayMs: "PINGONE_RETRY_MAX_DELAY_MS",
    requestsPerSecond: "PINGONE_REQUESTS_PER_SECOND",
    burst: "PINGONE_REQUEST_BURST",
};

/**
 * Options from stack config (`pingone:requestTimeoutMs`, …) over environment variables
 * (`PINGONE_REQUEST_TIMEOUT_MS`, …) over the defaults.
 */
export function resolveClientOptions(
    configGet: (key: string) => string | undefined = () => undefined,
    env: NodeJS.ProcessEnv = process.env,
): ClientOptions {
    const options = { ...defaultClientOptions };
    for (const key of Object.keys(envNames) as (keyof ClientOptions)[]) {
        const configKey = `pingone:${key}`;
        const fromConfig = configGet(configKey);
        const raw = fromConfig ?? env[envNames[key]];
        if (raw === undefined || raw.trim() === "") continue;
        const value = Number(raw);
        if (!Number.isFinite(value) || value <= 0) {
            const where = fromConfig !== undefined ? `stack config ${configKey}` : envNames[key];
            throw new ConnectionSettingsError(`${where} must be a positive number, got "${raw}".`);
        }
        options[key] = value;
    }
    return options;
}
