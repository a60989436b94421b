import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { PingOneEmulator } from "../../emulator";
import { OathTokenActivation, OathTokenDevice } from "../../provider";
import { type LocalStack, openLocalStack, readBackendFiles } from "../../dev/localStack";
import { requireCli } from "../support/cliProject";
import { clientId, clientSecret, emulatorStackConfig, hotp, rfcSecretHex } from "../support/fixtures";

/**
 * The real Pulumi engine end to end: the CLI (built or found by scripts/ensure-pulumi.sh) runs inline
 * programs through the Automation API; the provider host is Pulumi's own; PingOne is the emulator.
 * Credentials reach the provider only through stack config (`pingone:*`, the secret one encrypted).
 */
describe("end to end through the Pulumi CLI", function () {
    this.timeout(300_000);
    let emulator: PingOneEmulator;
    let environmentId: string;
    /** OTPs and secrets handed to the engine, to search the state for afterwards. */
    const handedOver = new Set<string>();
    const backends: string[] = [];

    before(async function () {
        requireCli(this);
        environmentId = randomUUID();
        emulator = await PingOneEmulator.start({
            seed: { environments: [{ id: environmentId, clients: [{ clientId, clientSecret }] }] },
        });
        handedOver.add(clientSecret);
    });
    after(async () => {
        await emulator?.stop();
    });

    const config = () => ({
        ...emulatorStackConfig(emulator),
        "pingone:environmentId": { value: environmentId },
    });

    async function stackFor(name: string, program: () => void | Promise<void>): Promise<LocalStack> {
        const local = await openLocalStack({
            name: `e2e-${name}`,
            program: async () => {
                await program();
            },
            config: config(),
            fresh: true,
        });
        backends.push(local.backendDir);
        return local;
    }

    /** A user with a HOTP token paired as an ACTIVATION_REQUIRED device; `drift` presses ahead of the server. */
    let serial = 1;
    function pairedToken(drift = 0) {
        const serialNumber = `E2E${serial++}`;
        const user = emulator.addUser(environmentId, { username: `e2e-${serialNumber.toLowerCase()}` });
        emulator.addToken(environmentId, { serialNumber, secret: rfcSecretHex, type: "HOTP", counter: 0 });
        const device = emulator.addDevice(environmentId, {
            userId: user.id,
            serialNumber,
            status: "ACTIVATION_REQUIRED",
        });
        let counter = drift;
        return {
            userId: user.id,
            deviceId: device.id,
            serialNumber,
            /** The code the fob shows on the next press. */
            press(): string {
                const code = hotp(rfcSecretHex, counter++);
                handedOver.add(code);
                return code;
            },
        };
    }

    const activateCalls = (deviceId?: string) =>
        emulator.requests.filter(
            (r) =>
                r.method === "POST" &&
                r.contentType?.startsWith("application/vnd.pingidentity.device.activate+json") &&
                (!deviceId || r.path.endsWith(deviceId)),
        ).length;
    const writes = () => emulator.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/as/token")).length;

    it("up activates every device, resync included; a re-run with fresh codes changes nothing and sends nothing", async () => {
        const tokens = [pairedToken(), pairedToken(), pairedToken(), pairedToken(25)];
        const codes = new Map<string, { otp: string; nextOtp: string }>();
        const fresh = () => tokens.forEach((t) => codes.set(t.deviceId, { otp: t.press(), nextOtp: t.press() }));
        fresh();
        const { stack } = await stackFor("activate", () => {
            for (const t of tokens) {
                new OathTokenActivation(t.serialNumber, {
                    environmentId,
                    userId: t.userId,
                    deviceId: t.deviceId,
                    ...codes.get(t.deviceId)!,
                });
            }
        });
        emulator.clearRequests();
        const up = await stack.up();
        assert.equal(up.summary.result, "succeeded");
        assert.equal(up.summary.resourceChanges?.create, 5);
        for (const t of tokens) assert.equal(emulator.getDevice(environmentId, t.deviceId)?.status, "ACTIVE");
        // Three direct activations and one resync (two calls).
        assert.equal(activateCalls(), 5);
        assert.equal(activateCalls(tokens[3].deviceId), 2);
        const exported = await stack.exportStack();
        const resynced = exported.deployment.resources.filter(
            (r: { outputs?: { resynced?: boolean } }) => r.outputs?.resynced === true,
        );
        assert.equal(resynced.length, 1);

        fresh();
        emulator.clearRequests();
        const again = await stack.up();
        assert.deepEqual(again.summary.resourceChanges, { same: 5 });
        assert.equal(activateCalls(), 0);
        assert.equal(writes(), 0);
    });

    it("preview writes nothing and shows check failures as readable diagnostics", async () => {
        const t = pairedToken();
        const { stack } = await stackFor("preview", () => {
            new OathTokenActivation("bad-input", {
                environmentId,
                userId: "alice",
                deviceId: t.deviceId,
                otp: "12345",
                nextOtp: "12345",
            });
        });
        emulator.clearRequests();
        let message = "";
        await stack
            .preview({ onOutput: (line) => (message += line) })
            .catch((error: Error) => (message += error.message));
        assert.match(message, /userId must be the PingOne user id, a UUID/);
        assert.match(message, /otp must be the 6 to 8 digit code the token shows/);
        assert.match(message, /bad-input/);
        assert.equal(writes(), 0);

        const good = pairedToken();
        const { stack: goodStack } = await stackFor("preview-good", () => {
            new OathTokenActivation("good", {
                environmentId,
                userId: good.userId,
                deviceId: good.deviceId,
                otp: good.press(),
            });
        });
        emulator.clearRequests();
        const preview = await goodStack.preview();
        assert.equal(preview.changeSummary.create, 2);
        assert.equal(writes(), 0, "preview sends no write");
        assert.equal(emulator.getDevice(environmentId, good.deviceId)?.status, "ACTIVATION_REQUIRED");
    });

    it("refresh notices a device deleted out of band, and the next up pairs and activates again", async () => {
        const username = `oob-${serial++}`;
        const user = emulator.addUser(environmentId, { username });
        const serialNumber = `OOB${serial++}`;
        emulator.addToken(environmentId, { serialNumber, secret: rfcSecretHex, type: "HOTP", counter: 0 });
        let counter = 0;
        let otp = hotp(rfcSecretHex, counter++);
        const { stack } = await stackFor("refresh", () => {
            handedOver.add(otp);
            const device = new OathTokenDevice("fob", { environmentId, username, serialNumber });
            new OathTokenActivation("fob", { environmentId, userId: device.userId, deviceId: device.deviceId, otp });
        });
        await stack.up();
        const first = emulator.listDevices(environmentId, user.id);
        assert.equal(first.length, 1);
        assert.equal(first[0].status, "ACTIVE");

        // An administrator deletes the device in the console.
        await deleteDevice(environmentId, user.id, first[0].id);
        const refresh = await stack.refresh();
        assert.equal(refresh.summary.resourceChanges?.delete, 2, "both the device and its activation are gone");

        otp = hotp(rfcSecretHex, counter);
        const up = await stack.up();
        assert.equal(up.summary.resourceChanges?.create, 2);
        const now = emulator.listDevices(environmentId, user.id);
        assert.equal(now.length, 1);
        assert.notEqual(now[0].id, first[0].id);
        assert.equal(now[0].status, "ACTIVE");
    });

    it("destroy leaves the device by default and deletes it with deleteDeviceOnDestroy", async () => {
        const kept = pairedToken();
        const removed = pairedToken();
        const { stack } = await stackFor("destroy", () => {
            new OathTokenActivation("kept", {
                environmentId,
                userId: kept.userId,
                deviceId: kept.deviceId,
                otp: kept.press(),
            });
            new OathTokenActivation("removed", {
                environmentId,
                userId: removed.userId,
                deviceId: removed.deviceId,
                otp: removed.press(),
                deleteDeviceOnDestroy: true,
            });
        });
        await stack.up();
        let log = "";
        const destroy = await stack.destroy({ onOutput: (line) => (log += line) });
        assert.equal(destroy.summary.resourceChanges?.delete, 3);
        assert.equal(emulator.getDevice(environmentId, kept.deviceId)?.status, "ACTIVE");
        assert.equal(emulator.getDevice(environmentId, removed.deviceId), undefined);
        assert.match(log, /cannot be undone.*stays in PingOne/);
    });

    it("a run interrupted by failures re-runs to success without activating any device twice", async () => {
        const tokens = Array.from({ length: 6 }, () => pairedToken());
        let codes = tokens.map((t) => t.press());
        const { stack } = await stackFor("interrupted", () => {
            tokens.forEach(
                (t, i) =>
                    new OathTokenActivation(t.serialNumber, {
                        environmentId,
                        userId: t.userId,
                        deviceId: t.deviceId,
                        otp: codes[i],
                    }),
            );
        });
        // PingOne refuses the last three activations (e.g. an outage of the MFA service).
        for (const t of tokens.slice(3)) {
            emulator.failNext(
                { method: "POST", path: `/devices/${t.deviceId}` },
                { status: 403, body: { code: "ACCESS_FAILED", message: "injected" } },
            );
        }
        emulator.clearRequests();
        await assert.rejects(stack.up(), /ACCESS_FAILED|403/);
        const status = (t: (typeof tokens)[number]) => emulator.getDevice(environmentId, t.deviceId)?.status;
        const attempted = (t: (typeof tokens)[number]) =>
            emulator.requests.some((r) => r.method === "POST" && r.path.endsWith(t.deviceId));
        // The refused ones stay ACTIVATION_REQUIRED; the others are ACTIVE, unless the engine stopped
        // starting steps (after the first error) before it reached them.
        assert.deepEqual(tokens.slice(3).map(status), [
            "ACTIVATION_REQUIRED",
            "ACTIVATION_REQUIRED",
            "ACTIVATION_REQUIRED",
        ]);
        for (const t of tokens.slice(0, 3)) assert.equal(status(t), attempted(t) ? "ACTIVE" : "ACTIVATION_REQUIRED");
        assert.ok(tokens.slice(3).some(attempted), "at least one refused activation was attempted");

        // The outage is over. The engine stops starting steps after the first error, so an injected
        // failure whose activation was never attempted would otherwise still be armed.
        emulator.clearFaults();
        codes = tokens.map((t) => t.press());
        const rerun = await stack.up();
        assert.equal(rerun.summary.result, "succeeded");
        assert.ok(tokens.every((t) => emulator.getDevice(environmentId, t.deviceId)?.status === "ACTIVE"));
        for (const t of tokens) {
            const successes = emulator.requests.filter(
                (r) => r.method === "POST" && r.path.endsWith(t.deviceId) && r.status === 200,
            ).length;
            assert.equal(successes, 1, `device ${t.deviceId} activated once`);
        }
    });

    it("state audit: no OTP, client secret or access token in plain text anywhere in the backend", async () => {
        assert.ok(backends.length >= 5, "runs the other tests first");
        const issuedTokens = emulator.issuedAccessTokens();
        assert.ok(issuedTokens.length > 0);
        let bytes = 0;
        for (const backend of backends) {
            const { files, text } = readBackendFiles(backend);
            bytes += text.length;
            for (const secret of [...handedOver, ...issuedTokens]) {
                assert.ok(
                    !text.includes(secret),
                    `${secret.slice(0, 4)}… found in ${files.find((f) => fs.readFileSync(f, "utf8").includes(secret))}`,
                );
            }
            assert.ok(!/eyJ[A-Za-z0-9_-]{10,}\./.test(text), "no JWT-shaped token");
        }
        assert.ok(bytes > 0);
        // Sizes, for the notes: one checkpoint of the "activate" stack.
        const checkpoint = readBackendFiles(backends[0]).files.find((f) =>
            f.endsWith(path.join("pingone-oath", "dev.json")),
        );
        if (checkpoint) {
            const state = JSON.parse(fs.readFileSync(checkpoint, "utf8"));
            const activations = state.checkpoint.latest.resources.filter((r: { type: string }) =>
                r.type.endsWith("OathTokenActivation"),
            );
            const perResource = Math.round(
                activations.reduce((n: number, r: unknown) => n + JSON.stringify(r).length, 0) / activations.length,
            );
            const provider = Buffer.byteLength(activations[0].inputs.__provider);
            console.log(`    state: ${perResource} bytes per OathTokenActivation, __provider ${provider} bytes`);
            assert.ok(provider <= 8 * 1024);
        }
    });

    async function deleteDevice(envId: string, userId: string, deviceId: string): Promise<void> {
        const token = await fetch(`${emulator.authUrl}/${environmentId}/as/token`, {
            method: "POST",
            headers: {
                Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
                "Content-Type": "application/x-www-form-urlencoded",
            },
            body: "grant_type=client_credentials",
        }).then((r) => r.json() as Promise<{ access_token: string }>);
        const response = await fetch(`${emulator.apiUrl}/environments/${envId}/users/${userId}/devices/${deviceId}`, {
            method: "DELETE",
            headers: { Authorization: `Bearer ${token.access_token}` },
        });
        assert.equal(response.status, 204);
    }
});
