import assert from "node:assert/strict";
import * as path from "node:path";
import { oathTokenActivationProvider } from "../../provider";
import { providerModuleText } from "../../provider/dynamic/moduleBackedResource";
import { hotp, noPingOneEnv, type Scenario, startScenario } from "../support/fixtures";
import { DiffChanges, ProviderHost, serializeProvider } from "../support/providerHost";

const urn = "urn:pulumi:test::pingone::pulumi-nodejs:dynamic/pingone:OathTokenActivation::alice-fob";
const repoRoot = path.resolve(__dirname, "../../..");

describe("the serialized provider in Pulumi's real provider host (gRPC)", function () {
    this.timeout(60_000);
    let s: Scenario;
    let host: ProviderHost;
    let providerText: string;

    before(async () => {
        s = await startScenario();
        // What OathTokenActivation stores as __provider.
        providerText = providerModuleText("oathTokenActivationProvider");
        // Credentials reach the host only through Configure (stack config), never the environment.
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            ...noPingOneEnv,
            PULUMI_PROJECT: "pingone",
            PULUMI_STACK: "test",
        };
        for (const key of Object.keys(noPingOneEnv)) delete env[key];
        host = await ProviderHost.start(env, repoRoot);
        await host.configure({
            "pingone:clientId": s.connection.clientId,
            "pingone:clientSecret": s.connection.clientSecret,
            "pingone:environmentId": s.environmentId,
            "pingone:apiUrl": s.emulator.apiUrl,
            "pingone:authUrl": s.emulator.authUrl,
        });
    });
    after(async () => {
        await host?.stop();
        await s?.emulator.stop();
    });

    it("keeps __provider small and free of credentials, for the resource's module text and the exported stub", async () => {
        const stubText = await serializeProvider(oathTokenActivationProvider);
        for (const text of [providerText, stubText]) {
            const bytes = Buffer.byteLength(text);
            assert.ok(bytes <= 8 * 1024, `__provider is ${bytes} bytes`);
            for (const secret of [s.connection.clientSecret, s.connection.clientId, "Bearer"])
                assert.ok(!text.includes(secret), `__provider contains ${secret}`);
            assert.match(text, /pulumi-pingone-oath\/provider-host/);
            assert.match(text, /oathTokenActivationProvider/);
            // Resolved where the command runs, so state never pins a checkout.
            assert.ok(!text.includes(repoRoot), "__provider names the checkout's path");
        }
        console.log(
            `    __provider: ${Buffer.byteLength(providerText)} bytes (module text), ${Buffer.byteLength(stubText)} bytes (serialized stub)`,
        );
    });

    it("runs the exported stub, serialized as pulumi.dynamic.Resource does, through the host", async () => {
        const token = s.addPairedToken();
        const stubText = await serializeProvider(oathTokenActivationProvider);
        const news = {
            __provider: stubText,
            environmentId: s.environmentId,
            userId: token.userId,
            deviceId: token.deviceId,
            otp: hotp(token.secretHex, 0),
        };
        const checked = await host.check(urn, {}, news);
        assert.deepEqual(checked.failures, []);
        const created = await host.create(urn, checked.inputs);
        assert.equal(created.properties.status, "ACTIVE");
    });

    it("checks, creates, diffs, reads and deletes through the host", async () => {
        const token = s.addPairedToken();
        const news = {
            __provider: providerText,
            environmentId: s.environmentId,
            userId: token.userId,
            deviceId: token.deviceId,
            otp: hotp(token.secretHex, 60),
            nextOtp: hotp(token.secretHex, 61),
        };
        const checked = await host.check(urn, {}, news);
        assert.deepEqual(checked.failures, []);
        assert.equal(checked.inputs.oathResync, true);

        const created = await host.create(urn, checked.inputs);
        assert.equal(created.id, token.deviceId);
        assert.equal(created.properties.status, "ACTIVE");
        assert.equal(created.properties.resynced, true);
        assert.equal(created.properties.__provider, providerText);
        assert.ok(!("otp" in created.properties) && !("nextOtp" in created.properties), "no OTP in outputs");
        assert.equal(s.activateCalls(token.deviceId), 2);

        const sameWithFreshCodes = await host.diff(urn, created.id, created.properties, {
            ...checked.inputs,
            otp: "111111",
            nextOtp: "222222",
        });
        assert.equal(sameWithFreshCodes.changes, DiffChanges.none);
        const otherDevice = await host.diff(urn, created.id, created.properties, {
            ...checked.inputs,
            deviceId: "0b7d3c9e-1f2a-4b5c-8d6e-7f8091a2b3c4",
        });
        assert.equal(otherDevice.changes, DiffChanges.some);
        assert.deepEqual(otherDevice.replaces, ["deviceId"]);

        const read = await host.read(urn, created.id, created.properties);
        assert.equal(read.id, token.deviceId);
        assert.equal(read.properties.status, "ACTIVE");

        await host.delete(urn, created.id, created.properties);
        assert.equal(
            s.emulator.getDevice(s.environmentId, token.deviceId)?.status,
            "ACTIVE",
            "activation is not undone by default",
        );
        assert.equal(s.activateCalls(token.deviceId), 2, "nothing re-sent");
    });

    it("returns check failures as the engine shows them", async () => {
        const checked = await host.check(
            urn,
            {},
            { __provider: providerText, environmentId: "prod", userId: "x", deviceId: "y", otp: "12" },
        );
        assert.deepEqual(checked.failures.map((f) => f.property).sort(), [
            "deviceId",
            "environmentId",
            "otp",
            "userId",
        ]);
        assert.match(checked.failures.find((f) => f.property === "otp")!.reason, /6 to 8 digit code/);
    });

    it("fails create with a clear message that reaches the engine", async () => {
        const token = s.addPairedToken();
        await assert.rejects(
            host.create(urn, {
                __provider: providerText,
                environmentId: s.environmentId,
                userId: token.userId,
                deviceId: token.deviceId,
                otp: hotp(token.secretHex, 70),
                oathResync: true,
            }),
            /needs a resync.*Set nextOtp/s,
        );
    });
});
