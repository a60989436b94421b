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

    it("takes a storm of 429s (the requests already on their way) as one pause: one cut of the rate, a fresh queue", () => {
        let now = 0;
        const pacer = new RequestPacer({ requestsPerSecond: 100, burst: 10 }, () => now);
        for (let i = 0; i < 500; i++) pacer.reserve(); // a backlog of 5 s at 100/s
        for (let i = 0; i < 200; i++) pacer.onRateLimited(2000);
        assert.equal(pacer.rateLimited, 200);
        assert.equal(pacer.currentRate, 75, "one cut for one pause, not 200 (which ended at the floor of 1/s)");
        // A caller booking now queues behind the pause at the new rate, not behind the old backlog.
        const wait = pacer.reserve();
        assert.ok(wait >= 2000 && wait < 2100, `${wait} ms`);
        now = 3000; // after the pause: the next 429 is a new pause, and cuts again
        pacer.onRateLimited(1000);
        assert.equal(pacer.currentRate, 56.25);
    });
});
