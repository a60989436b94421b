import assert from "node:assert/strict";
import { oathTokenActivationProvider as provider } from "../../../provider/activation/activationProvider";
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
