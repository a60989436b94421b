import assert from "node:assert/strict";
import { defaultClientOptions } from "../../../provider/client";
import { type Scenario, clientForConnection, isolateSuiteEnvironment, startScenario } from "../../support/fixtures";

describe("client: Retry-After within the retry budget, and usernames as PingOne matches them", function () {
    this.timeout(20_000);
    isolateSuiteEnvironment();
    let s: Scenario;
    beforeEach(async () => (s = await startScenario()));
    afterEach(async () => s?.emulator.stop());

    const client = (maxRetryTimeMs: number, log?: (message: string) => void) =>
        clientForConnection(s.connection, { ...defaultClientOptions, maxRetryTimeMs, baseDelayMs: 20 }, log);

    it("a Retry-After longer than the whole retry budget fails at once, saying nothing changed and what to set", async () => {
        s.emulator.failNext({ method: "GET", path: "/users" }, { status: 429, retryAfterSeconds: 300 });
        const started = Date.now();
        await assert.rejects(
            client(120_000).findUserByUsername(s.environmentId, "alice"),
            /asks to wait 300 s \(Retry-After\), more than the 120 s retry budget: nothing was changed .* pingone:maxRetryTimeMs/,
        );
        // Nor does it pause the other requests of the process (they share one pacer).
        assert.equal(await client(120_000).findUserByUsername(s.environmentId, "nobody"), undefined);
        assert.ok(Date.now() - started < 5_000, "no idle wait");
    });

    it("waiting in the pacer's queue does not use up the retry budget: a slow queue still gets its retries", async () => {
        const slow = clientForConnection(s.connection, {
            ...defaultClientOptions,
            maxRetryTimeMs: 400,
            baseDelayMs: 20,
            requestsPerSecond: 4,
            burst: 1,
        });
        await slow.findUserByUsername(s.environmentId, "nobody"); // the access token, once
        // Four calls queue at 4/s: the last waits about a second for its slot, longer than the 400 ms budget,
        // and its first answer is a 503.
        const calls = [0, 1, 2].map(() => slow.findUserByUsername(s.environmentId, "nobody"));
        await new Promise((resolve) => setTimeout(resolve, 600));
        s.emulator.failNext({ method: "GET", path: "/users" }, { status: 503 });
        calls.push(slow.findUserByUsername(s.environmentId, "nobody"));
        assert.deepEqual(await Promise.all(calls), [undefined, undefined, undefined, undefined]);
    });

    it("a long Retry-After within the budget is waited out, and said", async () => {
        s.emulator.failNext({ method: "GET", path: "/users" }, { status: 429, retryAfterSeconds: 5 });
        const said: string[] = [];
        const started = Date.now();
        assert.equal(
            await client(120_000, (m) => said.push(m)).findUserByUsername(s.environmentId, "nobody"),
            undefined,
        );
        assert.ok(Date.now() - started >= 4_900);
        assert.equal(said.length, 1);
        assert.match(said[0], /rate-limited GET .*\/users \(429\): every request waits 5 s/);
    });

    it("finds a user whatever the case of the username, as PingOne does", async () => {
        const alice = s.emulator.addUser(s.environmentId, { username: "Alice.Smith" });
        assert.equal((await client(120_000).findUserByUsername(s.environmentId, "alice.smith"))?.id, alice.id);
        assert.equal((await client(120_000).findUserByUsername(s.environmentId, "ALICE.SMITH"))?.id, alice.id);
    });
});
