// Adversity: rate limiting, injected failures, lost requests/responses, latency, the request log
// and a clean stop.
import assert from "node:assert/strict";
import { PingOneEmulator, type RandomFaultSettings } from "../../emulator";
import { RandomFaults } from "../../emulator/faults";
import { ENV_ID, Harness, RFC_SECRET_HEX, assertP1Error, otp } from "../support/emulatorHarness";

const ACTIVATE = "application/vnd.pingidentity.device.activate+json";

async function rejectsAsNetworkError(promise: Promise<unknown>): Promise<void> {
    await assert.rejects(promise, (error: unknown) => error instanceof TypeError && /fetch failed/.test(error.message));
}

describe("emulator: rate limiting", () => {
    let h: Harness;
    beforeEach(async () => {
        h = await Harness.start();
        await h.token(); // fetched before the limiter is armed
    });
    afterEach(() => h.stop());

    it("answers 429 REQUEST_LIMITED with Retry-After once the bucket is empty", async () => {
        h.emulator.setRateLimit({ requestsPerSecond: 1, burst: 2 });
        const path = `/environments/${ENV_ID}/users`;
        assert.equal((await h.call("GET", path)).status, 200);
        assert.equal((await h.call("GET", path)).status, 200);
        const limited = await h.call("GET", path);
        assertP1Error(limited, 429, "REQUEST_LIMITED", "LIMIT_EXCEEDED");
        assert.equal(limited.headers.get("retry-after"), "1");
        assert.deepEqual(limited.body.details[0].innerError, { retryAfter: 1 });
        assert.equal(h.emulator.requests.at(-1)?.outcome, "rate-limited");
        assert.equal(h.emulator.requests.at(-1)?.status, 429);
    });

    it("Retry-After is the real wait rounded up to whole seconds", async () => {
        h.emulator.setRateLimit({ requestsPerSecond: 0.25, burst: 1 });
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
        const limited = await h.call("GET", `/environments/${ENV_ID}/users`);
        assert.equal(limited.status, 429);
        assert.equal(limited.headers.get("retry-after"), "4"); // just under 4 s left -> 4
    });

    it("counts the token endpoint too, refills over time, and can be lifted", async () => {
        h.emulator.setRateLimit({ requestsPerSecond: 10, burst: 1 });
        h.forgetToken();
        await h.token(); // takes the only token in the bucket
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 429);
        await new Promise((resolve) => setTimeout(resolve, 150));
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
        h.emulator.setRateLimit(null);
        for (let i = 0; i < 5; i++) assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
    });

    it("a rate-limited request does not act", async () => {
        const userId = h.user();
        const { serialNumber } = h.inventoryToken({ type: "HOTP" });
        h.emulator.setRateLimit({ requestsPerSecond: 0.01, burst: 1 });
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
        assert.equal((await h.createDevice(userId, serialNumber)).status, 429);
        assert.deepEqual(h.emulator.listDevices(ENV_ID, userId), []);
    });

    it("can be configured at start", async () => {
        const limited = await Harness.start({ rateLimit: { requestsPerSecond: 1 } });
        try {
            await limited.token();
            assert.equal((await limited.call("GET", `/environments/${ENV_ID}/users`)).status, 429);
        } finally {
            await limited.stop();
        }
    });
});

