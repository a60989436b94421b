import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    oathTokenActivationProvider as provider,
    type OathTokenActivationInputs,
} from "../../../provider/activation/activationProvider";
import {
    type PairedToken,
    type Scenario,
    fakeYkmanCommand,
    isolateSuiteEnvironment,
    rfc4226Codes,
    rfcSecretHex,
    startScenario,
} from "../../support/fixtures";

describe("OathTokenActivation codes from a seed or a command, against the emulator", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otp-command-"));
    let s: Scenario;
    isolateSuiteEnvironment();
    beforeEach(async () => (s = await startScenario()));
    afterEach(async () => s.emulator.stop());
    const inputs = (t: PairedToken, extra: Partial<OathTokenActivationInputs>): OathTokenActivationInputs => ({
        environmentId: s.environmentId,
        userId: t.userId,
        deviceId: t.deviceId,
        oathResync: true,
        deleteDeviceOnDestroy: false,
        connection: s.connection,
        ...extra,
    });

    it("reads codes given by reference from stack config or the environment, and says which one is not set", async () => {
        const t = s.addPairedToken({ counter: 3 });
        await provider.configure!({
            config: { get: (key: string) => ({ "proj:fobOtp": rfc4226Codes[3] })[key] },
        } as never);
        process.env.FOB_NEXT_OTP = rfc4226Codes[4];
        try {
            const news = inputs(t, { otp: { config: "proj:fobOtp" }, nextOtp: { env: "FOB_NEXT_OTP" } });
            const checked = await provider.check!({} as never, news as never);
            assert.deepEqual(checked.failures, []);
            assert.deepEqual(
                checked.inputs?.otp,
                { config: "proj:fobOtp" },
                "the reference, not the code, is the input",
            );
            assert.equal((await provider.create(checked.inputs!)).outs?.status, "ACTIVE");
            const missing = await provider.check!({} as never, inputs(t, { otp: { env: "NO_SUCH_OTP_VAR" } }) as never);
            assert.equal(missing.failures?.[0]?.property, "otp");
            assert.match(
                missing.failures![0]!.reason,
                /environment variable NO_SUCH_OTP_VAR is not set: set it in the environment/,
            );
        } finally {
            delete process.env.FOB_NEXT_OTP;
        }
    });

    it("runs the command once for a direct activation, twice for a resync, never for an ACTIVE device", async () => {
        const direct = s.addPairedToken();
        const directCounter = path.join(dir, "direct");
        assert.equal(
            (await provider.create(inputs(direct, { otpCommand: fakeYkmanCommand(directCounter) }))).outs?.status,
            "ACTIVE",
        );
        assert.equal(fs.readFileSync(directCounter, "utf8"), "1", "one code read");

        const drifted = s.addPairedToken();
        const driftedCounter = path.join(dir, "drifted");
        fs.writeFileSync(driftedCounter, "30"); // the key was used 30 times elsewhere
        const resync = await provider.create(inputs(drifted, { otpCommand: fakeYkmanCommand(driftedCounter) }));
        assert.equal(resync.outs?.resynced, true);
        assert.equal(fs.readFileSync(driftedCounter, "utf8"), "32", "two codes read");

        const active = s.addPairedToken({ status: "ACTIVE" });
        const activeCounter = path.join(dir, "active");
        await provider.create(inputs(active, { otpCommand: fakeYkmanCommand(activeCounter) }));
        assert.equal(fs.existsSync(activeCounter), false, "no code spent");
    });

    it("activates from a seed: HOTP at the counter (resync when it lags) and TOTP now", async () => {
        const hotp = s.addPairedToken();
        assert.equal(
            (await provider.create(inputs(hotp, { seed: { secret: rfcSecretHex, type: "HOTP", counter: 0 } }))).outs
                ?.resynced,
            false,
        );
        const lagging = s.addPairedToken();
        assert.equal(
            (await provider.create(inputs(lagging, { seed: { secret: rfcSecretHex, type: "HOTP", counter: 200 } })))
                .outs?.resynced,
            true,
        );

        const user = s.emulator.addUser(s.environmentId, { username: "totp-user" });
        s.emulator.addToken(s.environmentId, {
            serialNumber: "TOTP777",
            secret: rfcSecretHex,
            type: "TOTP",
            timeStep: 30,
            otpLength: 8,
            hashAlgorithm: "HmacSHA1",
        });
        const device = s.emulator.addDevice(s.environmentId, { userId: user.id, serialNumber: "TOTP777" });
        const totp = await provider.create(
            inputs(
                { userId: user.id, deviceId: device.id, serialNumber: "TOTP777", secretHex: rfcSecretHex },
                { seed: { secret: rfcSecretHex, type: "TOTP", otpLength: 8, timeStep: 30 } },
            ),
        );
        assert.equal(totp.outs?.status, "ACTIVE");
    });

    it("rejects two ways of giving codes, and a malformed seed, at check", async () => {
        const t = s.addPairedToken();
        const both = await provider.check!({} as never, inputs(t, { otp: "123456", otpCommand: "ykman" }) as never);
        assert.match(both.failures![0].reason, /one way/);
        const badSeed = await provider.check!(
            {} as never,
            inputs(t, { seed: { secret: "xyz", type: "HOTP", hashAlgorithm: "HmacSHA256" } }) as never,
        );
        assert.deepEqual(badSeed.failures!.map((f) => f.property).sort(), ["seed.hashAlgorithm", "seed.secret"]);
    });
});
