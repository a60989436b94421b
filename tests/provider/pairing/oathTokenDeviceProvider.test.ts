import assert from "node:assert/strict";
import { oathTokenProvider } from "../../../provider/inventory/oathTokenProvider";
import { oathTokenDeviceProvider, type OathTokenDeviceInputs } from "../../../provider/pairing/oathTokenDeviceProvider";
import { type Scenario, isolateSuiteEnvironment, oathTokenInputs, startScenario } from "../../support/fixtures";

describe("OathTokenDevice provider against the emulator", () => {
    let s: Scenario;
    isolateSuiteEnvironment();
    beforeEach(async () => (s = await startScenario()));
    afterEach(async () => s.emulator.stop());

    async function inventory(): Promise<string> {
        const inputs = oathTokenInputs(s);
        await oathTokenProvider.create(inputs);
        return inputs.serialNumber;
    }
    const device = (
        serialNumber: string,
        user: { userId?: string; username?: string; adopt?: boolean },
    ): OathTokenDeviceInputs => ({
        environmentId: s.environmentId,
        serialNumber,
        connection: s.connection,
        ...user,
    });

    it("pairs by username (one look-up, one write) and by userId (one write)", async () => {
        const alice = s.emulator.addUser(s.environmentId, { username: "alice" });
        s.emulator.clearRequests();
        const byName = await oathTokenDeviceProvider.create(device(await inventory(), { username: "alice" }));
        assert.equal(byName.outs?.userId, alice.id);
        assert.equal(byName.outs?.status, "ACTIVATION_REQUIRED");
        const bob = s.emulator.addUser(s.environmentId, { username: "bob" });
        const serialNumber = await inventory();
        s.emulator.clearRequests();
        await oathTokenDeviceProvider.create(device(serialNumber, { userId: bob.id }));
        assert.deepEqual(
            s.emulator.requests.filter((r) => !r.path.endsWith("/as/token")).map((r) => r.method),
            ["POST"],
        );
    });

    it("never leaves two devices: a lost answer finds its own device; another run's device is adopted only when asked", async () => {
        const carol = s.emulator.addUser(s.environmentId, { username: "carol" });
        const serialNumber = await inventory();
        s.emulator.failNext({ method: "POST", path: `/users/${carol.id}/devices` }, { drop: "after-handling" });
        const first = await oathTokenDeviceProvider.create(device(serialNumber, { userId: carol.id }));
        assert.equal(first.outs?.adopted, false, "made by this create, whose answer was lost");
        // A run that lost its state (or another stack) meets the device: an error, unless adopt is set.
        await assert.rejects(
            oathTokenDeviceProvider.create(device(serialNumber, { userId: carol.id })),
            /already exists in PingOne and this stack did not create it/,
        );
        const rerun = await oathTokenDeviceProvider.create(device(serialNumber, { userId: carol.id, adopt: true }));
        assert.equal(rerun.id, first.id);
        assert.equal(rerun.outs?.adopted, true);
        assert.equal(s.emulator.listDevices(s.environmentId, carol.id).length, 1);
        await oathTokenDeviceProvider.delete!(rerun.id, rerun.outs!);
        assert.equal(s.emulator.listDevices(s.environmentId, carol.id).length, 1, "an adopted device stays");
    });

    it("explains the device limit, an unknown serial, a token paired elsewhere and an unknown user", async () => {
        const dave = s.emulator.addUser(s.environmentId, { username: "dave" });
        for (let i = 0; i < 5; i++)
            await oathTokenDeviceProvider.create(device(await inventory(), { userId: dave.id }));
        await assert.rejects(
            oathTokenDeviceProvider.create(device(await inventory(), { userId: dave.id })),
            /most MFA devices PingOne allows/,
        );
        await assert.rejects(
            oathTokenDeviceProvider.create(device("NOSUCHSERIAL", { userId: dave.id })),
            /does not know that serial.*OathToken/,
        );
        const erin = s.emulator.addUser(s.environmentId, { username: "erin" });
        const taken = await inventory();
        await oathTokenDeviceProvider.create(device(taken, { username: "erin" }));
        const frank = s.emulator.addUser(s.environmentId, { username: "frank" });
        await assert.rejects(
            oathTokenDeviceProvider.create(device(taken, { userId: frank.id })),
            /already paired with another device or user/,
        );
        await assert.rejects(
            oathTokenDeviceProvider.create(device(await inventory(), { username: "nobody" })),
            /No user named "nobody"/,
        );
        void erin;
    });

    it("removes the device on delete and notices one deleted out of band", async () => {
        const gina = s.emulator.addUser(s.environmentId, { username: "gina" });
        const created = await oathTokenDeviceProvider.create(device(await inventory(), { userId: gina.id }));
        await oathTokenDeviceProvider.delete!(created.id, created.outs!);
        assert.equal(s.emulator.getDevice(s.environmentId, created.id), undefined);
        assert.equal((await oathTokenDeviceProvider.read!(created.id, created.outs)).id, undefined);
    });
});
