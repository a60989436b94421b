// Activation and resync semantics: look-ahead, the two-call EXTRA_OTP_REQUIRED resync, replay
// protection, TOTP skew/drift, and the token resync endpoint.
import assert from "node:assert/strict";
import { ENV_ID, Harness, assertP1Error, otp } from "../support/emulatorHarness";

const RESYNC = "application/vnd.pingidentity.device.resync+json";

describe("emulator: HOTP activation", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    it("accepts c+9 directly (look-ahead of 10)", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter: 100 });
        const result = await h.activate(userId, deviceId, { otp: otp(109) });
        assert.equal(result.status, 200);
        assert.equal(result.body.status, "ACTIVE");
        assert.equal(result.body._links.activate, undefined, "no activate link once ACTIVE");
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, 110);
    });

    it("rejects c+10 without oathResync", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter: 100 });
        assertP1Error(await h.activate(userId, deviceId, { otp: otp(110) }), 400, "INVALID_DATA", "INVALID_OTP", "otp");
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, 100);
    });

    it("answers EXTRA_OTP_REQUIRED (the documented body) for c+10 with oathResync, then activates with the next OTP", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        const first = await h.activate(userId, deviceId, { otp: otp(10), oathResync: true });
        assert.equal(first.status, 400);
        const { id, ...rest } = first.body;
        assert.match(id, /^[0-9a-f-]{36}$/);
        assert.deepEqual(rest, {
            code: "INVALID_DATA",
            message: "The request could not be completed. One or more validation errors were in the request.",
            details: [{ code: "EXTRA_OTP_REQUIRED", target: "otp", message: "An extra OTP is required" }],
        });
        assert.equal(h.emulator.getDevice(ENV_ID, deviceId)?.status, "ACTIVATION_REQUIRED");
        assert.equal(
            h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter,
            0,
            "counter does not move on the first half",
        );

        const second = await h.activate(userId, deviceId, { otp: otp(11), oathResync: true });
        assert.equal(second.status, 200, JSON.stringify(second.body));
        assert.equal(second.body.status, "ACTIVE");
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, 12);
    });

    it("resyncs deep in the window (c+500)", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        assertP1Error(
            await h.activate(userId, deviceId, { otp: otp(500), oathResync: true }),
            400,
            "INVALID_DATA",
            "EXTRA_OTP_REQUIRED",
            "otp",
        );
        assert.equal((await h.activate(userId, deviceId, { otp: otp(501), oathResync: true })).status, 200);
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, 502);
    });

    it("rejects an OTP beyond the resync window (c+1000)", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        // otp(1000) must not collide with any code in 0..999 for this test to mean anything.
        const window = Array.from({ length: 1000 }, (_, k) => otp(k));
        assert.ok(!window.includes(otp(1000)));
        assertP1Error(
            await h.activate(userId, deviceId, { otp: otp(1000), oathResync: true }),
            400,
            "INVALID_DATA",
            "INVALID_OTP",
            "otp",
        );
    });

    it("a wrong second OTP answers INVALID_OTP and drops the pending resync", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        assertP1Error(
            await h.activate(userId, deviceId, { otp: otp(40), oathResync: true }),
            400,
            "INVALID_DATA",
            "EXTRA_OTP_REQUIRED",
        );
        assertP1Error(
            await h.activate(userId, deviceId, { otp: otp(42), oathResync: true }),
            400,
            "INVALID_DATA",
            "INVALID_OTP",
            "otp",
        );
        // Were the pending resync still there, otp(41) would now complete it; instead it starts a new one.
        assertP1Error(
            await h.activate(userId, deviceId, { otp: otp(41), oathResync: true }),
            400,
            "INVALID_DATA",
            "EXTRA_OTP_REQUIRED",
        );
        assert.equal(h.emulator.getDevice(ENV_ID, deviceId)?.status, "ACTIVATION_REQUIRED");
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, 0);
    });

    it("the second OTP must also carry oathResync: true", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        assertP1Error(
            await h.activate(userId, deviceId, { otp: otp(20), oathResync: true }),
            400,
            "INVALID_DATA",
            "EXTRA_OTP_REQUIRED",
        );
        assertP1Error(await h.activate(userId, deviceId, { otp: otp(21) }), 400, "INVALID_DATA", "INVALID_OTP");
        assert.equal(h.emulator.getDevice(ENV_ID, deviceId)?.status, "ACTIVATION_REQUIRED");
    });

    it("never accepts a used OTP again (re-pairing the same token)", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        assert.equal((await h.activate(userId, deviceId, { otp: otp(3) })).status, 200);
        assert.equal(
            (await h.call("DELETE", `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`)).status,
            204,
        );

        const again = await h.createDevice(userId, serialNumber);
        assert.equal(again.status, 201);
        for (const used of [0, 1, 2, 3]) {
            assertP1Error(
                await h.activate(userId, again.body.id, { otp: otp(used), oathResync: true }),
                400,
                "INVALID_DATA",
                "INVALID_OTP",
            );
        }
        assert.equal((await h.activate(userId, again.body.id, { otp: otp(4) })).status, 200);
    });

    it("refuses to activate a device that is already ACTIVE (REQUEST_FAILED)", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        assert.equal((await h.activate(userId, deviceId, { otp: otp(0) })).status, 200);
        assertP1Error(await h.activate(userId, deviceId, { otp: otp(1) }), 400, "REQUEST_FAILED");
    });

    it("validates the otp field: missing -> REQUIRED_VALUE, non-digits -> INVALID_VALUE", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        assertP1Error(await h.activate(userId, deviceId, {}), 400, "INVALID_DATA", "REQUIRED_VALUE", "otp");
        assertP1Error(
            await h.activate(userId, deviceId, { otp: "12ab56" }),
            400,
            "INVALID_DATA",
            "INVALID_VALUE",
            "otp",
        );
        assertP1Error(await h.activate(userId, deviceId, { otp: 755224 }), 400, "INVALID_DATA", "INVALID_VALUE", "otp");
        assert.equal(
            (await h.activate(userId, deviceId, { otp: otp(0) })).status,
            200,
            "validation errors do not burn the OTP",
        );
    });

    it("checks 8-digit HOTP codes", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "HOTP", otpLength: 8, counter: 5 });
        assertP1Error(await h.activate(userId, deviceId, { otp: otp(5, 6) }), 400, "INVALID_DATA", "INVALID_OTP");
        assert.equal((await h.activate(userId, deviceId, { otp: otp(5, 8) })).status, 200);
    });
});

