import assert from "node:assert/strict";
import { RequestPacer } from "../../../provider/client/requestPacer";

describe("request pacing", () => {
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
});
