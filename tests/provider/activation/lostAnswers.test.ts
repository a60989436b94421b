import assert from "node:assert/strict";
import { oathTokenActivationProvider as provider } from "../../../provider/activation/activationProvider";
import { activateOathTokenDevice } from "../../../provider/activation/activateDevice";
import { AmbiguousOutcomeError, PingOneApiError } from "../../../provider/client/errors";
import { type PingOneClient } from "../../../provider/client/pingOneClient";
import { type Scenario, hotp, isolateSuiteEnvironment, rfcSecretHex, startScenario } from "../../support/fixtures";

/**
 * The answer to the first OTP is lost while PingOne had started a resync (EXTRA_OTP_REQUIRED): sending the
 * same code again would cancel the resync; sending the next code completes it.
 */
describe("activation: a lost answer to the first OTP of a resync", function () {
    this.timeout(20_000);
    isolateSuiteEnvironment();
    let s: Scenario;
    before(async () => (s = await startScenario()));
    after(async () => s?.emulator.stop());

    const base = (token: { userId: string; deviceId: string }) => ({
        environmentId: s.environmentId,
        userId: token.userId,
        deviceId: token.deviceId,
        oathResync: true,
        deleteDeviceOnDestroy: false,
        connection: s.connection,
    });

    for (const [label, codes] of [
        ["typed codes", { otp: hotp(rfcSecretHex, 25), nextOtp: hotp(rfcSecretHex, 26) }],
        ["a seed", { seed: { secret: rfcSecretHex, type: "HOTP" as const, counter: 25 } }],
    ] as const) {
        it(`converges in one run with ${label}: the next code completes the resync, no code is sent twice`, async () => {
            // The fob was pressed 25 times since programming: beyond the look-ahead, inside the resync window.
            const token = s.addPairedToken({ counter: 0 });
            s.emulator.failNext({ method: "POST", path: `/devices/${token.deviceId}` }, { drop: "after-handling" });
            s.emulator.clearRequests();
            const result = await provider.create({ ...base(token), ...codes });
            assert.equal(result.outs?.status, "ACTIVE");
            const posts = s.emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith(token.deviceId));
            assert.deepEqual(
                posts.map((r) => [r.status, r.outcome]),
                [
                    [400, "dropped"],
                    [200, "answered"],
                ],
            );
        });
    }
});

describe("activateOathTokenDevice against a slow server (a stand-in client)", () => {
    it("a resend refused because the lost activation landed after the look: ACTIVE, done, no error", async () => {
        const device = (status: string) => ({ id: "d1", type: "OATH_TOKEN", status, serialNumber: "SLOW1" });
        let activates = 0;
        let reads = 0;
        const client = {
            // The first look still sees the device waiting; the lost call lands after it.
            getDevice: async () => device(reads++ === 0 ? "ACTIVATION_REQUIRED" : "ACTIVE"),
            activateDevice: async () => {
                activates++;
                if (activates === 1) throw new AmbiguousOutcomeError("POST", "/devices/d1", "socket hang up");
                throw new PingOneApiError(400, "POST", "/devices/d1", {
                    id: "8c1f2e3d-4b5a-4c6d-8e7f-9a0b1c2d3e4f",
                    code: "INVALID_DATA",
                    message: "The device is not waiting for activation",
                });
            },
        } as unknown as PingOneClient;
        const outcome = await activateOathTokenDevice(
            client,
            { environmentId: "e", userId: "u", deviceId: "d1", otp: "755224", nextOtp: "287082", oathResync: true },
            { device: device("ACTIVATION_REQUIRED") as never },
        );
        assert.equal(outcome.device.status, "ACTIVE");
        assert.equal(activates, 2, "one resend (the next code, as after any lost first answer), no third");
    });
});
