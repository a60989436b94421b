// RFC test vectors, pushed through the emulator's real activation endpoint: the server must
// accept exactly the codes the RFCs print, at the counters/times they print them for.
import assert from "node:assert/strict";
import { ENV_ID, Harness, assertP1Error } from "../support/emulatorHarness";
import { rfc4226Codes as RFC4226_CODES } from "../support/fixtures";

const RFC6238_KEYS = {
    HmacSHA1: Buffer.from("12345678901234567890").toString("hex"),
    HmacSHA256: Buffer.from("12345678901234567890123456789012").toString("hex"),
    HmacSHA512: Buffer.from("1234567890".repeat(6) + "1234").toString("hex"),
} as const;

const RFC6238_VECTORS: { time: number; HmacSHA1: string; HmacSHA256: string; HmacSHA512: string }[] = [
    { time: 59, HmacSHA1: "94287082", HmacSHA256: "46119246", HmacSHA512: "90693936" },
    { time: 1111111109, HmacSHA1: "07081804", HmacSHA256: "68084774", HmacSHA512: "25091201" },
    { time: 1111111111, HmacSHA1: "14050471", HmacSHA256: "67062674", HmacSHA512: "99943326" },
    { time: 1234567890, HmacSHA1: "89005924", HmacSHA256: "91819424", HmacSHA512: "93441116" },
    { time: 2000000000, HmacSHA1: "69279037", HmacSHA256: "90698825", HmacSHA512: "38618901" },
    { time: 20000000000, HmacSHA1: "65353130", HmacSHA256: "77737706", HmacSHA512: "47863826" },
];

describe("emulator: RFC 4226 Appendix D vectors (HOTP)", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    RFC4226_CODES.forEach((code, counter) => {
        it(`accepts ${code} for a token whose counter is ${counter}, and moves the counter to ${counter + 1}`, async () => {
            const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter });
            const result = await h.activate(userId, deviceId, { otp: code });
            assert.equal(result.status, 200, JSON.stringify(result.body));
            assert.equal(result.body.status, "ACTIVE");
            assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, counter + 1);
        });
    });

    RFC4226_CODES.slice(0, 9).forEach((code, pastCounter) => {
        it(`rejects ${code} (counter ${pastCounter}) once the server counter is ${pastCounter + 1}, even with oathResync`, async () => {
            const { userId, deviceId, serialNumber } = await h.pairedDevice({ type: "HOTP", counter: pastCounter + 1 });
            const result = await h.activate(userId, deviceId, { otp: code, oathResync: true });
            assertP1Error(result, 400, "INVALID_DATA", "INVALID_OTP", "otp");
            assert.equal(h.emulator.getDevice(ENV_ID, deviceId)?.status, "ACTIVATION_REQUIRED");
            assert.equal(h.emulator.getToken(ENV_ID, serialNumber)?.hotp?.counter, pastCounter + 1);
        });
    });
});

describe("emulator: RFC 6238 Appendix B vectors (TOTP, 8 digits, X = 30)", () => {
    let h: Harness;
    let clockMs = 0;
    before(async () => (h = await Harness.start({ now: () => clockMs })));
    after(() => h.stop());

    for (const vector of RFC6238_VECTORS) {
        for (const algorithm of ["HmacSHA1", "HmacSHA256", "HmacSHA512"] as const) {
            it(`accepts ${vector[algorithm]} at unix time ${vector.time} with ${algorithm}, drift 0`, async () => {
                const { userId, deviceId, serialNumber } = await h.pairedDevice({
                    type: "TOTP",
                    otpLength: 8,
                    timeStep: 30,
                    hashAlgorithm: algorithm,
                    secret: RFC6238_KEYS[algorithm],
                });
                clockMs = vector.time * 1000;
                const result = await h.activate(userId, deviceId, { otp: vector[algorithm] });
                assert.equal(result.status, 200, JSON.stringify(result.body));
                assert.equal(result.body.status, "ACTIVE");
                assert.deepEqual(h.emulator.getToken(ENV_ID, serialNumber)?.totp, { timeStep: 30, drift: 0 });
            });
        }
    }

    it("rejects a vector's code far from its time (1111111109's code at time 1234567890)", async () => {
        const { userId, deviceId } = await h.pairedDevice({
            type: "TOTP",
            otpLength: 8,
            timeStep: 30,
            secret: RFC6238_KEYS.HmacSHA1,
        });
        clockMs = 1234567890 * 1000;
        assertP1Error(
            await h.activate(userId, deviceId, { otp: "07081804", oathResync: true }),
            400,
            "INVALID_DATA",
            "INVALID_OTP",
            "otp",
        );
    });

    it("rejects the right code for the wrong algorithm (SHA256 code on a SHA1 token)", async () => {
        const { userId, deviceId } = await h.pairedDevice({
            type: "TOTP",
            otpLength: 8,
            timeStep: 30,
            secret: RFC6238_KEYS.HmacSHA1,
        });
        clockMs = 59 * 1000;
        assertP1Error(
            await h.activate(userId, deviceId, { otp: "46119246" }),
            400,
            "INVALID_DATA",
            "INVALID_OTP",
            "otp",
        );
    });
});
