import assert from "node:assert/strict";
import { oathTokenActivationProvider as provider } from "../../../provider/activation/activationProvider";
import { unknownValue } from "../../../provider/validation";

const good = {
    environmentId: "5f1c2e4a-0b6d-4c1e-9a51-3f2d8e7b6a10",
    userId: "6e0f9a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b",
    deviceId: "0b7d3c9e-1f2a-4b5c-8d6e-7f8091a2b3c4",
    otp: "755224",
    connection: { clientId: "worker-app", clientSecret: "worker-secret" },
};

async function failuresOf(news: Record<string, unknown>) {
    const result = await provider.check!({} as never, news as never);
    return result.failures ?? [];
}

describe("OathTokenActivation check (preview-time validation)", () => {
    it("accepts good inputs and fills the defaults", async () => {
        const result = await provider.check!({} as never, good as never);
        assert.deepEqual(result.failures, []);
        assert.equal(result.inputs?.oathResync, true);
        assert.equal(result.inputs?.deleteDeviceOnDestroy, false);
    });

    it("finds missing credentials at preview, naming what to set, without a call", async () => {
        const saved = { ...process.env };
        for (const key of Object.keys(process.env)) if (key.startsWith("PINGONE_")) delete process.env[key];
        try {
            const failures = await failuresOf({ ...good, connection: undefined });
            assert.equal(failures.length, 1);
            assert.equal(failures[0].property, "connection");
            assert.match(failures[0].reason, /No PingOne credentials found\. Set PINGONE_CLIENT_ID.*pingone:clientId/);
            const half = await failuresOf({ ...good, connection: { clientId: "worker-app" } });
            assert.match(half[0]?.reason ?? "", /connection\.clientId is set .* but connection\.clientSecret is not/);
        } finally {
            Object.assign(process.env, saved);
        }
    });

    const cases: [string, Record<string, unknown>, string, RegExp][] = [
        ["missing environmentId", { environmentId: undefined }, "environmentId", /environmentId is required/],
        [
            "environmentId not a UUID",
            { environmentId: "prod" },
            "environmentId",
            /must be the PingOne environment id, a UUID/,
        ],
        ["missing userId", { userId: "" }, "userId", /userId is required/],
        ["userId not a UUID", { userId: "alice" }, "userId", /userId must be the PingOne user id, a UUID.*got "alice"/],
        [
            "deviceId not a UUID",
            { deviceId: 42 },
            "deviceId",
            /deviceId must be the id of the user's OATH_TOKEN device.*got number/,
        ],
        ["missing otp", { otp: undefined }, "otp", /otp is required: Set otp to the code the token shows now/],
        ["otp too short", { otp: "12345" }, "otp", /6 to 8 digit code.*got 5 characters/],
        ["otp too long", { otp: "123456789" }, "otp", /got 9 characters/],
        ["otp not digits", { otp: "12a456" }, "otp", /not all digits/],
        ["otp as a number", { otp: 755224 }, "otp", /as a string \(got a number\)/],
        ["nextOtp malformed", { nextOtp: "1234" }, "nextOtp", /nextOtp must be the 6 to 8 digit code/],
        ["nextOtp equal to otp", { nextOtp: "755224" }, "nextOtp", /not the same code as otp/],
        ["oathResync not boolean", { oathResync: "yes" }, "oathResync", /true or false/],
        ["deleteDeviceOnDestroy not boolean", { deleteDeviceOnDestroy: 1 }, "deleteDeviceOnDestroy", /true or false/],
        ["connection not an object", { connection: "x" }, "connection", /must be an object/],
        [
            "connection with an unknown key",
            { connection: { clientSecrt: "x" } },
            "connection.clientSecrt",
            /not a connection setting/,
        ],
        [
            "connection with an unknown region",
            { connection: { regionCode: "US" } },
            "connection.regionCode",
            /not a PingOne region: use one of NA, EU, CA, AU, SG, AP/,
        ],
        [
            "connection with a bad apiUrl",
            { connection: { apiUrl: "localhost:8788" } },
            "connection.apiUrl",
            /http\(s\) URL/,
        ],
        [
            "connection with a bad environmentId",
            { connection: { environmentId: "x" } },
            "connection.environmentId",
            /UUID/,
        ],
    ];
    for (const [name, change, property, reason] of cases) {
        it(`rejects ${name}, naming ${property} and the fix`, async () => {
            const failures = await failuresOf({ ...good, ...change });
            assert.equal(failures.length, 1, JSON.stringify(failures));
            assert.equal(failures[0].property, property);
            assert.match(failures[0].reason, reason);
        });
    }

    it("never echoes an OTP in a failure", async () => {
        const failures = await failuresOf({ ...good, otp: "98765x", nextOtp: "9876543210" });
        assert.equal(failures.length, 2);
        for (const f of failures) assert.ok(!f.reason.includes("98765"), f.reason);
    });

    it("lets unknown values through during preview", async () => {
        const failures = await failuresOf({
            environmentId: unknownValue,
            userId: unknownValue,
            deviceId: unknownValue,
            otp: unknownValue,
            nextOtp: unknownValue,
            oathResync: unknownValue,
            connection: unknownValue,
        });
        assert.deepEqual(failures, []);
    });

    it("reports every problem at once", async () => {
        const failures = await failuresOf({ environmentId: "a", userId: "b", deviceId: "c", otp: "d" });
        assert.deepEqual(failures.map((f) => f.property).sort(), ["deviceId", "environmentId", "otp", "userId"]);
    });
});
