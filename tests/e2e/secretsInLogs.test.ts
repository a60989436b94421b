import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { type EngineEvent } from "@pulumi/pulumi/automation";
import { type PingOneEmulator } from "../../emulator";
import { OathToken, OathTokenActivation, OathTokenDevice } from "../../provider";
import { openLocalStack, readBackendFiles } from "../../dev/localStack";
import { assertNoSecrets, requireCli } from "../support/cliProject";
import {
    clientSecret,
    emulatorStackConfig,
    rfc4226Codes,
    rfcSecretHex,
    startEmulatorWithUsers,
} from "../support/fixtures";

/**
 * The single resources, with every secret given by reference (stack config), through the real CLI at its
 * most verbose: Pulumi's Node SDK prints each registered resource's inputs in its debug log during preview,
 * so a secret given by value would be there; a reference is resolved in the provider host.
 */
describe("secrets by reference never reach the engine's logs, event stream or state", function () {
    this.timeout(300_000);
    let emulator: PingOneEmulator;
    const environmentId = randomUUID();
    before(async function () {
        requireCli(this);
        emulator = await startEmulatorWithUsers(environmentId, ["alice"]);
    });
    after(async () => emulator?.stop());

    it("OathToken, OathTokenDevice and OathTokenActivation: preview and up at -v=9 --debug, with the event stream", async () => {
        const { stack, backendDir } = await openLocalStack({
            name: "e2e-secret-references",
            fresh: true,
            program: async () => {
                const token = new OathToken("fob", {
                    environmentId,
                    serialNumber: "REF000001",
                    secret: { config: "e2e-secret-references:fobSeed" },
                    type: "HOTP",
                });
                const device = new OathTokenDevice("fob", {
                    environmentId,
                    username: "alice",
                    serialNumber: token.serialNumber,
                });
                const activation = new OathTokenActivation("fob", {
                    environmentId,
                    userId: device.userId,
                    deviceId: device.deviceId,
                    otp: { config: "e2e-secret-references:fobOtp" },
                    nextOtp: { config: "e2e-secret-references:fobNextOtp" },
                });
                return { status: activation.status, fingerprint: token.fingerprint };
            },
            config: {
                ...emulatorStackConfig(emulator),
                "pingone:environmentId": { value: environmentId },
                "e2e-secret-references:fobSeed": { value: rfcSecretHex, secret: true },
                "e2e-secret-references:fobOtp": { value: rfc4226Codes[0]!, secret: true },
                "e2e-secret-references:fobNextOtp": { value: rfc4226Codes[1]!, secret: true },
            },
        });
        const logs: Record<string, string> = {};
        const verbose = (name: string) => ({
            debug: true,
            logVerbosity: 9,
            logToStdErr: true,
            onOutput: (text: string) => (logs[`${name} output`] = (logs[`${name} output`] ?? "") + text),
            onEvent: (event: EngineEvent) =>
                (logs[`${name} events`] = (logs[`${name} events`] ?? "") + JSON.stringify(event) + "\n"),
        });
        const preview = await stack.preview(verbose("preview"));
        logs["preview stderr"] = preview.stderr;
        const up = await stack.up(verbose("up"));
        logs["up stderr"] = up.stderr;
        assert.equal(up.outputs.status.value, "ACTIVE");
        assert.match(logs["preview stderr"]!, /RegisterResource RPC finished/, "the SDK's debug log is in there");
        assert.ok(logs["preview events"]!.includes('"severity":"debug"'), "the event stream carries debug messages");
        logs.state = readBackendFiles(backendDir).text;
        assertNoSecrets(
            logs,
            [
                rfcSecretHex,
                Buffer.from(rfcSecretHex, "hex").toString("base64"),
                clientSecret,
                ...emulator.issuedAccessTokens(),
            ],
            rfc4226Codes.slice(0, 4),
        );
        await stack.destroy();
    });
});