describe("emulator: TOTP activation", () => {
    let h: Harness;
    let clockMs = 0;
    const T = 50_000_000; // an arbitrary step; clock = T * 30 s + 7 s
    before(async () => (h = await Harness.start({ now: () => clockMs })));
    beforeEach(() => (clockMs = T * 30_000 + 7_000));
    after(() => h.stop());

    it("accepts T-1, T and T+1 and records the drift", async () => {
        for (const offset of [-1, 0, 1]) {
            const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "TOTP", timeStep: 30 });
            assert.equal((await h.activate(userId, deviceId, { otp: otp(T + offset) })).status, 200);
            assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.totp?.drift, offset);
        }
    });

    it("rejects T+2 without oathResync", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "TOTP", timeStep: 30 });
        assertP1Error(
            await h.activate(userId, deviceId, { otp: otp(T + 2) }),
            400,
            "INVALID_DATA",
            "INVALID_OTP",
            "otp",
        );
    });

    it("resyncs a token 10 steps fast: EXTRA_OTP_REQUIRED, then step T+11 activates with drift 11", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "TOTP", timeStep: 30 });
        assertP1Error(
            await h.activate(userId, deviceId, { otp: otp(T + 10), oathResync: true }),
            400,
            "INVALID_DATA",
            "EXTRA_OTP_REQUIRED",
            "otp",
        );
        const second = await h.activate(userId, deviceId, { otp: otp(T + 11), oathResync: true });
        assert.equal(second.status, 200);
        assert.deepEqual(h.emulator.getToken(ENV_ID, serialNumber)?.totp, { timeStep: 30, drift: 11 });
    });

    it("resyncs a slow token (T-30) but not one beyond ±40 steps", async () => {
        const slow = await h.pairedDevice({ type: "TOTP", timeStep: 30 });
        assertP1Error(
            await h.activate(slow.userId, slow.deviceId, { otp: otp(T - 30), oathResync: true }),
            400,
            "INVALID_DATA",
            "EXTRA_OTP_REQUIRED",
        );
        assert.equal(
            (await h.activate(slow.userId, slow.deviceId, { otp: otp(T - 29), oathResync: true })).status,
            200,
        );
        assert.equal(h.emulator.getToken(ENV_ID, slow.serialNumber)?.totp?.drift, -29);

        const lost = await h.pairedDevice({ type: "TOTP", timeStep: 30 });
        assertP1Error(
            await h.activate(lost.userId, lost.deviceId, { otp: otp(T + 41), oathResync: true }),
            400,
            "INVALID_DATA",
            "INVALID_OTP",
        );
    });

    it("uses 60-second steps when the token says so", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "TOTP", timeStep: 60 });
        const step60 = Math.floor(clockMs / 60_000);
        assertP1Error(await h.activate(userId, deviceId, { otp: otp(T) }), 400, "INVALID_DATA", "INVALID_OTP");
        assert.equal((await h.activate(userId, deviceId, { otp: otp(step60) })).status, 200);
    });

    it("never accepts the same TOTP code twice, nor an older one", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "TOTP", timeStep: 30 });
        assert.equal((await h.activate(userId, deviceId, { otp: otp(T) })).status, 200);
        await h.call("DELETE", `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`);
        const again = await h.createDevice(userId, serialNumber);
        assertP1Error(await h.activate(userId, again.body.id, { otp: otp(T) }), 400, "INVALID_DATA", "INVALID_OTP");
        assertP1Error(await h.activate(userId, again.body.id, { otp: otp(T - 1) }), 400, "INVALID_DATA", "INVALID_OTP");
        assert.equal((await h.activate(userId, again.body.id, { otp: otp(T + 1) })).status, 200);
    });

    it("follows the recorded drift: after drift +11, the window is centred on T+11", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "TOTP", timeStep: 30 });
        await h.activate(userId, deviceId, { otp: otp(T + 10), oathResync: true });
        await h.activate(userId, deviceId, { otp: otp(T + 11), oathResync: true });
        await h.call("DELETE", `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`);
        clockMs += 30_000; // one step later: the token now shows T+12
        const again = await h.createDevice(userId, serialNumber);
        assert.equal((await h.activate(userId, again.body.id, { otp: otp(T + 12) })).status, 200);
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.totp?.drift, 11);
    });
});

