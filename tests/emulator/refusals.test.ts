// Every refusal PingOne documents (or that the emulator assumes where PingOne is silent; see the emulator
// README, "Refusals, and what PingOne leaves unsaid"), sent through the project's own client
// (PingOneClient / its PingOneHttpClient) to a started emulator. Each test asserts the HTTP status, the
// envelope's `code` and `details[].code` (and target), and the client's error message: that it names the
// call and says how to fix it. Codes are matched, never PingOne's message text.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { generateOtp, PingOneEmulator, timeStepAt } from "../../emulator";
import { type PingOneClient, resetAccessTokenSources } from "../../provider/client";
import { PingOneApiError } from "../../provider/client/errors";
import { sendsRequestsTheContractRefuses } from "../support/contractHooks";
import { clientForConnection, isolateSuiteEnvironment, rfcSecretHex } from "../support/fixtures";

const ENV_A = randomUUID();
const ENV_B = randomUUID();
const CLIENT_A = { clientId: "worker-a", clientSecret: "secret-a-0123456789" };
const CLIENT_B = { clientId: "worker-b", clientSecret: "secret-b-0123456789" };
const MAX_DEVICES_A = 2;
const RESYNC = "application/vnd.pingidentity.device.resync+json";

interface Expected {
    status: number;
    code: string;
    /** Every detail code of the answer, in order ([] for none). */
    details: string[];
    /** Target of the first detail, when it must have one. */
    target?: string;
    /** Each must match the client's message. */
    message: RegExp[];
}

