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
    /** Bumped by every new pause: a caller whose slot was booked before it books again. */
    private epoch = 0;

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

    /**
     * Resolves when the caller may send its request. A slot booked before a 429 pause was booked at the old
     * rate and backlog: the caller books again when it wakes, so the queue is rebuilt after the pause instead
     * of keeping waits computed at a rate that has since recovered.
     */
    async acquire(): Promise<void> {
        for (;;) {
            const epoch = this.epoch;
            const wait = this.reserve();
            if (wait > 0) await sleep(wait);
            if (epoch === this.epoch) return;
        }
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

    /**
     * The server said 429: everyone waits for Retry-After, and the rate drops by a quarter, once per pause.
     * The 429s of the requests already on their way (a hundred in a second at full rate) are one event: taking
     * a quarter off for each drove the rate to its floor of 1 request/s after one storm (measured: a 2 s storm
     * at N=1000 turned a 22 s roll-out into 362 s).
     */
    onRateLimited(retryAfterMs: number): void {
        this.rateLimitedCount++;
        const now = this.now();
        const newPause = now >= this.pausedUntil;
        this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
        if (!newPause) return;
        this.rate = Math.max(1, this.rate * 0.75);
        this.nextSlot = this.pausedUntil;
        this.epoch++;
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
