// Attacks on the emulator's front door: odd request paths that used to reach handlers without a
// token, and tokens of one environment used in another. Requests go out through node:http with the
// path written as-is, because fetch (and URL) would normalise the very paths under test.
import assert from "node:assert/strict";
import { request } from "node:http";
import type { PingOneEmulator } from "../../emulator";
import { ENV_ID, Harness, RFC_SECRET_HEX, assertP1Error, otp, type ApiResult } from "../support/emulatorHarness";

const ACTIVATE = "application/vnd.pingidentity.device.activate+json";

interface RawOptions {
    token?: string;
    body?: unknown;
    contentType?: string;
}

/** One HTTP request whose request target is sent byte for byte as given. */
function raw(emulator: PingOneEmulator, method: string, target: string, options: RawOptions = {}): Promise<ApiResult> {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string | number> = {};
    if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
    if (payload) {
        headers["Content-Type"] = options.contentType ?? "application/json";
        headers["Content-Length"] = payload.length;
    }
    return new Promise((resolve, reject) => {
        const port = Number(new URL(emulator.authUrl).port);
        const req = request({ host: "127.0.0.1", port, method, path: target, headers, agent: false }, (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("end", () => {
                const text = Buffer.concat(chunks).toString("utf8");
                const responseHeaders = new Headers();
                for (const [name, value] of Object.entries(res.headers))
                    if (typeof value === "string") responseHeaders.set(name, value);
                resolve({
                    status: res.statusCode ?? 0,
                    headers: responseHeaders,
                    body: text === "" ? undefined : JSON.parse(text),
                });
            });
            res.on("error", reject);
        });
        req.on("error", reject);
        req.end(payload);
    });
}

/** Every character percent-encoded, e.g. "v1" -> "%76%31". */
function encodeAll(text: string): string {
    return [...Buffer.from(text, "utf8")]
        .map((byte) => `%${byte.toString(16).padStart(2, "0").toUpperCase()}`)
        .join("");
}

const is2xx = (status: number): boolean => status >= 200 && status < 300;

interface Attack {
    name: string;
    method: string;
    target: string;
    options?: RawOptions;
}

interface PrefixAttacks {
    attacks: Attack[];
    tokenId: string;
    deviceId: string;
    stranger: string;
}

/** A paired device, an unpaired token and a stranger in ENV_ID, and the six tokenless attacks on them via `prefix`. */
async function prefixAttacks(h: Harness, prefix: string): Promise<PrefixAttacks> {
    const { userId, tokenId, deviceId } = await h.pairedDevice({ type: "HOTP" });
    const stranger = h.user();
    const { serialNumber } = h.inventoryToken({ type: "HOTP" }); // unpaired, so pairing it would succeed
    const pairing = { type: "OATH_TOKEN", serialNumber };
    const env = `${prefix}/environments/${ENV_ID}`;
    const device = `${env}/users/${userId}/devices/${deviceId}`;
    const attacks: Attack[] = [
        { name: `${prefix} read`, method: "GET", target: `${env}/users` },
        { name: `${prefix} read device`, method: "GET", target: device },
        {
            name: `${prefix} pair`,
            method: "POST",
            target: `${env}/users/${stranger}/devices`,
            options: { body: pairing },
        },
        {
            name: `${prefix} activate`,
            method: "POST",
            target: device,
            options: { body: { otp: otp(0) }, contentType: ACTIVATE },
        },
        { name: `${prefix} delete device`, method: "DELETE", target: device },
        { name: `${prefix} delete token`, method: "DELETE", target: `${env}/oathTokens/${tokenId}` },
    ];
    return { attacks, tokenId, deviceId, stranger };
}

