// Users, devices and the OATH token inventory: shapes, validation, uniqueness, limits, filters,
// content types and error envelopes.
import assert from "node:assert/strict";
import { ENV_ID, Harness, RFC_SECRET_HEX, UUID_PATTERN, assertP1Error, otp } from "../support/emulatorHarness";

const ACTIVATE = "application/vnd.pingidentity.device.activate+json";

describe("emulator: users", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    it("reads a user and finds one by username filter", async () => {
        const id = h.user("dora");
        h.user("eve");
        const one = await h.call("GET", `/environments/${ENV_ID}/users/${id}`);
        assert.equal(one.status, 200);
        assert.equal(one.body.id, id);
        assert.equal(one.body.username, "dora");
        assert.deepEqual(one.body.environment, { id: ENV_ID });
        assert.ok(!Number.isNaN(Date.parse(one.body.createdAt)));
        assert.ok(!Number.isNaN(Date.parse(one.body.updatedAt)));

        const found = await h.call(
            "GET",
            `/environments/${ENV_ID}/users?filter=${encodeURIComponent('username eq "dora"')}`,
        );
        assert.equal(found.status, 200);
        assert.equal(found.body.count, 1);
        assert.equal(found.body.size, 1);
        assert.deepEqual(
            found.body._embedded.users.map((u: { id: string }) => u.id),
            [id],
        );

        const none = await h.call(
            "GET",
            `/environments/${ENV_ID}/users?filter=${encodeURIComponent('username eq "nobody"')}`,
        );
        assert.equal(none.status, 200);
        assert.deepEqual(none.body._embedded.users, []);
        assert.equal(none.body.count, 0);
    });

    it("creates a user (201, Location, as GET renders it); username required and unique case-insensitively", async () => {
        const created = await h.call("POST", `/environments/${ENV_ID}/users`, {
            body: { username: "Frank.Created", email: "frank@example.com" },
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        assert.match(created.body.id, UUID_PATTERN);
        assert.equal(created.body.username, "Frank.Created");
        const self = `${h.emulator.apiUrl}/environments/${ENV_ID}/users/${created.body.id}`;
        assert.equal(created.headers.get("location"), self);
        const read = await h.call("GET", self);
        assert.deepEqual(created.body, read.body);

        const again = await h.call("POST", `/environments/${ENV_ID}/users`, { body: { username: "frank.CREATED" } });
        assertP1Error(again, 400, "INVALID_DATA", "UNIQUENESS_VIOLATION", "username");
        for (const body of [{}, { username: "" }, { email: "x@example.com" }]) {
            assertP1Error(
                await h.call("POST", `/environments/${ENV_ID}/users`, { body }),
                400,
                "INVALID_DATA",
                "REQUIRED_VALUE",
                "username",
            );
        }
        assertP1Error(
            await h.call("POST", `/environments/${ENV_ID}/users`, { body: { username: 42 } }),
            400,
            "INVALID_DATA",
            "INVALID_VALUE",
            "username",
        );
        assertP1Error(
            await h.call("POST", `/environments/${ENV_ID}/users`, {
                body: "username=grace",
                contentType: "application/x-www-form-urlencoded",
            }),
            415,
            "INVALID_REQUEST",
        );
        assert.equal(h.emulator.getUser(ENV_ID, "grace"), undefined);
    });

    it("deletes a user (204) with their devices, leaving the token in the inventory unpaired; 404 after", async () => {
        const { userId, tokenId, deviceId } = await h.pairedDevice({ type: "HOTP" });
        const path = `/environments/${ENV_ID}/users/${userId}`;
        const deleted = await h.call("DELETE", path);
        assert.equal(deleted.status, 204);
        assert.equal(deleted.body, undefined);
        assertP1Error(await h.call("GET", path), 404, "NOT_FOUND");
        assertP1Error(await h.call("GET", `${path}/devices/${deviceId}`), 404, "NOT_FOUND");
        assertP1Error(await h.call("DELETE", path), 404, "NOT_FOUND");
        const token = await h.call("GET", `/environments/${ENV_ID}/oathTokens/${tokenId}`);
        assert.equal(token.status, 200);
        assert.deepEqual(token.body.devices, []);
        assert.equal(h.emulator.getDevice(ENV_ID, deviceId), undefined);
    });

    it("refuses filters it does not support rather than ignoring them", async () => {
        const result = await h.call(
            "GET",
            `/environments/${ENV_ID}/users?filter=${encodeURIComponent('email sw "d"')}`,
        );
        assertP1Error(result, 400, "INVALID_REQUEST", "INVALID_FILTER", "filter");
    });
});

describe("emulator: 404 envelopes", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    it("answers NOT_FOUND with a fresh id for unknown environments, users, devices, tokens and routes", async () => {
        const userId = h.user();
        const missing = "11111111-2222-4333-8444-555555555555";
        const results = [
            await h.call("GET", `/environments/${missing}/users`),
            await h.call("GET", `/environments/${ENV_ID}/users/${missing}`),
            await h.call("GET", `/environments/${ENV_ID}/users/${missing}/devices`),
            await h.call("GET", `/environments/${ENV_ID}/users/${userId}/devices/${missing}`),
            await h.call("DELETE", `/environments/${ENV_ID}/users/${userId}/devices/${missing}`),
            await h.activate(userId, missing, { otp: "123456" }),
            await h.call("GET", `/environments/${ENV_ID}/oathTokens/${missing}`),
            await h.call("DELETE", `/environments/${ENV_ID}/oathTokens/${missing}`),
            await h.call("GET", `/environments/${ENV_ID}/nothingHere`),
            await h.call("PATCH", `/environments/${ENV_ID}/users/${userId}`),
        ];
        for (const result of results) assertP1Error(result, 404, "NOT_FOUND");
        assert.equal(new Set(results.map((r) => r.body.id)).size, results.length, "every error has its own id");
    });

    it("a device is found only under its own user", async () => {
        const { deviceId } = await h.pairedDevice({ type: "HOTP" });
        const other = h.user();
        assertP1Error(
            await h.call("GET", `/environments/${ENV_ID}/users/${other}/devices/${deviceId}`),
            404,
            "NOT_FOUND",
        );
    });
});

