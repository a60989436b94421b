/**
 * A token bucket shared by every request this process sends to one PingOne licence. PingOne
 * rate-limits per licence, and all dynamic resources share one Node process, so pacing here keeps
 * a thousand concurrent creates from storming the API and then all backing off together.
 *
 * It adapts: a 429 pauses every caller for the server's Retry-After and lowers the rate; steady
 * success raises it back towards the configured ceiling.
 */
export interface PacerOptions {
    /** Ceiling, in requests per second. */
    requestsPerSecond: number;
    /** Requests that may go at once after an idle spell. */
    burst: number;
}

export class RequestPacer {
    private rate: number;
    /** Theoretical arrival time of the next request (GCRA), in ms. */
    private nextSlot = 0;
    private pausedUntil = 0;
    private rateLimitedCount = 0;

    constructor(
        private readonly options: PacerOptions,
        private readonly now: () => number = Date.now,
    ) {
        this.rate = options.requestsPerSecond;
    }

    get currentRate(): number {
        return this.rate;
    }

    /** How many 429 answers this pacer has seen. */
    get rateLimited(): number {
        return this.rateLimitedCount;
    }

    /** Resolves when the caller may send its request. */
    async acquire(): Promise<void> {
        const wait = this.reserve();
        if (wait > 0) await sleep(wait);
    }

    /** Books the next slot and says how long (ms) to wait for it. */
    reserve(): number {
        const now = this.now();
        const interval = 1000 / this.rate;
        const tolerance = Math.max(0, this.options.burst - 1) * interval;
        this.nextSlot = Math.max(this.nextSlot, now, this.pausedUntil);
        const sendAt = Math.max(now, this.pausedUntil, this.nextSlot - tolerance);
        this.nextSlot += interval;
        return sendAt - now;
    }

    /** The server said 429: everyone waits for Retry-After, and the rate drops by a quarter. */
    onRateLimited(retryAfterMs: number): void {
        this.rateLimitedCount++;
        const until = this.now() + retryAfterMs;
        this.pausedUntil = Math.max(this.pausedUntil, until);
        this.rate = Math.max(1, this.rate * 0.75);
    }

    /** A request went through: creep back up towards the ceiling. */
    onSuccess(): void {
        if (this.rate < this.options.requestsPerSecond) {
            this.rate = Math.min(this.options.requestsPerSecond, this.rate + 0.5);
        }
    }
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

const pacers = new Map<string, RequestPacer>();

/** One pacer per API base and settings in this process. */
export function sharedPacer(key: string, options: PacerOptions): RequestPacer {
    const fullKey = `${key}|${options.requestsPerSecond}|${options.burst}`;
    let pacer = pacers.get(fullKey);
    if (!pacer) {
        pacer = new RequestPacer(options);
        pacers.set(fullKey, pacer);
    }
    return pacer;
}
