import assert from "node:assert/strict";
import {
    oathTokenActivationProvider as provider,
    type OathTokenActivationInputs,
} from "../../../provider/activation/activationProvider";
import {
    hotp,
    isolateSuiteEnvironment,
    type PairedToken,
    type Scenario,
    startScenario,
    withEnv,
} from "../../support/fixtures";

describe("OathTokenActivation provider against the emulator", () => {
    let s: Scenario;
    isolateSuiteEnvironment();
    beforeEach(async () => {
        s = await startScenario();
    });
    afterEach(async () => {
        await s.emulator.stop();
    });

    function inputs(token: PairedToken, extra: Partial<OathTokenActivationInputs> = {}): OathTokenActivationInputs {
        return {
            environmentId: s.environmentId,
            userId: token.userId,
            deviceId: token.deviceId,
            otp: hotp(token.secretHex, 0),
            oathResync: true,
            deleteDeviceOnDestroy: false,
            connection: s.connection,
            ...extra,
        };
    }

    it("activates with the current code: one token request, one read, one activate call", async () => {
        const token = s.addPairedToken();
        const result = await provider.create(inputs(token));
        assert.equal(result.id, token.deviceId);
        assert.equal(result.outs?.status, "ACTIVE");
        assert.equal(result.outs?.resynced, false);
        assert.equal(result.outs?.serialNumber, token.serialNumber);
        assert.equal(result.outs?.type, "OATH_TOKEN");
        assert.equal(s.emulator.getDevice(s.environmentId, token.deviceId)?.status, "ACTIVE");
        assert.equal(s.activateCalls(), 1);
        assert.equal(s.emulator.requests.length, 3, "token + GET device + activate");
        assert.ok(!JSON.stringify(result.outs).includes(hotp(token.secretHex, 0)), "outputs never echo the OTP");
    });

    it("resyncs with nextOtp when PingOne answers EXTRA_OTP_REQUIRED", async () => {
        const token = s.addPairedToken();
        // The fob was pressed 50 times since it was programmed: outside the look-ahead window.
        const result = await provider.create(
            inputs(token, { otp: hotp(token.secretHex, 50), nextOtp: hotp(token.secretHex, 51) }),
        );
        assert.equal(result.outs?.status, "ACTIVE");
        assert.equal(result.outs?.resynced, true);
        assert.equal(s.activateCalls(), 2);
        assert.equal(s.emulator.requests.length, 4, "token + GET device + two activate calls");
    });

    it("says the token needs a resync and to set nextOtp when it is missing", async () => {
        const token = s.addPairedToken();
        await assert.rejects(provider.create(inputs(token, { otp: hotp(token.secretHex, 50) })), (error: Error) => {
            assert.match(error.message, /needs a resync/);
            assert.match(error.message, /Set nextOtp/);
            assert.match(error.message, new RegExp(token.deviceId));
            return true;
        });
        assert.equal(s.emulator.getDevice(s.environmentId, token.deviceId)?.status, "ACTIVATION_REQUIRED");
        // A re-run with the token's next code completes the pending resync.
        const rerun = await provider.create(inputs(token, { otp: hotp(token.secretHex, 51) }));
        assert.equal(rerun.outs?.status, "ACTIVE");
    });

    it("reports an invalid OTP with the device, PingOne's codes and request id", async () => {
        const token = s.addPairedToken();
        await assert.rejects(
            provider.create(inputs(token, { otp: "000000" === hotp(token.secretHex, 0) ? "111111" : "000000" })),
            (error: Error) => {
                assert.match(error.message, /INVALID_OTP/);
                assert.match(error.message, new RegExp(`device ${token.deviceId} of user ${token.userId}`));
                assert.match(error.message, /request id:? [0-9a-f-]{36}/);
                assert.match(error.message, /fresh code/);
                return true;
            },
        );
        assert.equal(s.activateCalls(), 1);
    });

    it("adopts an ACTIVE device without sending any OTP", async () => {
        const token = s.addPairedToken({ status: "ACTIVE" });
        const result = await provider.create(inputs(token, { otp: "123456" }));
        assert.equal(result.outs?.status, "ACTIVE");
        assert.equal(s.activateCalls(), 0);
    });

    it("fails clearly when the device does not exist", async () => {
        const token = s.addPairedToken();
        const missing = "0b7d3c9e-1f2a-4b5c-8d6e-7f8091a2b3c4";
        await assert.rejects(provider.create(inputs(token, { deviceId: missing })), (error: Error) => {
            assert.match(
                error.message,
                new RegExp(
                    `device ${missing} of user ${token.userId} in environment ${s.environmentId} does not exist`,
                ),
            );
            assert.match(error.message, /OathTokenDevice/);
            return true;
        });
        assert.equal(s.activateCalls(), 0);
    });

    it("renews an expired access token once and carries on", async () => {
        const first = s.addPairedToken();
        const second = s.addPairedToken();
        await provider.create(inputs(first));
        assert.equal(s.tokenRequests(), 1);
        s.emulator.expireAccessTokens();
        const result = await provider.create(inputs(second));
        assert.equal(result.outs?.status, "ACTIVE");
        assert.equal(s.tokenRequests(), 2);
        assert.equal(s.emulator.requests.filter((r) => r.status === 401).length, 1);
    });

    it("renews the shared access token before it expires, without a 401", async () => {
        await s.emulator.stop();
        // PingOne's tokens live an hour; a 2 s token is renewed after half its life.
        s = await startScenario({ accessTokenTtlSeconds: 2 });
        const [first, second] = [s.addPairedToken(), s.addPairedToken()];
        await provider.create(inputs(first));
        await new Promise((resolve) => setTimeout(resolve, 1100));
        await provider.create(inputs(second));
        assert.equal(s.tokenRequests(), 2);
        assert.equal(s.emulator.requests.filter((r) => r.status === 401).length, 0);
    });

    it("honours Retry-After on 429, even for the activate call", async () => {
        const token = s.addPairedToken();
        s.emulator.failNext(
            { method: "POST", path: `/devices/${token.deviceId}` },
            { status: 429, retryAfterSeconds: 1, body: { code: "REQUEST_LIMITED" } },
        );
        const result = await provider.create(inputs(token));
        assert.equal(result.outs?.status, "ACTIVE");
        const activates = s.emulator.requests.filter(
            (r) => r.method === "POST" && r.path.endsWith(`/devices/${token.deviceId}`),
        );
        assert.deepEqual(
            activates.map((r) => r.status),
            [429, 200],
        );
        assert.ok(
            activates[1].at - activates[0].at >= 950,
            `waited ${activates[1].at - activates[0].at} ms for Retry-After: 1`,
        );
    });

    it("retries a 503 on a read, and reads before re-sending an activate that got a 503", async () => {
        const token = s.addPairedToken();
        s.emulator.failNext({ method: "GET", path: `/devices/${token.deviceId}` }, { status: 503 });
        s.emulator.failNext({ method: "POST", path: `/devices/${token.deviceId}` }, { status: 503 });
        const result = await provider.create(inputs(token));
        assert.equal(result.outs?.status, "ACTIVE");
        const sequence = s.emulator.requests
            .filter((r) => r.path.endsWith(`/devices/${token.deviceId}`))
            .map((r) => `${r.method} ${r.status}`);
        assert.deepEqual(sequence, ["GET 503", "GET 200", "POST 503", "GET 200", "POST 200"]);
    });

    it("converges without a second activation when the activate answer is lost", async () => {
        const token = s.addPairedToken();
        s.emulator.failNext({ method: "POST", path: `/devices/${token.deviceId}` }, { drop: "after-handling" });
        const result = await provider.create(inputs(token));
        assert.equal(result.outs?.status, "ACTIVE");
        assert.equal(
            s.activateCalls(token.deviceId),
            1,
            "the server acted once; the client looked instead of re-sending",
        );
        const last = s.emulator.requests[s.emulator.requests.length - 1];
        assert.equal(last.method, "GET");
    });

    it("shares one token request among 50 concurrent creates", async () => {
        const tokens = Array.from({ length: 50 }, () => s.addPairedToken());
        const results = await Promise.all(tokens.map((t) => provider.create(inputs(t))));
        assert.ok(results.every((r) => r.outs?.status === "ACTIVE"));
        assert.equal(s.tokenRequests(), 1);
        assert.equal(s.activateCalls(), 50);
    });

    it("refresh reads the status and drops a device deleted out of band", async () => {
        const token = s.addPairedToken();
        const created = await provider.create(inputs(token));
        const createdOuts = created.outs!;
        const refreshed = await provider.read!(token.deviceId, createdOuts);
        assert.equal(refreshed.id, token.deviceId);
        assert.equal(refreshed.props?.status, "ACTIVE");
        await s.deleteDeviceOutOfBand(token);
        const gone = await provider.read!(token.deviceId, createdOuts);
        assert.equal(gone.id, undefined);
    });

    it("leaves the device on delete by default and deletes it with deleteDeviceOnDestroy", async () => {
        const kept = s.addPairedToken();
        const removed = s.addPairedToken();
        const keptOuts = (await provider.create(inputs(kept))).outs!;
        const removedOuts = (await provider.create(inputs(removed, { deleteDeviceOnDestroy: true }))).outs!;
        await provider.delete!(kept.deviceId, keptOuts);
        await provider.delete!(removed.deviceId, removedOuts);
        assert.equal(s.emulator.getDevice(s.environmentId, kept.deviceId)?.status, "ACTIVE");
        assert.equal(s.emulator.getDevice(s.environmentId, removed.deviceId), undefined);
    });

    it("diff: new ids replace; fresh OTPs alone are no change; deleteDeviceOnDestroy updates", async () => {
        const token = s.addPairedToken();
        const outs = (await provider.create(inputs(token))).outs!;
        const same = await provider.diff!(
            token.deviceId,
            outs,
            inputs(token, { otp: "999999", nextOtp: "888888", oathResync: false }),
        );
        assert.deepEqual({ changes: same.changes, replaces: same.replaces }, { changes: false, replaces: [] });
        const moved = await provider.diff!(
            token.deviceId,
            outs,
            inputs(token, { userId: "6e0f9a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b" }),
        );
        assert.deepEqual(moved.replaces, ["userId"]);
        const flag = await provider.diff!(token.deviceId, outs, inputs(token, { deleteDeviceOnDestroy: true }));
        assert.deepEqual({ changes: flag.changes, replaces: flag.replaces }, { changes: true, replaces: [] });
        const updated = await provider.update!(token.deviceId, outs, inputs(token, { deleteDeviceOnDestroy: true }));
        assert.equal(updated.outs?.deleteDeviceOnDestroy, true);
        assert.equal(updated.outs?.status, "ACTIVE");
    });

    it("reads credentials from PINGONE_* environment variables when no connection input is set", async () => {
        const token = s.addPairedToken();
        const result = await withEnv(
            {
                PINGONE_API_URL: s.emulator.apiUrl,
                PINGONE_AUTH_URL: s.emulator.authUrl,
                PINGONE_CLIENT_ID: s.connection.clientId,
                PINGONE_CLIENT_SECRET: s.connection.clientSecret,
                PINGONE_ENVIRONMENT_ID: s.environmentId,
            },
            () => provider.create(inputs(token, { connection: undefined })),
        );
        assert.equal(result.outs?.status, "ACTIVE");
        assert.equal(result.outs?.connection, undefined);
    });
});