describe("emulator: failNext", () => {
    let h: Harness;
    beforeEach(async () => (h = await Harness.start()));
    afterEach(() => h.stop());

    it("answers the injected status with a P1Error envelope and Retry-After, without acting", async () => {
        const userId = h.user();
        const { serialNumber } = h.inventoryToken({ type: "HOTP" });
        h.emulator.failNext({ method: "POST", path: /\/devices$/ }, { status: 503, retryAfterSeconds: 7 });
        const failed = await h.createDevice(userId, serialNumber);
        assertP1Error(failed, 503, "UNEXPECTED_ERROR");
        assert.equal(failed.headers.get("retry-after"), "7");
        assert.deepEqual(h.emulator.listDevices(ENV_ID, userId), [], "the failed request did not act");
        assert.equal(h.emulator.requests.at(-1)?.outcome, "failed-injected");
        assert.equal((await h.createDevice(userId, serialNumber)).status, 201, "only the first matching request fails");
    });

    it("fails `count` matching requests, skips non-matching ones, and can send a custom body", async () => {
        h.emulator.failNext({ path: "/oathTokens", count: 2 }, { status: 500, body: { custom: true } });
        const users = await h.call("GET", `/environments/${ENV_ID}/users`);
        assert.equal(users.status, 200, "a non-matching request is untouched");
        for (let i = 0; i < 2; i++) {
            const failed = await h.call("GET", `/environments/${ENV_ID}/oathTokens`);
            assert.equal(failed.status, 500);
            assert.deepEqual(failed.body, { custom: true });
        }
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/oathTokens`)).status, 200);
    });

    it("matches on Content-Type (e.g. only activation calls)", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        h.emulator.failNext({ contentType: "device.activate" }, { status: 429, retryAfterSeconds: 2 });
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`)).status, 200);
        const limited = await h.activate(userId, deviceId, { otp: otp(0) });
        assertP1Error(limited, 429, "REQUEST_LIMITED", "LIMIT_EXCEEDED");
        assert.equal(limited.headers.get("retry-after"), "2");
        assert.equal(
            (await h.activate(userId, deviceId, { otp: otp(0) })).status,
            200,
            "the OTP was not consumed by the failed call",
        );
    });

    it("drop before-handling: the connection is cut and nothing happens", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        h.emulator.failNext({ contentType: ACTIVATE }, { drop: "before-handling" });
        h.emulator.clearRequests();
        await rejectsAsNetworkError(h.activate(userId, deviceId, { otp: otp(0) }));
        assert.equal(h.emulator.getDevice(ENV_ID, deviceId)?.status, "ACTIVATION_REQUIRED");
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, 0);
        assert.deepEqual(
            h.emulator.requests.map((r) => [r.method, r.outcome, r.status]),
            [["POST", "dropped", 0]],
        );
        assert.equal((await h.activate(userId, deviceId, { otp: otp(0) })).status, 200);
    });

    it("drop after-handling: the device IS activated, but the response is lost", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        h.emulator.failNext({ contentType: ACTIVATE }, { drop: "after-handling" });
        h.emulator.clearRequests();
        await rejectsAsNetworkError(h.activate(userId, deviceId, { otp: otp(0) }));
        assert.equal(h.emulator.getDevice(ENV_ID, deviceId)?.status, "ACTIVE");
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, 1);
        assert.deepEqual(
            h.emulator.requests.map((r) => [r.method, r.outcome, r.status]),
            [["POST", "dropped", 200]],
        );
        // A blind retry now fails, as it would against PingOne: the client must read the device first.
        assertP1Error(await h.activate(userId, deviceId, { otp: otp(1) }), 400, "REQUEST_FAILED");
        assert.equal(
            (await h.call("GET", `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`)).body.status,
            "ACTIVE",
        );
    });

    it("drop after-handling on device creation leaves the device created", async () => {
        const userId = h.user();
        const { serialNumber } = h.inventoryToken({ type: "HOTP" });
        h.emulator.failNext({ method: "POST", path: `/users/${userId}/devices` }, { drop: "after-handling" });
        await rejectsAsNetworkError(h.createDevice(userId, serialNumber));
        const devices = h.emulator.listDevices(ENV_ID, userId);
        assert.equal(devices.length, 1);
        assert.equal(devices[0].serialNumber, serialNumber);
        assertP1Error(await h.createDevice(userId, serialNumber), 400, "INVALID_DATA", "UNIQUENESS_VIOLATION");
    });

    it("clearFaults() disarms pending faults", async () => {
        h.emulator.failNext({ path: "/users" }, { status: 500 });
        h.emulator.clearFaults();
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
    });

    it("refuses nonsense fault definitions", () => {
        assert.throws(() => h.emulator.failNext({ count: 0 }, { status: 500 }), RangeError);
        assert.throws(() => h.emulator.failNext({}, { status: 99 }), RangeError);
    });
});

/** A write that acts visibly: an inventory token with this serial. A cut connection answers "network". */
async function createToken(h: Harness, serialNumber: string): Promise<number | "network"> {
    try {
        const result = await h.call("POST", `/environments/${ENV_ID}/oathTokens`, {
            body: { serialNumber, secret: RFC_SECRET_HEX, type: "HOTP", otpLength: 6 },
        });
        return result.status;
    } catch (error) {
        if (error instanceof TypeError && /fetch failed/.test(error.message)) return "network";
        throw error;
    }
}

