import assert from "node:assert/strict";
import { oathTokenProvider, type OathTokenInputs } from "../../provider/inventory/oathTokenProvider";
import { oathTokenDeviceProvider, type OathTokenDeviceInputs } from "../../provider/pairing/oathTokenDeviceProvider";
import { type Scenario, isolateSuiteEnvironment, rfcSecretHex, startScenario } from "../support/fixtures";

describe("OathToken and OathTokenDevice providers against the emulator", () => {
    let s: Scenario;
    let serial = 1;
    isolateSuiteEnvironment();
    beforeEach(async () => (s = await startScenario()));
    afterEach(async () => s.emulator.stop());

    const token = (extra: Partial<OathTokenInputs> = {}): OathTokenInputs => ({
        environmentId: s.environmentId,
        serialNumber: `INV${serial++}`,
        secret: rfcSecretHex,
        type: "HOTP",
        otpLength: 6,
        hashAlgorithm: "HmacSHA1",
        counter: 0,
        connection: s.connection,
        ...extra,
    });
    const writes = (pathPart: string) =>
        s.emulator.requests.filter((r) => r.method === "POST" && r.path.includes(pathPart)).length;

    describe("OathToken", () => {
        it("creates an inventory entry with one write and no read, and never returns the secret", async () => {
            const inputs = token();
            const created = await oathTokenProvider.create(inputs);
            assert.equal(created.outs?.adopted, false);
            assert.equal(s.emulator.getToken(s.environmentId, inputs.serialNumber)?.id, created.id);
            const api = s.emulator.requests.filter((r) => !r.path.endsWith("/as/token"));
            assert.deepEqual(
                api.map((r) => r.method),
                ["POST"],
            );
            assert.equal(created.outs?.secret, rfcSecretHex, "kept for diffs, stored encrypted");
        });

        it("adopts a token that already exists, and one whose create answer was lost", async () => {
            const existing = token();
            s.emulator.addToken(s.environmentId, {
                serialNumber: existing.serialNumber,
                secret: rfcSecretHex,
                type: "HOTP",
            });
            const adopted = await oathTokenProvider.create(existing);
            assert.equal(adopted.outs?.adopted, true);

            const lost = token();
            s.emulator.clearRequests();
            s.emulator.failNext({ method: "POST", path: "/oathTokens" }, { drop: "after-handling" });
            const created = await oathTokenProvider.create(lost);
            assert.equal(created.id, s.emulator.getToken(s.environmentId, lost.serialNumber)?.id);
            assert.equal(writes("/oathTokens"), 1, "not sent twice");
        });

        it("reads TOTP drift on refresh, revokes on delete, and replaces on a new secret", async () => {
            const inputs = token({ type: "TOTP", timeStep: 30, counter: undefined });
            const created = await oathTokenProvider.create(inputs);
            const read = await oathTokenProvider.read!(created.id, created.outs);
            assert.equal(read.props?.drift, 0);
            const diff = await oathTokenProvider.diff!(created.id, created.outs!, {
                ...inputs,
                secret: "00".repeat(20),
            });
            assert.deepEqual(diff.replaces, ["secret"]);
            const same = await oathTokenProvider.diff!(created.id, created.outs!, { ...inputs });
            assert.equal(same.changes, false);
            await oathTokenProvider.delete!(created.id, created.outs!);
            assert.equal(s.emulator.getToken(s.environmentId, inputs.serialNumber), undefined);
            assert.equal((await oathTokenProvider.read!(created.id, created.outs)).id, undefined);
        });

        it("checks PingOne's rules at preview", async () => {
            const result = await oathTokenProvider.check!(
                {} as never,
                {
                    environmentId: s.environmentId,
                    serialNumber: "BAD-SERIAL!",
                    secret: "JBSWY3DPEHPK3PXP",
                    type: "HOTP",
                    hashAlgorithm: "HmacSHA256",
                    timeStep: 45,
                } as never,
            );
            const byProperty = Object.fromEntries(result.failures!.map((f) => [f.property, f.reason]));
            assert.match(byProperty.serialNumber, /letters and digits/);
            assert.match(byProperty.secret, /must be hex.*convert base32/);
            assert.match(byProperty.hashAlgorithm, /HOTP tokens are HmacSHA1 only/);
            assert.match(byProperty.timeStep, /30 or 60/);
        });
    });

    describe("OathTokenDevice", () => {
        async function inventory(): Promise<string> {
            const inputs = token();
            await oathTokenProvider.create(inputs);
            return inputs.serialNumber;
        }
        const device = (serialNumber: string, user: { userId?: string; username?: string }): OathTokenDeviceInputs => ({
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

        it("never leaves two devices: lost answers and re-runs adopt the one PingOne holds", async () => {
            const carol = s.emulator.addUser(s.environmentId, { username: "carol" });
            const serialNumber = await inventory();
            s.emulator.failNext({ method: "POST", path: `/users/${carol.id}/devices` }, { drop: "after-handling" });
            const first = await oathTokenDeviceProvider.create(device(serialNumber, { userId: carol.id }));
            const rerun = await oathTokenDeviceProvider.create(device(serialNumber, { userId: carol.id }));
            assert.equal(rerun.id, first.id);
            assert.equal(rerun.outs?.adopted, true);
            assert.equal(s.emulator.listDevices(s.environmentId, carol.id).length, 1);
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
});
