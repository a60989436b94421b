// Adversity on demand: a token-bucket rate limiter, one-shot fault injection and seeded random faults
// (with 429 storms), so clients can be tested against 429s, 5xxs and lost requests/responses.
import type {
    FaultMatch,
    InjectedFailure,
    RandomFaultCounts,
    RandomFaultKind,
    RandomFaultSettings,
    RateLimit,
} from "./types";

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

const randomFaultKinds: readonly RandomFaultKind[] = ["503-before", "drop-before", "drop-after"];
const writeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** mulberry32: a tiny PRNG with 32 bits of state, in [0, 1). Plenty for picking faults, and repeatable. */
function mulberry32(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

function checkRandomFaultSettings(settings: RandomFaultSettings): void {
    if (!Number.isSafeInteger(settings.seed)) throw new RangeError("random faults: seed must be an integer");
    const rate = settings.writeFaultRate;
    if (!(rate >= 0 && rate <= 1)) throw new RangeError("random faults: writeFaultRate must be a number from 0 to 1");
    const kinds = settings.kinds ?? randomFaultKinds;
    if (kinds.length === 0 || kinds.some((k) => !randomFaultKinds.includes(k)))
        throw new RangeError(`random faults: kinds must be some of ${randomFaultKinds.join(", ")}`);
    const storms = settings.rateLimitStorms;
    if (storms) {
        const { everyMs, durationMs, firstAtMs = everyMs } = storms;
        if (!(everyMs > 0 && Number.isFinite(everyMs)))
            throw new RangeError("random faults: rateLimitStorms.everyMs must be a positive number");
        if (!(durationMs > 0 && durationMs < everyMs))
            throw new RangeError("random faults: rateLimitStorms.durationMs must be positive and less than everyMs");
        if (!(firstAtMs >= 0 && Number.isFinite(firstAtMs)))
            throw new RangeError("random faults: rateLimitStorms.firstAtMs must be a number >= 0");
    }
}

/**
 * Seeded random faults: each write below /v1 draws a fault with probability `writeFaultRate` (of one of
 * `kinds`, uniformly), and 429 storms come on a fixed schedule from the moment the settings were given.
 * The failures themselves are the one-shot ones (`InjectedFailure`), so they behave exactly like `failNext`.
 */
export class RandomFaults {
    private readonly random: () => number;
    private readonly kinds: readonly RandomFaultKind[];
    private readonly startedAt: number;
    private readonly tally: RandomFaultCounts = {
        byKind: { "503-before": 0, "drop-before": 0, "drop-after": 0 },
        stormAnswers: 0,
    };

    constructor(
        private readonly settings: RandomFaultSettings,
        private readonly clock: () => number = () => performance.now(),
    ) {
        checkRandomFaultSettings(settings);
        this.random = mulberry32(settings.seed);
        this.kinds = [...(settings.kinds ?? randomFaultKinds)];
        this.startedAt = clock();
    }

    /** During a storm: the Retry-After to answer with (the rest of the storm, whole seconds, at least 1); else null. */
    storm(): number | null {
        const storms = this.settings.rateLimitStorms;
        if (!storms) return null;
        const since = this.clock() - this.startedAt - (storms.firstAtMs ?? storms.everyMs);
        if (since < 0) return null;
        const into = since % storms.everyMs;
        if (into >= storms.durationMs) return null;
        this.tally.stormAnswers++;
        return Math.max(1, Math.ceil((storms.durationMs - into) / 1000));
    }

    /** The failure for this request, if it is a write below /v1 and draws one. */
    take(request: RequestFacts): InjectedFailure | undefined {
        if (!writeMethods.has(request.method.toUpperCase()) || !request.path.startsWith("/v1/")) return undefined;
        if (this.random() >= this.settings.writeFaultRate) return undefined;
        const kind = this.kinds[Math.floor(this.random() * this.kinds.length)];
        this.tally.byKind[kind]++;
        if (kind === "503-before") return { status: 503 };
        return { drop: kind === "drop-before" ? "before-handling" : "after-handling" };
    }

    get counts(): RandomFaultCounts {
        return { byKind: { ...this.tally.byKind }, stormAnswers: this.tally.stormAnswers };
    }
}