describe("emulator: random faults", () => {
    let h: Harness;
    beforeEach(async () => {
        h = await Harness.start();
        await h.token(); // fetched before the faults are on
    });
    afterEach(() => h.stop());

    /** 40 writes under the given settings, on a fresh emulator each time: the log's answer to each. */
    const run = async (settings: RandomFaultSettings): Promise<string[]> => {
        const fresh = await Harness.start();
        try {
            await fresh.token();
            fresh.emulator.clearRequests();
            fresh.emulator.setRandomFaults(settings);
            for (let i = 0; i < 40; i++) await createToken(fresh, `SEQ${i}`);
            return fresh.emulator.requests.map((r) => `${r.outcome}:${r.status}`);
        } finally {
            await fresh.stop();
        }
    };

    it("is deterministic: the same seed faults the same writes the same way; another seed differs", async () => {
        const settings: RandomFaultSettings = { seed: 42, writeFaultRate: 0.3 };
        const first = await run(settings);
        assert.deepEqual(await run(settings), first);
        assert.ok(
            first.some((r) => r !== "answered:201"),
            "some writes failed",
        );
        assert.ok(
            first.some((r) => r === "answered:201"),
            "some writes passed",
        );
        assert.notDeepEqual(await run({ ...settings, seed: 43 }), first);
    });

    it("each kind happens, as failNext would do it: 503 and drop-before do not act, drop-after does", async () => {
        h.emulator.clearRequests();
        h.emulator.setRandomFaults({ seed: 7, writeFaultRate: 1, kinds: ["503-before"] });
        assert.equal(await createToken(h, "K503"), 503);
        assert.equal(h.emulator.getToken(ENV_ID, "K503"), undefined);
        h.emulator.setRandomFaults({ seed: 7, writeFaultRate: 1, kinds: ["drop-before"] });
        assert.equal(await createToken(h, "KDROPBEFORE"), "network");
        assert.equal(h.emulator.getToken(ENV_ID, "KDROPBEFORE"), undefined);
        h.emulator.setRandomFaults({ seed: 7, writeFaultRate: 1, kinds: ["drop-after"] });
        assert.equal(await createToken(h, "KDROPAFTER"), "network");
        assert.equal(h.emulator.getToken(ENV_ID, "KDROPAFTER")?.serialNumber, "KDROPAFTER");
        assert.deepEqual(
            h.emulator.requests.map((r) => [r.outcome, r.status]),
            [
                ["failed-injected", 503],
                ["dropped", 0],
                ["dropped", 201],
            ],
        );

        h.emulator.setRandomFaults({ seed: 1, writeFaultRate: 1 });
        for (let i = 0; i < 30; i++) await createToken(h, `MIX${i}`);
        const counts = h.emulator.randomFaultCounts()!;
        assert.equal(counts.byKind["503-before"] + counts.byKind["drop-before"] + counts.byKind["drop-after"], 30);
        for (const [kind, n] of Object.entries(counts.byKind)) assert.ok(n > 0, `${kind} happened`);
    });

    it("faults only writes below /v1: reads and the token endpoint pass; failNext wins over a random fault", async () => {
        h.emulator.setRandomFaults({ seed: 3, writeFaultRate: 1, kinds: ["drop-before"] });
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
        h.forgetToken();
        await h.token();
        h.emulator.failNext({ path: "/oathTokens" }, { status: 500 });
        assert.equal(await createToken(h, "ARMED"), 500);
        assert.equal(await createToken(h, "RANDOM"), "network");
        assert.equal(h.emulator.randomFaultCounts()?.byKind["drop-before"], 1);
    });

    it("a storm answers every request 429 REQUEST_LIMITED with Retry-After, token endpoint included, and acts on none", async () => {
        h.emulator.clearRequests();
        h.emulator.setRandomFaults({
            seed: 1,
            writeFaultRate: 0,
            rateLimitStorms: { everyMs: 60_000, durationMs: 1500, firstAtMs: 0 },
        });
        const limited = await h.call("GET", `/environments/${ENV_ID}/users`);
        assertP1Error(limited, 429, "REQUEST_LIMITED", "LIMIT_EXCEEDED");
        assert.equal(limited.headers.get("retry-after"), "2"); // the rest of the storm (< 1.5 s), rounded up
        assert.equal(await createToken(h, "STORMED"), 429);
        assert.equal(h.emulator.getToken(ENV_ID, "STORMED"), undefined);
        const token = await fetch(`${h.emulator.authUrl}/${ENV_ID}/as/token`, { method: "POST" });
        assert.equal(token.status, 429);
        assert.ok(Number(token.headers.get("retry-after")) >= 1);
        assert.deepEqual(
            h.emulator.requests.map((r) => [r.outcome, r.status]),
            Array.from({ length: 3 }, () => ["rate-limited", 429]),
        );
        assert.equal(h.emulator.randomFaultCounts()?.stormAnswers, 3);

        h.emulator.setRandomFaults(null);
        assert.equal(h.emulator.randomFaultCounts(), undefined);
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
        assert.equal(await createToken(h, "CALM"), 201);
    });

    it("storms come on schedule: firstAtMs, then for durationMs in every everyMs", () => {
        let now = 1000;
        const faults = new RandomFaults(
            { seed: 1, writeFaultRate: 0, rateLimitStorms: { everyMs: 10_000, durationMs: 2500, firstAtMs: 5000 } },
            () => now,
        );
        const at = (ms: number) => {
            now = 1000 + ms;
            return faults.storm();
        };
        assert.equal(at(0), null);
        assert.equal(at(4999), null);
        assert.equal(at(5000), 3); // 2.5 s to go
        assert.equal(at(6600), 1); // 0.9 s to go
        assert.equal(at(7500), null);
        assert.equal(at(14_999), null);
        assert.equal(at(15_000), 3);
        assert.equal(at(25_100), 3);
        assert.equal(faults.counts.stormAnswers, 4);
        // Without firstAtMs the first storm waits a whole period.
        const later = new RandomFaults(
            { seed: 1, writeFaultRate: 0, rateLimitStorms: { everyMs: 10_000, durationMs: 1000 } },
            () => now,
        );
        now += 9999;
        assert.equal(later.storm(), null);
        now += 1;
        assert.equal(later.storm(), 1);
    });

    it("refuses nonsense settings", () => {
        const bad: RandomFaultSettings[] = [
            { seed: 1.5, writeFaultRate: 0.1 },
            { seed: 1, writeFaultRate: 1.1 },
            { seed: 1, writeFaultRate: -0.1 },
            { seed: 1, writeFaultRate: 0.1, kinds: [] },
            { seed: 1, writeFaultRate: 0.1, kinds: ["503-after" as "503-before"] },
            { seed: 1, writeFaultRate: 0, rateLimitStorms: { everyMs: 0, durationMs: 1 } },
            { seed: 1, writeFaultRate: 0, rateLimitStorms: { everyMs: 1000, durationMs: 1000 } },
            { seed: 1, writeFaultRate: 0, rateLimitStorms: { everyMs: 1000, durationMs: 10, firstAtMs: -1 } },
        ];
        for (const settings of bad)
            assert.throws(() => h.emulator.setRandomFaults(settings), RangeError, JSON.stringify(settings));
    });
});

