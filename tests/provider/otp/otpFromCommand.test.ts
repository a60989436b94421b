import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    oathTokenActivationProvider as provider,
    type OathTokenActivationInputs,
} from "../../provider/activation/activationProvider";
import { codesFromSeed } from "../../provider/otp/otpFromSeed";
import { codeFromCommand } from "../../provider/otp/otpFromCommand";
import {
    type PairedToken,
    type Scenario,
    isolateSuiteEnvironment,
    rfcSecretHex,
    startScenario,
} from "../support/fixtures";

const rfc4226 = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];

describe("codes from a seed", () => {
    it("gives the RFC 4226 HOTP codes at the counter and the one after", () => {
        for (let c = 0; c < 9; c++)
            assert.deepEqual(codesFromSeed({ secret: rfcSecretHex, type: "HOTP", counter: c }), {
                otp: rfc4226[c],
                nextOtp: rfc4226[c + 1],
            });
    });

    it("gives the RFC 6238 TOTP codes for SHA1, SHA256 and SHA512, and the next step's", () => {
        const sha256 = Buffer.from("12345678901234567890123456789012").toString("hex");
        const sha512 = Buffer.from("1234567890".repeat(6) + "1234").toString("hex");
        assert.equal(codesFromSeed({ secret: rfcSecretHex, type: "TOTP", otpLength: 8 }, 59_000).otp, "94287082");
        assert.equal(
            codesFromSeed({ secret: sha256, type: "TOTP", otpLength: 8, hashAlgorithm: "HmacSHA256" }, 1111111109_000)
                .otp,
            "68084774",
        );
        assert.equal(
            codesFromSeed({ secret: sha512, type: "TOTP", otpLength: 8, hashAlgorithm: "HmacSHA512" }, 1234567890_000)
                .otp,
            "93441116",
        );
        // 1111111109 and 1111111111 are in consecutive 30 s steps.
        assert.equal(
            codesFromSeed({ secret: rfcSecretHex, type: "TOTP", otpLength: 8 }, 1111111109_000).nextOtp,
            "14050471",
        );
    });
});

describe("codes from a command", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otp-command-"));
    const fakeYkman = path.resolve(__dirname, "../support/fakeYkman.js");
    const command = (counterFile: string) => `"${process.execPath}" "${fakeYkman}" "${counterFile}" ${rfcSecretHex}`;

    it("reads the code a command prints, and the next one on the next run", async () => {
        const counter = path.join(dir, "read");
        assert.equal(await codeFromCommand(command(counter)), rfc4226[0]);
        assert.equal(await codeFromCommand(command(counter)), rfc4226[1]);
        assert.equal(await codeFromCommand(`echo 'PingOne:alice  ${rfc4226[3]}'`), rfc4226[3]);
    });

    it("says what went wrong with a failing or silent command", async () => {
        await assert.rejects(
            codeFromCommand("echo 'no YubiKey detected' >&2; exit 2"),
            /otpCommand .* failed \(2\): no YubiKey detected/,
        );
        await assert.rejects(codeFromCommand("echo hello"), /printed no 6 to 8 digit code/);
    });

    describe("in an activation against the emulator", () => {
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

        it("runs the command once for a direct activation, twice for a resync, never for an ACTIVE device", async () => {
            const direct = s.addPairedToken();
            const directCounter = path.join(dir, "direct");
            assert.equal(
                (await provider.create(inputs(direct, { otpCommand: command(directCounter) }))).outs?.status,
                "ACTIVE",
            );
            assert.equal(fs.readFileSync(directCounter, "utf8"), "1", "one code read");

            const drifted = s.addPairedToken();
            const driftedCounter = path.join(dir, "drifted");
            fs.writeFileSync(driftedCounter, "30"); // the key was used 30 times elsewhere
            const resync = await provider.create(inputs(drifted, { otpCommand: command(driftedCounter) }));
            assert.equal(resync.outs?.resynced, true);
            assert.equal(fs.readFileSync(driftedCounter, "utf8"), "32", "two codes read");

            const active = s.addPairedToken({ status: "ACTIVE" });
            const activeCounter = path.join(dir, "active");
            await provider.create(inputs(active, { otpCommand: command(activeCounter) }));
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
});
