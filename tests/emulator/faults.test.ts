// Adversity: rate limiting, injected failures, lost requests/responses, latency, the request log
// and a clean stop.
import assert from "node:assert/strict";
import { PingOneEmulator } from "../../emulator";
import { ENV_ID, Harness, assertP1Error, otp } from "../support/emulatorHarness";

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