describe("emulator: devices", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    it("creates an OATH_TOKEN device in ACTIVATION_REQUIRED with the documented shape", async () => {
        const userId = h.user();
        const { id: tokenId, serialNumber } = h.inventoryToken({ type: "HOTP" });
        const result = await h.createDevice(userId, serialNumber);
        assert.equal(result.status, 201);
        const device = result.body;
        assert.match(device.id, UUID_PATTERN);
        const self = `${h.envUrl}/users/${userId}/devices/${device.id}`;
        assert.deepEqual(device, {
            id: device.id,
            environment: { id: ENV_ID },
            user: { id: userId },
            type: "OATH_TOKEN",
            status: "ACTIVATION_REQUIRED",
            serialNumber,
            lock: { status: "UNLOCKED" },
            block: { status: "UNBLOCKED" },
            createdAt: device.createdAt,
            updatedAt: device.updatedAt,
            _links: { self: { href: self }, activate: { href: self } },
        });
        assert.equal(result.headers.get("location"), self);
        assert.deepEqual(
            (await h.call("GET", `/environments/${ENV_ID}/users/${userId}/devices/${device.id}`)).body,
            device,
        );
        assert.deepEqual(h.emulator.getToken(ENV_ID, tokenId)?.devices, [{ id: device.id, user: { id: userId } }]);
    });

    it("needs a serial that exists in the inventory", async () => {
        const userId = h.user();
        assertP1Error(
            await h.createDevice(userId, "NOSUCHSERIAL"),
            400,
            "INVALID_DATA",
            "INVALID_VALUE",
            "serialNumber",
        );
        assertP1Error(
            await h.call("POST", `/environments/${ENV_ID}/users/${userId}/devices`, { body: { type: "OATH_TOKEN" } }),
            400,
            "INVALID_DATA",
            "REQUIRED_VALUE",
            "serialNumber",
        );
    });

    it("refuses other device types", async () => {
        const userId = h.user();
        const result = await h.call("POST", `/environments/${ENV_ID}/users/${userId}/devices`, {
            body: { type: "SMS", phone: "+15555550100" },
        });
        assertP1Error(result, 400, "INVALID_DATA", "INVALID_VALUE", "type");
    });

    it("pairs a token at most once (UNIQUENESS_VIOLATION)", async () => {
        const { serialNumber } = await h.pairedDevice({ type: "HOTP" });
        assertP1Error(await h.createDevice(h.user(), serialNumber), 400, "INVALID_DATA", "UNIQUENESS_VIOLATION");
    });

    it("enforces maxAllowedDevices (REQUEST_FAILED / LIMIT_EXCEEDED)", async () => {
        const env = h.emulator.addEnvironment({
            maxAllowedDevices: 2,
            clients: [{ clientId: "limited-client", clientSecret: "limited-secret" }],
        });
        const token = await h.tokenFor(env.id, "limited-client", "limited-secret");
        const user = h.emulator.addUser(env.id, { username: "limited" });
        const serials = ["LIM1", "LIM2", "LIM3"];
        for (const serialNumber of serials)
            h.emulator.addToken(env.id, { serialNumber, secret: RFC_SECRET_HEX, type: "HOTP" });
        const create = (serialNumber: string) =>
            h.call("POST", `/environments/${env.id}/users/${user.id}/devices`, {
                body: { type: "OATH_TOKEN", serialNumber },
                token,
            });
        assert.equal((await create("LIM1")).status, 201);
        assert.equal((await create("LIM2")).status, 201);
        assertP1Error(await create("LIM3"), 400, "REQUEST_FAILED", "LIMIT_EXCEEDED");
        assert.equal(h.emulator.listDevices(env.id, user.id).length, 2);
    });

    it("lists devices with status/type filters and limit", async () => {
        const userId = h.user();
        const ids: string[] = [];
        for (let i = 0; i < 3; i++) {
            const { serialNumber } = h.inventoryToken({ type: "HOTP", counter: 0 });
            ids.push((await h.createDevice(userId, serialNumber)).body.id);
        }
        assert.equal((await h.activate(userId, ids[0], { otp: otp(0) })).status, 200);
        const list = (filter?: string, limit?: number) => {
            const query = new URLSearchParams();
            if (filter) query.set("filter", filter);
            if (limit) query.set("limit", String(limit));
            return h.call("GET", `/environments/${ENV_ID}/users/${userId}/devices?${query}`);
        };
        const idsOf = (r: { body: { _embedded: { devices: { id: string }[] } } }) =>
            r.body._embedded.devices.map((d) => d.id);

        assert.deepEqual(idsOf(await list()), ids);
        assert.deepEqual(idsOf(await list('status eq "ACTIVE"')), [ids[0]]);
        assert.deepEqual(idsOf(await list('type eq "OATH_TOKEN" and status eq "ACTIVATION_REQUIRED"')), [
            ids[1],
            ids[2],
        ]);
        assert.deepEqual(idsOf(await list('type eq "SMS"')), []);
        const limited = await list('status eq "ACTIVATION_REQUIRED"', 1);
        assert.deepEqual(idsOf(limited), [ids[1]]);
        assert.equal(limited.body.count, 2);
        assert.equal(limited.body.size, 1);
        assertP1Error(await list('nickname eq "x"'), 400, "INVALID_REQUEST", "INVALID_FILTER");
        assertP1Error(await list('status eq "ACTIVE" or status eq "X"'), 400, "INVALID_REQUEST", "INVALID_FILTER");
        assertP1Error(
            await h.call("GET", `/environments/${ENV_ID}/users/${userId}/devices?limit=0`),
            400,
            "INVALID_DATA",
            "INVALID_VALUE",
            "limit",
        );
    });

    it("deletes a device (204) and unpairs its token", async () => {
        const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP" });
        const result = await h.call("DELETE", `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`);
        assert.equal(result.status, 204);
        assert.equal(result.body, undefined);
        assertP1Error(
            await h.call("GET", `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`),
            404,
            "NOT_FOUND",
        );
        assert.deepEqual(h.emulator.getToken(ENV_ID, serialNumber)?.devices, []);
        assert.equal((await h.createDevice(userId, serialNumber)).status, 201, "the token can be paired again");
    });

    it("selects the action by Content-Type: anything but the vendor types is 415", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "HOTP", counter: 0 });
        const path = `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`;
        for (const contentType of ["application/json", "text/plain", "application/vnd.pingidentity.device.activate"]) {
            assertP1Error(await h.call("POST", path, { body: { otp: otp(0) }, contentType }), 415, "INVALID_REQUEST");
        }
        assertP1Error(
            await h.call("POST", path, { body: JSON.stringify({ otp: otp(0) }), contentType: undefined }),
            415,
            "INVALID_REQUEST",
        );
        assert.equal(h.emulator.getDevice(ENV_ID, deviceId)?.status, "ACTIVATION_REQUIRED", "415 did not act");
        const withCharset = await h.call("POST", path, {
            body: { otp: otp(0) },
            contentType: `${ACTIVATE}; charset=UTF-8`,
        });
        assert.equal(withCharset.status, 200, "media type parameters are allowed");
    });

    it("blocks, unblocks and unlocks", async () => {
        const { userId, deviceId } = await h.pairedDevice({ type: "HOTP" });
        const path = `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`;
        const blocked = await h.call("POST", path, { contentType: "application/vnd.pingidentity.device.block+json" });
        assert.equal(blocked.status, 200);
        assert.deepEqual(blocked.body.block, { status: "BLOCKED" });
        const unblocked = await h.call("POST", path, {
            body: {},
            contentType: "application/vnd.pingidentity.device.unblock+json",
        });
        assert.deepEqual(unblocked.body.block, { status: "UNBLOCKED" });
        const unlocked = await h.call("POST", path, { contentType: "application/vnd.pingidentity.device.unlock+json" });
        assert.deepEqual(unlocked.body.lock, { status: "UNLOCKED" });
    });

    it("device creation wants application/json and a JSON object", async () => {
        const userId = h.user();
        const { serialNumber } = h.inventoryToken({ type: "HOTP" });
        const path = `/environments/${ENV_ID}/users/${userId}/devices`;
        assertP1Error(
            await h.call("POST", path, {
                body: `type=OATH_TOKEN&serialNumber=${serialNumber}`,
                contentType: "application/x-www-form-urlencoded",
            }),
            415,
            "INVALID_REQUEST",
        );
        assertP1Error(await h.call("POST", path, { body: "{not json" }), 400, "INVALID_REQUEST");
        assert.deepEqual(h.emulator.listDevices(ENV_ID, userId), []);
    });
});

