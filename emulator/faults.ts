// Adversity on demand: a token-bucket rate limiter and one-shot fault injection, so clients can
// be tested against 429s, 5xxs and lost requests/responses.
import type { FaultMatch, InjectedFailure, RateLimit } from "./types";

export class TokenBucket {
    private readonly capacity: number;
    private readonly ratePerMs: number;
    private tokens: number;
    private lastRefill: number;

    constructor(
        private readonly limit: RateLimit,
        private readonly clock: () => number = () => performance.now(),
    ) {
        if (!(limit.requestsPerSecond > 0) || !Number.isFinite(limit.requestsPerSecond)) {
            throw new RangeError("rateLimit.requestsPerSecond must be a positive number");
        }
        this.capacity = limit.burst ?? Math.max(1, Math.ceil(limit.requestsPerSecond));
        if (!(this.capacity >= 1)) throw new RangeError("rateLimit.burst must be at least 1");
        this.ratePerMs = limit.requestsPerSecond / 1000;
        this.tokens = this.capacity;
        this.lastRefill = this.clock();
    }

    get settings(): RateLimit {
        return { ...this.limit };
    }

    /**
     * Takes one token. Returns null when the request may pass, else the Retry-After in seconds.
     * Retry-After is the real wait until a token is free, rounded UP to whole seconds and at least
     * 1: the header only carries integers (RFC 9110 §10.2.3), and rounding down (to 0) would invite
     * an immediate retry that is bound to fail again.
     */
    take(): number | null {
        const now = this.clock();
        this.tokens = Math.min(this.capacity, this.tokens + (now - this.lastRefill) * this.ratePerMs);
        this.lastRefill = now;
        if (this.tokens >= 1) {
            this.tokens -= 1;
            return null;
        }
        const waitMs = (1 - this.tokens) / this.ratePerMs;
        return Math.max(1, Math.ceil(waitMs / 1000));
    }
}

export interface RequestFacts {
    method: string;
    path: string;
    contentType: string | undefined;
}

interface ArmedFault {
    match: FaultMatch;
    remaining: number;
    failure: InjectedFailure;
}

function matches(match: FaultMatch, request: RequestFacts): boolean {
    if (match.method !== undefined && match.method.toUpperCase() !== request.method.toUpperCase()) return false;
    if (match.path !== undefined) {
        if (
            typeof match.path === "string"
                ? !request.path.includes(match.path)
                : !new RegExp(match.path.source, match.path.flags.replace(/[gy]/g, "")).test(request.path)
        ) {
            return false;
        }
    }
    if (match.contentType !== undefined) {
        if (!(request.contentType ?? "").toLowerCase().includes(match.contentType.toLowerCase())) return false;
    }
    return true;
}

export class FaultInjector {
    private armed: ArmedFault[] = [];

    add(match: FaultMatch, failure: InjectedFailure): void {
        const count = match.count ?? 1;
        if (!Number.isInteger(count) || count < 1) throw new RangeError("failNext count must be a positive integer");
        if (
            "status" in failure &&
            (!Number.isInteger(failure.status) || failure.status < 100 || failure.status > 599)
        ) {
            throw new RangeError("failNext status must be an HTTP status code");
        }
        this.armed.push({ match: { ...match }, remaining: count, failure });
    }

    /** The failure for this request, if an armed fault matches; earliest-armed fault wins. */
    take(request: RequestFacts): InjectedFailure | undefined {
        const fault = this.armed.find((f) => matches(f.match, request));
        if (!fault) return undefined;
        fault.remaining -= 1;
        if (fault.remaining === 0) this.armed = this.armed.filter((f) => f !== fault);
        return fault.failure;
    }

    get pending(): number {
        return this.armed.length;
    }

    clear(): void {
        this.armed = [];
    }
}