describe("emulator security: request paths are normalised once, before routing and auth", () => {
    let h: Harness;
    beforeEach(async () => (h = await Harness.start()));
    afterEach(() => h.stop());

    // The three spellings of "/v1" the issue found routed without a token, and two more of the same kind.
    const prefixes = ["//v1", "/%761", "/%76%31", "///v1", "/./v1"];

    for (const prefix of prefixes) {
        it(`${prefix}/...: no read, pairing, activation or deletion without a token`, async () => {
            const { attacks, tokenId, deviceId, stranger } = await prefixAttacks(h, prefix);
            for (const attack of attacks) {
                const result = await raw(h.emulator, attack.method, attack.target, attack.options);
                assert.ok(
                    result.status === 400 || result.status === 401,
                    `${attack.name}: ${result.status} ${JSON.stringify(result.body)}`,
                );
                assert.equal(
                    result.body.code,
                    result.status === 401 ? "ACCESS_FAILED" : "INVALID_REQUEST",
                    attack.name,
                );
                assert.equal(result.body.username, undefined);
                assert.equal(result.body._embedded, undefined);
            }
            // Nothing happened to the tenant.
            assert.equal(h.emulator.getDevice(ENV_ID, deviceId)?.status, "ACTIVATION_REQUIRED");
            assert.ok(h.emulator.getToken(ENV_ID, tokenId), "the inventory token still exists");
            assert.deepEqual(h.emulator.listDevices(ENV_ID, stranger), []);
        });
    }

    it("//v1 is refused as a non-canonical path (400 INVALID_REQUEST), even with a valid token", async () => {
        const token = await h.token();
        for (const target of [
            `//v1/environments/${ENV_ID}/users`,
            `/v1//environments/${ENV_ID}/users`,
            `/v1/environments/${ENV_ID}/users/`,
        ]) {
            const result = await raw(h.emulator, "GET", target, { token });
            assertP1Error(result, 400, "INVALID_REQUEST", "INVALID_VALUE", "path");
            assert.match(result.body.details[0].message, /empty segment/);
        }
    });

    it("percent-escapes are decoded exactly once: /%761 is /v1 (token required), /%25761 is not", async () => {
        const token = await h.token();
        assertP1Error(
            await raw(h.emulator, "GET", `/%761/environments/${ENV_ID}/users`),
            401,
            "ACCESS_FAILED",
            "INVALID_TOKEN",
        );
        const listed = await raw(h.emulator, "GET", `/%761/environments/${encodeAll(ENV_ID)}/users`, { token });
        assert.equal(listed.status, 200, JSON.stringify(listed.body));
        assert.ok(Array.isArray(listed.body._embedded.users));
        assertP1Error(
            await raw(h.emulator, "GET", `/%25761/environments/${ENV_ID}/users`, { token }),
            404,
            "NOT_FOUND",
        );
        assertP1Error(await raw(h.emulator, "GET", `/%25761/environments/${ENV_ID}/users`), 404, "NOT_FOUND");
        // The request log and fault matching see the decoded, canonical path.
        assert.deepEqual(
            h.emulator.requests.filter((r) => r.method === "GET").map((r) => [r.path, r.status]),
            [
                [`/v1/environments/${ENV_ID}/users`, 401],
                [`/v1/environments/${ENV_ID}/users`, 200],
                [`/%761/environments/${ENV_ID}/users`, 404],
                [`/%761/environments/${ENV_ID}/users`, 404],
            ],
        );
    });

    it("refuses dot segments, encoded slashes and backslashes, control characters and bad escapes with 400", async () => {
        const token = await h.token();
        const userId = h.user();
        const targets = [
            `/x/../v1/environments/${ENV_ID}/users`,
            `/v1/environments/${ENV_ID}/users/./${userId}`,
            `/v1/environments/${ENV_ID}/users/${userId}/..`,
            `/v1/environments/${ENV_ID}/users/%2e%2e/users`,
            `/v1/environments/${ENV_ID}/users/%2E/${userId}`,
            `/v1%2Fenvironments%2F${ENV_ID}%2Fusers`,
            `/v1/environments/${ENV_ID}%2fusers`,
            `/v1/environments/${ENV_ID}/users%5C${userId}`,
            `/v1/environments/${ENV_ID}/users/${userId}%00`,
            `/v1/environments/${ENV_ID}/users/%zz`,
            `/v1/environments/${ENV_ID}/users/%C0%AF`,
        ];
        for (const target of targets) {
            for (const options of [{}, { token }]) {
                const result = await raw(h.emulator, "GET", target, options);
                assertP1Error(result, 400, "INVALID_REQUEST", "INVALID_VALUE", "path");
            }
        }
    });

    it("refuses absolute-form and asterisk request targets instead of routing them", async () => {
        const absolute = `${h.emulator.authUrl}//v1/environments/${ENV_ID}/users`;
        assertP1Error(await raw(h.emulator, "GET", absolute), 400, "INVALID_REQUEST");
        assertP1Error(await raw(h.emulator, "OPTIONS", "*"), 400, "INVALID_REQUEST");
    });

    it("answers 401 for every /v1 path without a valid token, known route or not", async () => {
        const targets = [
            "/v1",
            "/v1/environments",
            `/v1/environments/${ENV_ID}`,
            "/v1/no/such/route",
            `/v1/environments/${ENV_ID}/users`,
        ];
        for (const target of targets) {
            for (const method of ["GET", "POST", "DELETE"]) {
                assertP1Error(await raw(h.emulator, method, target), 401, "ACCESS_FAILED", "INVALID_TOKEN");
                assertP1Error(
                    await raw(h.emulator, method, target, { token: "forged" }),
                    401,
                    "ACCESS_FAILED",
                    "INVALID_TOKEN",
                );
            }
        }
    });

    it("the token endpoint still needs no bearer token, and only it", async () => {
        const response = await fetch(`${h.emulator.authUrl}/${ENV_ID}/as/token`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: "test-client",
                client_secret: "test-secret",
            }),
        });
        assert.equal(response.status, 200);
        // A token-endpoint lookalike under /v1 is not anonymous.
        assertP1Error(await raw(h.emulator, "POST", "/v1/as/token"), 401, "ACCESS_FAILED", "INVALID_TOKEN");
    });
});

