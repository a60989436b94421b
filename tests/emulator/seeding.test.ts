// Seeding from code, from options, from a JSON file, and the sample tenant the CLI serves.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    PingOneEmulator,
    SAMPLE_CLIENT_ID,
    SAMPLE_CLIENT_SECRET,
    SAMPLE_ENVIRONMENT_ID,
    sampleSeed,
    type EmulatorSeed,
} from "../../emulator";
import { RFC_SECRET_HEX, UUID_PATTERN, otp } from "../support/emulatorHarness";

async function accessToken(
    emulator: PingOneEmulator,
    envId: string,
    clientId: string,
    clientSecret: string,
): Promise<string> {
    const response = await fetch(`${emulator.authUrl}/${envId}/as/token`, {
        method: "POST",
        headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
        },
        body: "grant_type=client_credentials",
    });
    assert.equal(response.status, 200);
    return ((await response.json()) as { access_token: string }).access_token;
}

describe("emulator: seeding", () => {
    let emulator: PingOneEmulator;
    let dir: string;
    beforeEach(async () => {
        emulator = await PingOneEmulator.start();
        dir = mkdtempSync(join(tmpdir(), "p1emu-"));
    });
    afterEach(async () => {
        await emulator.stop();
        rmSync(dir, { recursive: true, force: true });
    });

    it("loadSeedFile: clients, users, tokens with counters and devices (userId may be a username)", async () => {
        const envId = "9d2b6f0e-3a4c-4b5d-8e6f-7a8b9c0d1e2f";
        const seed: EmulatorSeed = {
            environments: [
                {
                    id: envId,
                    clients: [{ clientId: "file-client", clientSecret: "file-secret" }],
                    users: [{ id: "f00d0000-0000-4000-8000-000000000001", username: "frank" }, { username: "grace" }],
                    tokens: [
                        { serialNumber: "F1", secret: RFC_SECRET_HEX, type: "HOTP", counter: 42 },
                        {
                            serialNumber: "F2",
                            secret: RFC_SECRET_HEX,
                            type: "TOTP",
                            timeStep: 60,
                            otpLength: 8,
                            hashAlgorithm: "HmacSHA256",
                        },
                    ],
                    devices: [
                        { userId: "f00d0000-0000-4000-8000-000000000001", serialNumber: "F1" },
                        {
                            id: "dddddddd-0000-4000-8000-000000000002",
                            userId: "grace",
                            serialNumber: "F2",
                            status: "ACTIVE",
                        },
                    ],
                },
            ],
        };
        const file = join(dir, "seed.json");
        writeFileSync(file, JSON.stringify(seed));
        emulator.loadSeedFile(file);

        const token = await accessToken(emulator, envId, "file-client", "file-secret");
        const auth = { Authorization: `Bearer ${token}` };
        const users = (await (
            await fetch(
                `${emulator.apiUrl}/environments/${envId}/users?filter=${encodeURIComponent('username eq "grace"')}`,
                { headers: auth },
            )
        ).json()) as {
            _embedded: { users: { id: string }[] };
        };
        const graceId = users._embedded.users[0].id;
        assert.match(graceId, UUID_PATTERN);

        assert.deepEqual(emulator.getToken(envId, "F1")?.hotp, { counter: 42 });
        assert.deepEqual(emulator.getToken(envId, "F2")?.totp, { timeStep: 60, drift: 0 });
        assert.equal(emulator.getDevice(envId, "dddddddd-0000-4000-8000-000000000002")?.status, "ACTIVE");
        assert.equal(emulator.getDevice(envId, "dddddddd-0000-4000-8000-000000000002")?.user.id, graceId);

        const [frankDevice] = emulator.listDevices(envId, "f00d0000-0000-4000-8000-000000000001");
        assert.equal(frankDevice.status, "ACTIVATION_REQUIRED");
        const activated = await fetch(
            `${emulator.apiUrl}/environments/${envId}/users/f00d0000-0000-4000-8000-000000000001/devices/${frankDevice.id}`,
            {
                method: "POST",
                headers: { ...auth, "Content-Type": "application/vnd.pingidentity.device.activate+json" },
                body: JSON.stringify({ otp: otp(42) }),
            },
        );
        assert.equal(activated.status, 200, "the seeded counter is the server's counter");
        assert.equal(emulator.listDevices(envId).length, 2);
    });

    it("seeding from code returns created objects with generated UUIDs", () => {
        const env = emulator.addEnvironment();
        assert.match(env.id, UUID_PATTERN);
        assert.equal(env.maxAllowedDevices, 5);
        const client = emulator.addClient(env.id);
        assert.ok(client.clientId && client.clientSecret);
        const user = emulator.addUser(env.id, { username: "henry" });
        assert.match(user.id, UUID_PATTERN);
        assert.deepEqual(user.environment, { id: env.id });
        const token = emulator.addToken(env.id, { serialNumber: "H1", secret: RFC_SECRET_HEX, type: "HOTP" });
        assert.match(token.id, UUID_PATTERN);
        assert.equal("secret" in token, false);
        const device = emulator.addDevice(env.id, { userId: user.id, serialNumber: "H1" });
        assert.match(device.id, UUID_PATTERN);
        assert.equal(device.status, "ACTIVATION_REQUIRED");
        assert.deepEqual(emulator.getToken(env.id, token.id)?.devices, [{ id: device.id, user: { id: user.id } }]);
        assert.equal(emulator.getUser(env.id, "henry")?.id, user.id);
    });

    it("seed() adds to an existing environment", () => {
        const env = emulator.addEnvironment();
        emulator.seed({ environments: [{ id: env.id, users: [{ username: "ivan" }], maxAllowedDevices: 9 }] });
        assert.ok(emulator.getUser(env.id, "ivan"));
    });

    it("bad seeds fail loudly, naming what is wrong", () => {
        const env = emulator.addEnvironment();
        assert.throws(
            () => emulator.addToken(env.id, { serialNumber: "B1", secret: "not-hex", type: "HOTP" }),
            /secret/,
        );
        assert.throws(
            () => emulator.addToken(env.id, { serialNumber: "B2", secret: RFC_SECRET_HEX, type: "TOTP" }),
            /totp\.timeStep/,
        );
        assert.throws(() => emulator.addDevice(env.id, { userId: "nobody", serialNumber: "B1" }), /no user/);
        assert.throws(
            () => emulator.addUser("00000000-0000-4000-8000-000000000000", { username: "x" }),
            /No environment/,
        );
        assert.throws(() => emulator.addEnvironment({ id: env.id }), /already exists/);
        const file = join(dir, "broken.json");
        writeFileSync(file, "{ not json");
        assert.throws(() => emulator.loadSeedFile(file), SyntaxError);
    });
});

