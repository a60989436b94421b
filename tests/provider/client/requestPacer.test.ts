import assert from "node:assert/strict";
import { RequestPacer } from "../../provider/client/requestPacer";
import { backoffDelay, parseRetryAfter } from "../../provider/client/retry";

describe("request pacing and back-off", () => {
    it("lets a burst through at once, then spaces requests at the rate", () => {
        let now = 1_000_000;
        const pacer = new RequestPacer({ requestsPerSecond: 10, burst: 3 }, () => now);
        const waits = Array.from({ length: 6 }, () => pacer.reserve());
        assert.deepEqual(waits.map(Math.round), [0, 0, 0, 100, 200, 300]);
        now += 1000; // idle: the bucket refills up to the burst
        assert.deepEqual([pacer.reserve(), pacer.reserve(), pacer.reserve()].map(Math.round), [0, 0, 0]);
    });

    it("on a 429 makes every caller wait for Retry-After and lowers the rate, then recovers", () => {
        const pacer = new RequestPacer({ requestsPerSecond: 100, burst: 1 }, () => 0);
        pacer.onRateLimited(2000);
        assert.equal(pacer.rateLimited, 1);
        assert.equal(pacer.currentRate, 75);
        assert.ok(pacer.reserve() >= 2000);
        assert.ok(pacer.reserve() >= 2000 + 1000 / 75 - 1);
        for (let i = 0; i < 100; i++) pacer.onSuccess();
        assert.equal(pacer.currentRate, 100, "never above the ceiling");
    });

    it("backs off exponentially with jitter, capped", () => {
        for (let attempt = 1; attempt <= 8; attempt++) {
            const ceiling = Math.min(10_000, 250 * 2 ** (attempt - 1));
            const delay = backoffDelay(attempt, 250, 10_000);
            assert.ok(delay >= ceiling / 2 && delay <= ceiling, `attempt ${attempt}: ${delay}`);
        }
    });

    it("reads Retry-After as seconds or an HTTP date", () => {
        assert.equal(parseRetryAfter("3"), 3000);
        assert.equal(parseRetryAfter(null), undefined);
        const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
        const ms = parseRetryAfter(inTwoSeconds)!;
        assert.ok(ms > 0 && ms <= 2000);
    });
});