describe("emulator: OATH token inventory", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());
    const create = (body: unknown, contentType?: string) =>
        h.call("POST", `/environments/${ENV_ID}/oathTokens`, { body, contentType });

    it("creates a token with defaults and never returns the secret", async () => {
        // otpLength is Required in PingOne's request model; hashAlgorithm and hotp.counter have defaults.
        const result = await create({
            serialNumber: "ABC123",
            secret: RFC_SECRET_HEX.toUpperCase(),
            type: "HOTP",
            otpLength: 6,
        });
        assert.equal(result.status, 201, JSON.stringify(result.body));
        const { id, createdAt, updatedAt, _links, ...rest } = result.body;
        assert.match(id, UUID_PATTERN);
        assert.ok(createdAt && updatedAt);
        assert.equal(_links.self.href, `${h.envUrl}/oathTokens/${id}`);
        assert.deepEqual(rest, {
            environment: { id: ENV_ID },
            serialNumber: "ABC123",
            type: "HOTP",
            otpLength: 6,
            hashAlgorithm: "HmacSHA1",
            hotp: { counter: 0 },
            devices: [],
        });
        assert.equal(result.headers.get("location"), _links.self.href);
    });

    it("creates a TOTP token and reports timeStep and drift", async () => {
        const result = await create({
            serialNumber: "TOTP60",
            secret: RFC_SECRET_HEX,
            type: "TOTP",
            otpLength: 8,
            hashAlgorithm: "HmacSHA512",
            totp: { timeStep: 60 },
        });
        assert.equal(result.status, 201);
        assert.deepEqual(result.body.totp, { timeStep: 60, drift: 0 });
        assert.equal(result.body.hotp, undefined);
        assert.equal(result.body.otpLength, 8);
        assert.equal(result.body.hashAlgorithm, "HmacSHA512");
    });

    it("reports every missing field at once", async () => {
        const result = await create({});
        assertP1Error(result, 400, "INVALID_DATA");
        const targets = result.body.details
            .map((d: { code: string; target: string }) => `${d.code}:${d.target}`)
            .sort();
        assert.deepEqual(targets, [
            "REQUIRED_VALUE:otpLength",
            "REQUIRED_VALUE:secret",
            "REQUIRED_VALUE:serialNumber",
            "REQUIRED_VALUE:type",
        ]);
        for (const d of result.body.details) assert.equal(typeof d.message, "string");
    });

    const invalid: [string, Record<string, unknown>, string, string][] = [
        [
            "a serial with a dash",
            { serialNumber: "AB-12", secret: RFC_SECRET_HEX, type: "HOTP" },
            "INVALID_VALUE",
            "serialNumber",
        ],
        [
            "a 51-character serial",
            { serialNumber: "A".repeat(51), secret: RFC_SECRET_HEX, type: "HOTP" },
            "INVALID_VALUE",
            "serialNumber",
        ],
        [
            "a non-hex secret",
            { serialNumber: "S1", secret: "GEZDGNBVGY3TQOJQ", type: "HOTP" },
            "INVALID_VALUE",
            "secret",
        ],
        [
            "a 202-digit secret",
            { serialNumber: "S1", secret: "ab".repeat(101), type: "HOTP" },
            "INVALID_VALUE",
            "secret",
        ],
        ["an unknown type", { serialNumber: "S1", secret: RFC_SECRET_HEX, type: "OCRA" }, "INVALID_VALUE", "type"],
        [
            "otpLength 7",
            { serialNumber: "S1", secret: RFC_SECRET_HEX, type: "HOTP", otpLength: 7 },
            "INVALID_VALUE",
            "otpLength",
        ],
        [
            "an unknown hash",
            {
                serialNumber: "S1",
                secret: RFC_SECRET_HEX,
                type: "TOTP",
                hashAlgorithm: "HmacMD5",
                totp: { timeStep: 30 },
            },
            "INVALID_VALUE",
            "hashAlgorithm",
        ],
        [
            "HOTP with SHA256",
            { serialNumber: "S1", secret: RFC_SECRET_HEX, type: "HOTP", hashAlgorithm: "HmacSHA256" },
            "INVALID_VALUE",
            "hashAlgorithm",
        ],
        [
            "a negative counter",
            { serialNumber: "S1", secret: RFC_SECRET_HEX, type: "HOTP", hotp: { counter: -1 } },
            "INVALID_VALUE",
            "hotp.counter",
        ],
        [
            "TOTP without timeStep",
            { serialNumber: "S1", secret: RFC_SECRET_HEX, type: "TOTP" },
            "REQUIRED_VALUE",
            "totp.timeStep",
        ],
        [
            "TOTP with timeStep 45",
            { serialNumber: "S1", secret: RFC_SECRET_HEX, type: "TOTP", totp: { timeStep: 45 } },
            "INVALID_VALUE",
            "totp.timeStep",
        ],
    ];
    for (const [what, body, code, target] of invalid) {
        it(`refuses ${what} (${code} on ${target})`, async () => {
            assertP1Error(await create(body), 400, "INVALID_DATA", code, target);
            assert.equal(h.emulator.getToken(ENV_ID, "S1"), undefined);
        });
    }

    it("accepts the limits: a 50-character serial and a 200-digit secret", async () => {
        assert.equal(
            (await create({ serialNumber: "Z".repeat(50), secret: "ab".repeat(100), type: "HOTP", otpLength: 6 }))
                .status,
            201,
        );
    });

    it("refuses a duplicate serial (UNIQUENESS_VIOLATION on serialNumber)", async () => {
        assert.equal(
            (await create({ serialNumber: "DUP1", secret: RFC_SECRET_HEX, type: "HOTP", otpLength: 6 })).status,
            201,
        );
        assertP1Error(
            await create({ serialNumber: "DUP1", secret: RFC_SECRET_HEX, type: "HOTP", otpLength: 6 }),
            400,
            "INVALID_DATA",
            "UNIQUENESS_VIOLATION",
            "serialNumber",
        );
    });

    it("wants application/json", async () => {
        assertP1Error(
            await create({ serialNumber: "CT1", secret: RFC_SECRET_HEX, type: "HOTP" }, "text/plain"),
            415,
            "INVALID_REQUEST",
        );
    });

    it("reads by id, finds by serial filter, and lists", async () => {
        const created = (
            await create({
                serialNumber: "FIND1",
                secret: RFC_SECRET_HEX,
                type: "HOTP",
                hotp: { counter: 7 },
                otpLength: 6,
            })
        ).body;
        const byId = await h.call("GET", `/environments/${ENV_ID}/oathTokens/${created.id}`);
        assert.deepEqual(byId.body, created);
        const found = await h.call(
            "GET",
            `/environments/${ENV_ID}/oathTokens?filter=${encodeURIComponent('serialNumber eq "FIND1"')}`,
        );
        assert.deepEqual(found.body._embedded.oathTokens, [created]);
        assert.equal(found.body.count, 1);
        const missing = await h.call(
            "GET",
            `/environments/${ENV_ID}/oathTokens?filter=${encodeURIComponent('serialNumber eq "NOPE"')}`,
        );
        assert.deepEqual(missing.body._embedded.oathTokens, []);
        const all = await h.call("GET", `/environments/${ENV_ID}/oathTokens`);
        assert.ok(all.body._embedded.oathTokens.some((t: { id: string }) => t.id === created.id));
    });

    it("revokes a token (204) and removes the devices paired to it", async () => {
        const { userId, deviceId, tokenId, serialNumber } = await h.pairedDevice({ type: "HOTP" });
        const result = await h.call("DELETE", `/environments/${ENV_ID}/oathTokens/${tokenId}`);
        assert.equal(result.status, 204);
        assertP1Error(await h.call("GET", `/environments/${ENV_ID}/oathTokens/${tokenId}`), 404, "NOT_FOUND");
        assertP1Error(
            await h.call("GET", `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`),
            404,
            "NOT_FOUND",
        );
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber), undefined);
    });

    it("the secret appears in no response and no inspection result", async () => {
        const secret = "deadbeefcafebabe0123456789abcdef01234567";
        const created = await create({
            serialNumber: "SECRET1",
            secret,
            type: "TOTP",
            totp: { timeStep: 30 },
            otpLength: 6,
        });
        const userId = h.user();
        const device = await h.createDevice(userId, "SECRET1");
        const texts = [
            created.body,
            device.body,
            (await h.call("GET", `/environments/${ENV_ID}/oathTokens/${created.body.id}`)).body,
            (await h.call("GET", `/environments/${ENV_ID}/oathTokens`)).body,
            (
                await h.call(
                    "GET",
                    `/environments/${ENV_ID}/oathTokens?filter=${encodeURIComponent('serialNumber eq "SECRET1"')}`,
                )
            ).body,
            (await h.call("GET", `/environments/${ENV_ID}/users/${userId}/devices`)).body,
            h.emulator.getToken(ENV_ID, "SECRET1"),
            h.emulator.listDevices(ENV_ID, userId),
        ].map((x) => JSON.stringify(x));
        for (const text of texts) {
            assert.ok(!text.toLowerCase().includes(secret), text);
            assert.ok(!text.includes('"secret"'), text);
        }
    });
});