describe("emulator: latency, request log and stop", () => {
    it("adds latency before every response", async () => {
        const h = await Harness.start({ latencyMs: 150 });
        try {
            let started = Date.now();
            await h.token();
            assert.ok(Date.now() - started >= 140, "latency from options");
            h.emulator.setLatency(300);
            started = Date.now();
            assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
            assert.ok(Date.now() - started >= 290, "latency from setLatency");
            h.emulator.setLatency(0);
            started = Date.now();
            await h.call("GET", `/environments/${ENV_ID}/users`);
            assert.ok(Date.now() - started < 250, "latency removed");
        } finally {
            await h.stop();
        }
    });

    it("logs every request with method, path, query, content type, status, time and outcome", async () => {
        const h = await Harness.start();
        try {
            const before = Date.now();
            await h.token();
            await h.call("GET", `/environments/${ENV_ID}/users?filter=${encodeURIComponent('username eq "x"')}`);
            await h.call("GET", `/environments/${ENV_ID}/users`, { token: null });
            const [token, users, unauthorized] = h.emulator.requests;
            assert.equal(h.emulator.requests.length, 3);
            assert.deepEqual(
                [token.method, token.path, token.status, token.outcome],
                ["POST", `/${ENV_ID}/as/token`, 200, "answered"],
            );
            assert.match(token.contentType ?? "", /^application\/x-www-form-urlencoded/);
            assert.deepEqual(
                [users.method, users.path, users.query, users.status],
                ["GET", `/v1/environments/${ENV_ID}/users`, "filter=username%20eq%20%22x%22", 200],
            );
            assert.equal(users.contentType, undefined);
            assert.equal(unauthorized.status, 401);
            assert.ok(token.at >= before && token.at <= Date.now());
            h.emulator.clearRequests();
            assert.equal(h.emulator.requests.length, 0);
        } finally {
            await h.stop();
        }
    });

    it("stop() closes open connections, even mid-request, and frees the port", async () => {
        const emulator = await PingOneEmulator.start({ latencyMs: 10_000 });
        const pending = fetch(`${emulator.authUrl}/nowhere`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const started = Date.now();
        await emulator.stop();
        assert.ok(Date.now() - started < 1000, "stop does not wait for the latency");
        await rejectsAsNetworkError(pending);
        await rejectsAsNetworkError(fetch(`${emulator.authUrl}/nowhere`));
        await emulator.stop(); // idempotent
    });

    it("binds 127.0.0.1 on the requested port", async () => {
        const probe = await PingOneEmulator.start();
        const port = Number(new URL(probe.apiUrl).port);
        await probe.stop();
        const emulator = await PingOneEmulator.start({ port });
        try {
            assert.equal(emulator.apiUrl, `http://127.0.0.1:${port}/v1`);
            assert.equal(emulator.authUrl, `http://127.0.0.1:${port}`);
        } finally {
            await emulator.stop();
        }
    });
});