describe("emulator: token resync endpoint", () => {
    let h: Harness;
    let clockMs = 0;
    before(async () => (h = await Harness.start({ now: () => clockMs })));
    after(() => h.stop());

    it("moves an HOTP counter with two consecutive OTPs", async () => {
        const { id, serialNumber } = h.inventoryToken({ type: "HOTP", counter: 0 });
        const result = await h.call("POST", `/environments/${ENV_ID}/oathTokens/${id}`, {
            body: { otps: [otp(200), otp(201)] },
            contentType: RESYNC,
        });
        assert.equal(result.status, 200, JSON.stringify(result.body));
        assert.deepEqual(result.body.hotp, { counter: 202 });
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, 202);
    });

    it("refuses non-consecutive OTPs, past OTPs and a wrong Content-Type", async () => {
        const { id, serialNumber } = h.inventoryToken({ type: "HOTP", counter: 50 });
        const path = `/environments/${ENV_ID}/oathTokens/${id}`;
        assertP1Error(
            await h.call("POST", path, { body: { otps: [otp(200), otp(202)] }, contentType: RESYNC }),
            400,
            "INVALID_DATA",
            "INVALID_OTP",
            "otps",
        );
        assertP1Error(
            await h.call("POST", path, { body: { otps: [otp(10), otp(11)] }, contentType: RESYNC }),
            400,
            "INVALID_DATA",
            "INVALID_OTP",
            "otps",
        );
        assertP1Error(
            await h.call("POST", path, { body: { otps: [otp(60)] }, contentType: RESYNC }),
            400,
            "INVALID_DATA",
            "INVALID_VALUE",
            "otps",
        );
        assertP1Error(
            await h.call("POST", path, { body: {}, contentType: RESYNC }),
            400,
            "INVALID_DATA",
            "REQUIRED_VALUE",
            "otps",
        );
        assertP1Error(await h.call("POST", path, { body: { otps: [otp(60), otp(61)] } }), 415, "INVALID_REQUEST");
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, 50);
    });

    it("records TOTP drift", async () => {
        clockMs = 1_700_000_000_000;
        const T = Math.floor(clockMs / 30_000);
        const { id } = h.inventoryToken({ type: "TOTP", timeStep: 30 });
        const result = await h.call("POST", `/environments/${ENV_ID}/oathTokens/${id}`, {
            body: { otps: [otp(T - 21), otp(T - 20)] },
            contentType: RESYNC,
        });
        assert.equal(result.status, 200);
        assert.deepEqual(result.body.totp, { timeStep: 30, drift: -20 });
    });

    it("works under the owning user only", async () => {
        const { userId, tokenId } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        const stranger = h.user();
        const body = { otps: [otp(30), otp(31)] };
        assertP1Error(
            await h.call("POST", `/environments/${ENV_ID}/users/${stranger}/oathTokens/${tokenId}`, {
                body,
                contentType: RESYNC,
            }),
            404,
            "NOT_FOUND",
        );
        const result = await h.call("POST", `/environments/${ENV_ID}/users/${userId}/oathTokens/${tokenId}`, {
            body,
            contentType: RESYNC,
        });
        assert.equal(result.status, 200);
        assert.deepEqual(result.body.hotp, { counter: 32 });
    });
});
