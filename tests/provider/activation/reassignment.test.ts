import assert from "node:assert/strict";
import { oathTokenActivationProvider as provider } from "../../../provider/activation/activationProvider";
import { type Scenario, isolateSuiteEnvironment, rfcSecretHex, startScenario } from "../../support/fixtures";

/** Re-pairing a HOTP token: its counter in PingOne has moved on since the seed file was written. */
describe("activation from a seed: codes from the token's real position", function () {
    this.timeout(20_000);
    isolateSuiteEnvironment();
    let s: Scenario;
    before(async () => (s = await startScenario()));
    after(async () => s?.emulator.stop());

    const seed = { secret: rfcSecretHex, type: "HOTP" as const, counter: 0 };
    const activate = (userId: string, deviceId: string) =>
        provider.create({
            environmentId: s.environmentId,
            userId,
            deviceId,
            seed,
            oathResync: true,
            deleteDeviceOnDestroy: false,
            connection: s.connection,
        });

    it("a token reassigned to another user activates in one run, from PingOne's counter, with one refused attempt", async () => {
        const first = s.addPairedToken();
        await activate(first.userId, first.deviceId);
        assert.equal(s.emulator.getDevice(s.environmentId, first.deviceId)?.status, "ACTIVE");
        const counterAfterFirst = s.emulator.getToken(s.environmentId, first.serialNumber)?.hotp?.counter;
        assert.ok((counterAfterFirst ?? 0) > 0, "PingOne's counter moved on");

        // The row now names another user: the old device goes, a new one is paired with the same token.
        await s.deleteDeviceOutOfBand(first);
        const other = s.emulator.addUser(s.environmentId, { username: "reassigned-user" });
        const device = s.emulator.addDevice(s.environmentId, { userId: other.id, serialNumber: first.serialNumber });
        s.emulator.clearRequests();
        const result = await activate(other.id, device.id);
        assert.equal(result.outs?.status, "ACTIVE");
        const activates = s.emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith(device.id));
        assert.deepEqual(
            activates.map((r) => r.status),
            [400, 200],
            "the seed file's code is refused once, then the code at PingOne's counter is accepted",
        );
    });
});