describe("emulator security: access tokens are scoped to the environment that issued them", () => {
    let h: Harness;
    let other: { id: string; userId: string; tokenId: string; deviceId: string; serialNumber: string };
    beforeEach(async () => {
        h = await Harness.start();
        const env = h.emulator.addEnvironment({ clients: [{ clientId: "b-client", clientSecret: "b-secret" }] });
        const userId = h.emulator.addUser(env.id, { username: "bob" }).id;
        const serialNumber = "BENV0001";
        const tokenId = h.emulator.addToken(env.id, { serialNumber, secret: RFC_SECRET_HEX, type: "HOTP" }).id;
        const deviceId = h.emulator.addDevice(env.id, { userId, serialNumber }).id;
        other = { id: env.id, userId, tokenId, deviceId, serialNumber };
    });
    afterEach(() => h.stop());

    function assertForbidden(result: ApiResult, what: string): void {
        assertP1Error(result, 403, "ACCESS_FAILED", "INSUFFICIENT_PERMISSIONS");
        assert.match(result.body.details[0].message, new RegExp(`${ENV_ID}.*${other.id}`), what);
    }

    it("a token of environment A cannot read in environment B (403 ACCESS_FAILED / INSUFFICIENT_PERMISSIONS)", async () => {
        const base = `/environments/${other.id}`;
        assertForbidden(await h.call("GET", `${base}/users`), "list users");
        assertForbidden(await h.call("GET", `${base}/users/${other.userId}`), "read user");
        assertForbidden(await h.call("GET", `${base}/users/${other.userId}/devices/${other.deviceId}`), "read device");
        assertForbidden(await h.call("GET", `${base}/oathTokens/${other.tokenId}`), "read token");
        assertForbidden(await h.call("GET", `${base}/no/such/route`), "unknown route");
    });

    it("a token of environment A cannot pair, activate or delete in environment B; B's tenant is unchanged", async () => {
        const base = `/environments/${other.id}`;
        const stranger = h.emulator.addUser(other.id, { username: "mallory" }).id;
        const spare = h.emulator.addToken(other.id, {
            serialNumber: "BENV0002",
            secret: RFC_SECRET_HEX,
            type: "HOTP",
        }).serialNumber;
        const pairing = { type: "OATH_TOKEN", serialNumber: spare };
        assertForbidden(await h.call("POST", `${base}/users/${stranger}/devices`, { body: pairing }), "pair");
        assertForbidden(
            await h.call("POST", `${base}/users/${other.userId}/devices/${other.deviceId}`, {
                body: { otp: otp(0) },
                contentType: ACTIVATE,
            }),
            "activate",
        );
        assertForbidden(
            await h.call("DELETE", `${base}/users/${other.userId}/devices/${other.deviceId}`),
            "delete device",
        );
        assertForbidden(await h.call("DELETE", `${base}/oathTokens/${other.tokenId}`), "delete token");
        // Encoded spellings of B's id name the same environment and are refused the same way.
        const token = await h.token();
        const encoded = `/v1/environments/${encodeAll(other.id)}/oathTokens/${other.tokenId}`;
        assertForbidden(await raw(h.emulator, "DELETE", encoded, { token }), "encoded env id");

        assert.equal(h.emulator.getDevice(other.id, other.deviceId)?.status, "ACTIVATION_REQUIRED");
        assert.ok(h.emulator.getToken(other.id, other.tokenId), "B's inventory token still exists");
        assert.deepEqual(h.emulator.listDevices(other.id, stranger), []);
    });

    it("B's own token works in B and is refused in A", async () => {
        const token = await h.tokenFor(other.id, "b-client", "b-secret");
        const own = await h.call("GET", `/environments/${other.id}/users/${other.userId}`, { token });
        assert.equal(own.status, 200);
        assert.equal(own.body.username, "bob");
        assertP1Error(
            await h.call("GET", `/environments/${ENV_ID}/users`, { token }),
            403,
            "ACCESS_FAILED",
            "INSUFFICIENT_PERMISSIONS",
        );
    });

    it("a client of A cannot get a token for B", async () => {
        const response = await fetch(`${h.emulator.authUrl}/${other.id}/as/token`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: "test-client",
                client_secret: "test-secret",
            }),
        });
        assert.equal(response.status, 401);
    });

    it("an unknown environment still answers 404, whichever token asks", async () => {
        assertP1Error(
            await h.call("GET", "/environments/11111111-2222-4333-8444-555555555555/users"),
            404,
            "NOT_FOUND",
        );
    });
});

