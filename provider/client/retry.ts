import { PingOneOathError } from "../errors";
import { type ClientOptions } from "./clientOptions";
import { type RequestPacer, sleep } from "./requestPacer";

/** What one attempt decided: a value, a retry after a wait, or a final error. */
export type AttemptOutcome<T> =
    { kind: "done"; value: T } | { kind: "retry"; error: Error; afterMs?: number } | { kind: "fail"; error: Error };

/**
 * Runs attempts until one is done or fails, bounded by `maxAttempts` and `maxRetryTimeMs`.
 * A retry without `afterMs` backs off exponentially with jitter.
 */
export async function runWithRetries<T>(
    options: Pick<ClientOptions, "maxAttempts" | "maxRetryTimeMs" | "baseDelayMs" | "maxDelayMs">,
    attempt: (attemptNumber: number) => Promise<AttemptOutcome<T>>,
): Promise<T> {
    const started = Date.now();
    for (let n = 1; ; n++) {
        const outcome = await attempt(n);
        if (outcome.kind === "done") return outcome.value;
        if (outcome.kind === "fail") throw outcome.error;
        const wait = outcome.afterMs ?? backoffDelay(n, options.baseDelayMs, options.maxDelayMs);
        const elapsed = Date.now() - started;
        if (n >= options.maxAttempts || elapsed + wait > options.maxRetryTimeMs) {
            throw new RetriesExhaustedError(outcome.error, n, elapsed);
        }
        await sleep(wait);
    }
}

/** The last attempt's error, after the retry policy's attempts or time ran out; it is the `cause`. */
export class RetriesExhaustedError extends PingOneOathError {
    constructor(
        readonly lastError: Error,
        readonly attempts: number,
        readonly elapsedMs: number,
    ) {
        super(
            `${lastError.message} (gave up after ${attempts} attempt${attempts === 1 ? "" : "s"} in ${Math.round(elapsedMs / 1000)} s)`,
            {
                cause: lastError,
            },
        );
    }
}

/**
 * The rule for a 429, the same for API calls and token requests: the request was not carried out, so it
 * goes again after Retry-After (default 1 s), and every caller of the pacer waits with it; unless that is
 * longer than the whole retry budget, which fails at once rather than idle (and pauses nobody).
 */
export function rateLimitedOutcome<T>(
    label: string,
    waitMs: number | undefined,
    error: Error,
    pacer: RequestPacer,
    options: Pick<ClientOptions, "maxRetryTimeMs">,
    log: (message: string) => void = () => undefined,
): AttemptOutcome<T> {
    const wait = waitMs ?? 1000;
    if (wait > options.maxRetryTimeMs) {
        return {
            kind: "fail",
            error: new PingOneOathError(
                `PingOne rate-limited ${label} and asks to wait ${Math.round(wait / 1000)} s (Retry-After), more than the ` +
                    `${Math.round(options.maxRetryTimeMs / 1000)} s retry budget: nothing was changed by this request. Run ` +
                    `pulumi up again later, or raise pingone:maxRetryTimeMs (PINGONE_MAX_RETRY_TIME_MS).`,
                { cause: error },
            ),
        };
    }
    pacer.onRateLimited(wait);
    if (wait >= 5000)
        log(
            `PingOne rate-limited ${label} (429): every request waits ${Math.round(wait / 1000)} s, as its Retry-After asks.`,
        );
    return { kind: "retry", error, afterMs: wait };
}

/** Exponential back-off with "equal jitter": half fixed, half random, so callers spread out. */
export function backoffDelay(attemptNumber: number, baseDelayMs: number, maxDelayMs: number): number {
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attemptNumber - 1));
    return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** Retry-After in seconds (or an HTTP date) to milliseconds; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null): number | undefined {
    if (!header) return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Connection refused means nothing was sent, so even a write may be tried again. */
export function isConnectionRefused(error: unknown): boolean {
    const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
    return cause?.code === "ECONNREFUSED";
}

export function describeNetworkError(error: unknown): string {
    if (error instanceof Error) {
        if (error.name === "TimeoutError") return "the request timed out";
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        if (cause) return `${error.message} (${cause.code ?? cause.message ?? "network error"})`;
        return error.message;
    }
    return String(error);
}