describe("emulator: sample seed", () => {
    it("serves the sample tenant: client, alice/bob/carol, RFC-secret tokens", async () => {
        const emulator = await PingOneEmulator.start({ seed: sampleSeed() });
        try {
            const token = await accessToken(emulator, SAMPLE_ENVIRONMENT_ID, SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET);
            const response = await fetch(`${emulator.apiUrl}/environments/${SAMPLE_ENVIRONMENT_ID}/users`, {
                headers: { Authorization: `Bearer ${token}` },
            });
            const body = (await response.json()) as { _embedded: { users: { username: string }[] } };
            assert.deepEqual(
                body._embedded.users.map((u) => u.username),
                ["alice", "bob", "carol"],
            );
            const tokens = sampleSeed().environments[0].tokens ?? [];
            assert.ok(tokens.some((t) => t.type === "HOTP") && tokens.some((t) => t.type === "TOTP"));
            for (const t of tokens) {
                assert.equal(t.secret, "3132333435363738393031323334353637383930");
                assert.ok(emulator.getToken(SAMPLE_ENVIRONMENT_ID, t.serialNumber));
            }
        } finally {
            await emulator.stop();
        }
    });

    it("returns a fresh copy on every call", () => {
        const a = sampleSeed();
        a.environments[0].users?.push({ username: "mallory" });
        assert.equal(sampleSeed().environments[0].users?.length, 3);
    });
});