describe("emulator security: the attacks of issue 8, counted", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    it("no attack request gets a 2xx", async () => {
        const b = h.emulator.addEnvironment();
        const bUser = h.emulator.addUser(b.id, { username: "bob" }).id;
        const bToken = h.emulator.addToken(b.id, { serialNumber: "BATTACK1", secret: RFC_SECRET_HEX, type: "HOTP" }).id;
        const bDevice = h.emulator.addDevice(b.id, { userId: bUser, serialNumber: "BATTACK1" }).id;
        h.emulator.addToken(b.id, { serialNumber: "BATTACK2", secret: RFC_SECRET_HEX, type: "HOTP" });
        const tokenA = await h.token();

        const attacks: Attack[] = [];
        for (const prefix of ["//v1", "/%761", "/%76%31", "///v1", "/./v1", "/x/../v1"]) {
            attacks.push(...(await prefixAttacks(h, prefix)).attacks);
        }
        const bEnv = `/v1/environments/${b.id}`;
        const asA = { token: tokenA };
        const bDevicePath = `${bEnv}/users/${bUser}/devices/${bDevice}`;
        const bPairing = { type: "OATH_TOKEN", serialNumber: "BATTACK2" };
        const bActivation = { body: { otp: otp(0) }, contentType: ACTIVATE };
        attacks.push(
            { name: "token A reads B", method: "GET", target: `${bEnv}/users`, options: asA },
            {
                name: "token A pairs in B",
                method: "POST",
                target: `${bEnv}/users/${bUser}/devices`,
                options: { ...asA, body: bPairing },
            },
            {
                name: "token A activates in B",
                method: "POST",
                target: bDevicePath,
                options: { ...asA, ...bActivation },
            },
            { name: "token A deletes a device in B", method: "DELETE", target: bDevicePath, options: asA },
            {
                name: "token A deletes a token in B",
                method: "DELETE",
                target: `${bEnv}/oathTokens/${bToken}`,
                options: asA,
            },
        );

        const through: string[] = [];
        for (const attack of attacks) {
            const result = await raw(h.emulator, attack.method, attack.target, attack.options);
            if (is2xx(result.status)) through.push(`${attack.name} (${result.status})`);
        }
        assert.deepEqual(
            through,
            [],
            `${through.length} of ${attacks.length} attack requests got through: ${through.join(", ")}`,
        );
    });
});