/** Awaits a refusal and checks it is the expected PingOne answer, as the client reports it. */
async function refused(call: Promise<unknown>, expected: Expected): Promise<PingOneApiError> {
    let error: unknown;
    try {
        await call;
    } catch (caught) {
        error = caught;
    }
    assert.ok(error instanceof PingOneApiError, `expected a PingOneApiError, got ${String(error)}`);
    assert.equal(error.status, expected.status, error.message);
    assert.equal(error.code, expected.code, error.message);
    assert.deepEqual(error.detailCodes, expected.details, error.message);
    if (expected.target !== undefined) assert.equal(error.envelope.details?.[0]?.target, expected.target);
    assert.match(error.envelope.id ?? "", /^[0-9a-f-]{36}$/, "every refusal carries a request id");
    for (const pattern of expected.message) assert.match(error.message, pattern);
    return error;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** The message names the call: method and path, as sent. */
const names = (method: string, path: string, call: string) => new RegExp(`to ${method} ${escape(path)} \\(${call}\\)`);

describe("emulator refusals, as the project's client reports them", function () {
    this.timeout(20_000);
    isolateSuiteEnvironment();

    let emulator: PingOneEmulator;
    let clock = Date.UTC(2030, 0, 1, 12, 0, 10);
    let a: PingOneClient;
    let b: PingOneClient;
    let serial = 0;

    const clientFor = (environmentId: string, creds: { clientId: string; clientSecret: string }) =>
        clientForConnection({ apiUrl: emulator.apiUrl, authUrl: emulator.authUrl, environmentId, ...creds });
    const user = (env = ENV_A) => emulator.addUser(env, { username: `u${randomUUID().slice(0, 8)}` }).id;
    const token = (extra: { type?: "HOTP" | "TOTP"; env?: string } = {}) => {
        const serialNumber = `RF${++serial}`;
        const created = emulator.addToken(extra.env ?? ENV_A, {
            serialNumber,
            secret: rfcSecretHex,
            type: extra.type ?? "HOTP",
            otpLength: 6,
            timeStep: 30,
        });
        return { id: created.id, serialNumber };
    };
    const code = (counter: number) =>
        generateOtp({ secretHex: rfcSecretHex, otpLength: 6, hashAlgorithm: "HmacSHA1" }, counter);
    const devicesPath = (env: string, userId: string) => `/environments/${env}/users/${userId}/devices`;
    // PingOneClient has no resync call (the product resyncs through activation), so the test sends it raw.
    const resync = (client: PingOneClient, path: string, otps: string[]) =>
        client.http.request({ method: "POST", path, body: { otps }, contentType: RESYNC });

    before(async () => {
        resetAccessTokenSources();
        emulator = await PingOneEmulator.start({
            now: () => clock,
            seed: {
                environments: [
                    { id: ENV_A, clients: [CLIENT_A], maxAllowedDevices: MAX_DEVICES_A },
                    { id: ENV_B, clients: [CLIENT_B] },
                ],
            },
        });
        a = clientFor(ENV_A, CLIENT_A);
        b = clientFor(ENV_B, CLIENT_B);
    });
    after(async () => {
        await emulator?.stop();
        resetAccessTokenSources();
    });

    it("1. a wrong or missing Content-Type on every write: 415 INVALID_REQUEST, and nothing is done", async function () {
        // The contract refuses these requests too; the hook requires it.
        sendsRequestsTheContractRefuses(this);
        const userId = user();
        const hotp = token();
        const fix = /To fix: send the Content-Type PingOne documents for this call/;
        const unsupported = (sent: RegExp, method: string, path: string, call: string): Expected => ({
            status: 415,
            code: "INVALID_REQUEST",
            // The emulator's own detail (PingOne documents none for 415); see emulator/errors.ts.
            details: ["INVALID_VALUE"],
            target: "Content-Type",
            message: [names(method, path, call), fix, sent, /defect in the calling code/],
        });
        const textPlain = /it was sent as "text\/plain"/;
        const none = /it was sent without one/;

        // Create device: the wrong type, and none at all (no body, so no Content-Type).
        const pair = devicesPath(ENV_A, userId);
        const body = { type: "OATH_TOKEN", serialNumber: hotp.serialNumber };
        await refused(
            a.http.request({ method: "POST", path: pair, body, contentType: "text/plain" }),
            unsupported(textPlain, "POST", pair, "pairing an OATH token with a user"),
        );
        await refused(
            a.http.request({ method: "POST", path: pair }),
            unsupported(none, "POST", pair, "pairing an OATH token with a user"),
        );
        assert.deepEqual(emulator.listDevices(ENV_A, userId), [], "no device was created");

        // Activate: application/json is not the activate media type.
        const device = await a.createOathTokenDevice(ENV_A, userId, hotp.serialNumber);
        const devicePath = `${pair}/${device.id}`;
        await refused(
            a.http.request({
                method: "POST",
                path: devicePath,
                body: { otp: code(0) },
                contentType: "application/json",
            }),
            unsupported(/it was sent as "application\/json"/, "POST", devicePath, "an action on a device"),
        );
        assert.equal(emulator.getDevice(ENV_A, device.id)?.status, "ACTIVATION_REQUIRED");

        // Create token.
        const tokens = `/environments/${ENV_A}/oathTokens`;
        const newToken = { serialNumber: "RFNEW1", secret: rfcSecretHex, type: "HOTP", otpLength: 6 };
        await refused(
            a.http.request({ method: "POST", path: tokens, body: newToken, contentType: "text/plain" }),
            unsupported(textPlain, "POST", tokens, "creating an OATH token"),
        );
        assert.equal(emulator.getToken(ENV_A, "RFNEW1"), undefined);

        // Resync, at the environment and under the user owning the device.
        for (const path of [`${tokens}/${hotp.id}`, `/environments/${ENV_A}/users/${userId}/oathTokens/${hotp.id}`]) {
            await refused(
                a.http.request({ method: "POST", path, body: { otps: [code(5), code(6)] }, contentType: "text/plain" }),
                unsupported(textPlain, "POST", path, "resyncing an OATH token"),
            );
        }
        assert.equal(emulator.getToken(ENV_A, hotp.id)?.hotp?.counter, 0, "the counter did not move");

        // OATH jobs: plain JSON says neither create nor revoke.
        const jobs = `/environments/${ENV_A}/oathJobs`;
        await refused(
            a.http.request({
                method: "POST",
                path: jobs,
                body: { type: "CREATE_OATH_TOKENS", tokens: [{ ...newToken, serialNumber: "RFJOB1" }] },
                contentType: "application/json",
            }),
            unsupported(/it was sent as "application\/json"/, "POST", jobs, "submitting an OATH token job"),
        );
        assert.equal(emulator.getToken(ENV_A, "RFJOB1"), undefined);
        // Users are not created through the emulator's API (seeded only), so there is no such write to refuse.
    });

    it("2. activating a device that is already ACTIVE: 400 REQUEST_FAILED, no details, no OTP spent", async () => {
        const userId = user();
        const hotp = token();
        const device = await a.createOathTokenDevice(ENV_A, userId, hotp.serialNumber);
        assert.equal((await a.activateDevice(ENV_A, userId, device.id, code(0), true)).status, "ACTIVE");

        const path = `${devicesPath(ENV_A, userId)}/${device.id}`;
        await refused(a.activateDevice(ENV_A, userId, device.id, code(1), true), {
            status: 400,
            code: "REQUEST_FAILED",
            details: [],
            message: [
                names("POST", path, "activating a device"),
                /To fix: only a device whose status is ACTIVATION_REQUIRED can be activated: read the device; if it is ACTIVE already there is nothing left to do/,
            ],
        });
        assert.equal(emulator.getToken(ENV_A, hotp.id)?.hotp?.counter, 1, "code 1 was not consumed");
    });

    it("3. pairing a serial that is not in the inventory: 400 INVALID_DATA / INVALID_VALUE on serialNumber", async () => {
        const userId = user();
        const path = devicesPath(ENV_A, userId);
        await refused(a.createOathTokenDevice(ENV_A, userId, "NOSUCHSERIAL42"), {
            status: 400,
            code: "INVALID_DATA",
            details: ["INVALID_VALUE"],
            target: "serialNumber",
            message: [
                names("POST", path, "pairing an OATH token with a user"),
                new RegExp(
                    `To fix: pair only a serial that environment ${ENV_A}'s OATH token inventory holds: add the token to that inventory first`,
                ),
            ],
        });
        assert.deepEqual(emulator.listDevices(ENV_A, userId), []);
    });

    it("4. a user at maxAllowedDevices: 400 REQUEST_FAILED / LIMIT_EXCEEDED, the token stays unpaired", async () => {
        const userId = user();
        for (let i = 0; i < MAX_DEVICES_A; i++) await a.createOathTokenDevice(ENV_A, userId, token().serialNumber);
        const extra = token();
        const error = await refused(a.createOathTokenDevice(ENV_A, userId, extra.serialNumber), {
            status: 400,
            code: "REQUEST_FAILED",
            details: ["LIMIT_EXCEEDED"],
            message: [
                names("POST", devicesPath(ENV_A, userId), "pairing an OATH token with a user"),
                new RegExp(
                    `To fix: the user already has as many MFA devices as pairing.maxAllowedDevices allows \\(${MAX_DEVICES_A} here\\): ` +
                        `delete a device the user no longer uses, or raise the setting in environment ${ENV_A}'s MFA settings \\(5 unless changed, at most 15\\)`,
                ),
            ],
        });
        assert.equal(error.envelope.details?.[0]?.innerError?.maximumValue, MAX_DEVICES_A);
        assert.deepEqual(emulator.getToken(ENV_A, extra.id)?.devices, []);
        // Deleting one makes room again.
        const [first] = await a.listDevices(ENV_A, userId);
        assert.equal(await a.deleteDevice(ENV_A, userId, first.id), true);
        assert.equal((await a.createOathTokenDevice(ENV_A, userId, extra.serialNumber)).status, "ACTIVATION_REQUIRED");
    });

    it("5. a reused or out-of-window OTP: 400 INVALID_DATA / INVALID_OTP (HOTP and TOTP, activate and resync)", async () => {
        const invalidOtp = (path: string, call: string, target: string): Expected => ({
            status: 400,
            code: "INVALID_DATA",
            details: ["INVALID_OTP"],
            target,
            message: [
                names("POST", path, call),
                /To fix: take a fresh OTP from the token and send it: PingOne refuses an OTP that is wrong, already used \(each OTP is accepted once; for TOTP, one per time step\) or outside its window/,
            ],
        });
        const userId = user();

        // HOTP: code 0 activates once; paired again, the same code is refused (the counter moved past it).
        const hotp = token();
        const first = await a.createOathTokenDevice(ENV_A, userId, hotp.serialNumber);
        await a.activateDevice(ENV_A, userId, first.id, code(0), false);
        await a.deleteDevice(ENV_A, userId, first.id);
        const again = await a.createOathTokenDevice(ENV_A, userId, hotp.serialNumber);
        const againPath = `${devicesPath(ENV_A, userId)}/${again.id}`;
        await refused(
            a.activateDevice(ENV_A, userId, again.id, code(0), false),
            invalidOtp(againPath, "activating a device", "otp"),
        );
        // Outside the look-ahead (counter 1: codes 1..10 pass): code 11 without oathResync.
        await refused(
            a.activateDevice(ENV_A, userId, again.id, code(11), false),
            invalidOtp(againPath, "activating a device", "otp"),
        );
        // Resync with codes already consumed (0 and 1: the counter is at 1, so 0 is behind it).
        const resyncPath = `/environments/${ENV_A}/oathTokens/${hotp.id}`;
        await refused(
            resync(a, resyncPath, [code(0), code(1)]),
            invalidOtp(resyncPath, "resyncing an OATH token", "otps"),
        );
        assert.equal(emulator.getDevice(ENV_A, again.id)?.status, "ACTIVATION_REQUIRED");

        // TOTP: the code of step T activates once; paired again, step T's code is refused, and so is T+5 (outside ±1).
        const totp = token({ type: "TOTP" });
        const step = timeStepAt(clock, 30);
        const totpUser = user();
        const t1 = await a.createOathTokenDevice(ENV_A, totpUser, totp.serialNumber);
        await a.activateDevice(ENV_A, totpUser, t1.id, code(step), false);
        await a.deleteDevice(ENV_A, totpUser, t1.id);
        const t2 = await a.createOathTokenDevice(ENV_A, totpUser, totp.serialNumber);
        const t2Path = `${devicesPath(ENV_A, totpUser)}/${t2.id}`;
        await refused(
            a.activateDevice(ENV_A, totpUser, t2.id, code(step), false),
            invalidOtp(t2Path, "activating a device", "otp"),
        );
        await refused(
            a.activateDevice(ENV_A, totpUser, t2.id, code(step + 5), false),
            invalidOtp(t2Path, "activating a device", "otp"),
        );
        // Once the clock moves to the next step, that step's code is good.
        clock += 30_000;
        assert.equal((await a.activateDevice(ENV_A, totpUser, t2.id, code(step + 1), false)).status, "ACTIVE");
    });

    it("6. ids and tokens of another environment: 404 NOT_FOUND under its path, INVALID_VALUE when pairing, 403 for its token", async () => {
        const userA = user(ENV_A);
        const userB = user(ENV_B);
        const tokenA = token({ env: ENV_A });
        const deviceA = await a.createOathTokenDevice(ENV_A, userA, tokenA.serialNumber);
        const notFound = (method: string, path: string, call: string): Expected => ({
            status: 404,
            code: "NOT_FOUND",
            details: [],
            message: [
                names(method, path, call),
                new RegExp(
                    `To fix: check the ids in the path: PingOne ids belong to the environment that created them \\(an id from another environment is not found in ${ENV_B}\\)`,
                ),
            ],
        });

        // A's user under B's path (B's own credentials).
        await refused(b.listDevices(ENV_B, userA), notFound("GET", devicesPath(ENV_B, userA), "reading devices"));
        // A's device under B's user.
        await refused(
            b.activateDevice(ENV_B, userB, deviceA.id, code(0), true),
            notFound("POST", `${devicesPath(ENV_B, userB)}/${deviceA.id}`, "activating a device"),
        );
        // A's token under B's inventory: not readable, not resyncable.
        assert.equal(await b.getOathToken(ENV_B, tokenA.id), undefined);
        const resyncPath = `/environments/${ENV_B}/oathTokens/${tokenA.id}`;
        await refused(
            resync(b, resyncPath, [code(3), code(4)]),
            notFound("POST", resyncPath, "resyncing an OATH token"),
        );
        // A's token paired by B's user: B's inventory has no such serial.
        await refused(b.createOathTokenDevice(ENV_B, userB, tokenA.serialNumber), {
            status: 400,
            code: "INVALID_DATA",
            details: ["INVALID_VALUE"],
            target: "serialNumber",
            message: [
                names("POST", devicesPath(ENV_B, userB), "pairing an OATH token with a user"),
                /a token of another environment, or one revoked, is not in it/,
            ],
        });
        // A's credentials on B's path.
        await refused(a.listDevices(ENV_B, userB), {
            status: 403,
            code: "ACCESS_FAILED",
            details: ["INSUFFICIENT_PERMISSIONS"],
            message: [
                names("GET", devicesPath(ENV_B, userB), "reading devices"),
                new RegExp(`To fix: use credentials of a worker app that has a role in environment ${ENV_B}`),
            ],
        });
        assert.equal(emulator.getDevice(ENV_A, deviceA.id)?.status, "ACTIVATION_REQUIRED", "A is untouched");
        assert.equal(emulator.getToken(ENV_A, tokenA.id)?.hotp?.counter, 0);
    });

    it("7. a revoked token: its device is gone (404), its serial cannot be paired (INVALID_VALUE), its id cannot be resynced (404)", async () => {
        const userId = user();
        const hotp = token();
        const device = await a.createOathTokenDevice(ENV_A, userId, hotp.serialNumber);
        await a.activateDevice(ENV_A, userId, device.id, code(0), false);
        assert.equal(await a.deleteOathToken(ENV_A, hotp.id), true);

        assert.equal(await a.getDevice(ENV_A, userId, device.id), undefined, "revoking unpaired it");
        const devicePath = `${devicesPath(ENV_A, userId)}/${device.id}`;
        const gone = /a deleted device or revoked OATH token is gone for good/;
        await refused(a.activateDevice(ENV_A, userId, device.id, code(1), false), {
            status: 404,
            code: "NOT_FOUND",
            details: [],
            message: [names("POST", devicePath, "activating a device"), gone],
        });
        await refused(a.createOathTokenDevice(ENV_A, userId, hotp.serialNumber), {
            status: 400,
            code: "INVALID_DATA",
            details: ["INVALID_VALUE"],
            target: "serialNumber",
            message: [
                names("POST", devicesPath(ENV_A, userId), "pairing an OATH token with a user"),
                /one revoked, is not in it/,
            ],
        });
        for (const path of [
            `/environments/${ENV_A}/oathTokens/${hotp.id}`,
            `/environments/${ENV_A}/users/${userId}/oathTokens/${hotp.id}`,
        ]) {
            await refused(resync(a, path, [code(1), code(2)]), {
                status: 404,
                code: "NOT_FOUND",
                details: [],
                message: [names("POST", path, "resyncing an OATH token"), gone],
            });
        }
        assert.equal(await a.deleteOathToken(ENV_A, hotp.id), false, "revoking again finds nothing");
    });

    it("8. unknown device type, token type, hashAlgorithm, otpLength and timeStep: 400 INVALID_DATA naming each field", async function () {
        // The contract refuses these requests too; the hook requires it.
        sendsRequestsTheContractRefuses(this);
        const userId = user();
        const hotp = token();
        const pair = devicesPath(ENV_A, userId);
        await refused(
            a.http.request({
                method: "POST",
                path: pair,
                body: { type: "HARDWARE_KEY", serialNumber: hotp.serialNumber },
            }),
            {
                status: 400,
                code: "INVALID_DATA",
                details: ["INVALID_VALUE"],
                target: "type",
                message: [
                    names("POST", pair, "pairing an OATH token with a user"),
                    /type: .*\(allowed: OATH_TOKEN\)/,
                    /To fix: correct the fields named here/,
                ],
            },
        );
        assert.deepEqual(emulator.listDevices(ENV_A, userId), []);

        const tokens = `/environments/${ENV_A}/oathTokens`;
        const base = { secret: rfcSecretHex };
        const typeError = await refused(
            a.http.request({
                method: "POST",
                path: tokens,
                body: { ...base, serialNumber: "RFBAD1", type: "OCRA", otpLength: 7, hashAlgorithm: "HmacMD5" },
            }),
            {
                status: 400,
                code: "INVALID_DATA",
                details: ["INVALID_VALUE", "INVALID_VALUE", "INVALID_VALUE"],
                target: "type",
                message: [
                    names("POST", tokens, "creating an OATH token"),
                    /type: .*\(allowed: HOTP, TOTP\)/,
                    /otpLength: .*\(allowed: 6, 8\)/,
                    /hashAlgorithm: .*\(allowed: HmacSHA1, HmacSHA256, HmacSHA512\)/,
                    /To fix: correct the fields named here/,
                ],
            },
        );
        assert.deepEqual(
            typeError.envelope.details?.map((d) => d.target),
            ["type", "otpLength", "hashAlgorithm"],
        );
        await refused(
            a.http.request({
                method: "POST",
                path: tokens,
                body: { ...base, serialNumber: "RFBAD2", type: "TOTP", otpLength: 6, totp: { timeStep: 45 } },
            }),
            {
                status: 400,
                code: "INVALID_DATA",
                details: ["INVALID_VALUE"],
                target: "totp.timeStep",
                message: [/totp.timeStep: .*\(allowed: 30, 60\)/, /To fix: correct the fields named here/],
            },
        );
        // otpLength is Required in PingOne's request model ("Create OATH token"): no default.
        await refused(
            a.http.request({ method: "POST", path: tokens, body: { ...base, serialNumber: "RFBAD3", type: "HOTP" } }),
            {
                status: 400,
                code: "INVALID_DATA",
                details: ["REQUIRED_VALUE"],
                target: "otpLength",
                message: [/otpLength: .*\(allowed: 6, 8\)/],
            },
        );
        for (const serialNumber of ["RFBAD1", "RFBAD2", "RFBAD3"])
            assert.equal(emulator.getToken(ENV_A, serialNumber), undefined);
    });
});
