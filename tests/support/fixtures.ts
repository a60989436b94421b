import { randomUUID } from "node:crypto";
import * as path from "node:path";
import * as OTPAuth from "otpauth";
import { PingOneEmulator, type EmulatorOptions } from "../../emulator";
import assert from "node:assert/strict";
import {
    PingOneClient,
    connectionSettingsFromInput,
    defaultClientOptions,
    resetAccessTokenSources,
    resolveConnection,
    type ConnectionSettings,
} from "../../provider/client";
import { type ClientOptions } from "../../provider/client/clientOptions";
import { type OathTokenInputs } from "../../provider/inventory/oathTokenProvider";

/** The RFC 4226 test secret, ASCII "12345678901234567890", in hex. */
export const rfcSecretHex = "3132333435363738393031323334353637383930";
/** RFC 4226 Appendix D: the HOTP codes of that secret at counters 0 to 9. */
export const rfc4226Codes = [
    "755224",
    "287082",
    "359152",
    "969429",
    "338314",
    "254676",
    "287922",
    "162583",
    "399871",
    "520489",
];

/**
 * A shell command standing in for `ykman oath accounts code`: runs fakeYkman.js, which prints the next
 * RFC 4226 code and keeps the counter in counterFile.
 */
export function fakeYkmanCommand(counterFile: string): string {
    const script = path.resolve(__dirname, "fakeYkman.js");
    return `"${process.execPath}" "${script}" "${counterFile}" ${rfcSecretHex}`;
}

export const clientId = "test-worker-app";
export const clientSecret = "s3cr3t-worker-app-value-9f8e7d";

/** HOTP code of a hex secret at a counter. */
/**
 * Stack config that reaches `emulator` as the suites' worker app (`clientId`, `clientSecret`, stored
 * encrypted). The environment key is the caller's: `pingone:environmentId` or the program's own.
 */
export function emulatorStackConfig(emulator: Pick<PingOneEmulator, "apiUrl" | "authUrl">) {
    return {
        "pingone:clientId": { value: clientId },
        "pingone:clientSecret": { value: clientSecret, secret: true },
        "pingone:apiUrl": { value: emulator.apiUrl },
        "pingone:authUrl": { value: emulator.authUrl },
    };
}

export function hotp(secretHex: string, counter: number, digits = 6): string {
    return OTPAuth.HOTP.generate({ secret: OTPAuth.Secret.fromHex(secretHex), counter, digits });
}

/** TOTP code at a time (ms). */
export function totp(secretHex: string, timestampMs: number, period = 30, digits = 6): string {
    return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromHex(secretHex), timestamp: timestampMs, period, digits });
}

export interface Scenario {
    emulator: PingOneEmulator;
    environmentId: string;
    /** A `connection` input that reaches the emulator with client credentials. */
    connection: { apiUrl: string; authUrl: string; clientId: string; clientSecret: string; environmentId: string };
    /** Adds a user with a HOTP token paired as an ACTIVATION_REQUIRED device. */
    addPairedToken(options?: {
        counter?: number;
        status?: "ACTIVATION_REQUIRED" | "ACTIVE";
        secretHex?: string;
    }): PairedToken;
    /** Deletes a device through the API, as an admin would in the console. */
    deleteDeviceOutOfBand(token: PairedToken): Promise<void>;
    /** Calls to the token endpoint so far. */
    tokenRequests(): number;
    /** Activate calls so far (optionally for one device). */
    activateCalls(deviceId?: string): number;
}

export interface PairedToken {
    userId: string;
    deviceId: string;
    serialNumber: string;
    secretHex: string;
}

/**
 * The project's PingOneClient for plain connection settings (an emulator's URLs and credentials), resolved as
 * a resource's `connection` input is; `defaultClientOptions` unless given.
 */
export function clientForConnection(
    settings: ConnectionSettings,
    options: ClientOptions = defaultClientOptions,
    log?: (message: string) => void,
): PingOneClient {
    return PingOneClient.forConnection(resolveConnection([connectionSettingsFromInput(settings)]), options, log);
}

let serial = 1000;

export async function startScenario(options: EmulatorOptions = {}): Promise<Scenario> {
    resetAccessTokenSources();
    const environmentId = randomUUID();
    const emulator = await PingOneEmulator.start({
        ...options,
        seed: { environments: [{ id: environmentId, clients: [{ clientId, clientSecret }], maxAllowedDevices: 5 }] },
    });
    return {
        emulator,
        environmentId,
        connection: { apiUrl: emulator.apiUrl, authUrl: emulator.authUrl, clientId, clientSecret, environmentId },
        addPairedToken({ counter = 0, status = "ACTIVATION_REQUIRED", secretHex = rfcSecretHex } = {}) {
            const serialNumber = `SN${serial++}`;
            const user = emulator.addUser(environmentId, { username: `user-${serialNumber.toLowerCase()}` });
            emulator.addToken(environmentId, { serialNumber, secret: secretHex, type: "HOTP", otpLength: 6, counter });
            const device = emulator.addDevice(environmentId, { userId: user.id, serialNumber, status });
            return { userId: user.id, deviceId: device.id, serialNumber, secretHex };
        },
        async deleteDeviceOutOfBand(token) {
            const client = clientForConnection({
                apiUrl: emulator.apiUrl,
                authUrl: emulator.authUrl,
                clientId,
                clientSecret,
                environmentId,
            });
            assert.equal(await client.deleteDevice(environmentId, token.userId, token.deviceId), true);
        },
        tokenRequests: () =>
            emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith("/as/token")).length,
        activateCalls: (deviceId?: string) =>
            emulator.requests.filter(
                (r) =>
                    r.method === "POST" &&
                    r.contentType?.startsWith("application/vnd.pingidentity.device.activate+json") &&
                    (deviceId === undefined || r.path.endsWith(`/devices/${deviceId}`)),
            ).length,
    };
}

let inventorySerial = 1;

/** Inputs of an OathToken (an inventory entry) in the scenario's environment: HOTP, the RFC secret, a fresh serial. */
export function oathTokenInputs(s: Scenario, extra: Partial<OathTokenInputs> = {}): OathTokenInputs {
    return {
        environmentId: s.environmentId,
        serialNumber: `INV${inventorySerial++}`,
        secret: rfcSecretHex,
        type: "HOTP",
        otpLength: 6,
        hashAlgorithm: "HmacSHA1",
        counter: 0,
        connection: s.connection,
        ...extra,
    };
}

/** Runs fn with environment variables set, restoring them afterwards. */
export async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T> | T): Promise<T> {
    const saved: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(vars)) {
        saved[key] = process.env[key];
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
    }
    try {
        return await fn();
    } finally {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
    }
}

/** Every PINGONE_* variable unset, so tests do not pick up the developer's own credentials. */
export const noPingOneEnv: Record<string, undefined> = Object.fromEntries(
    [
        "PINGONE_CLIENT_ID",
        "PINGONE_CLIENT_SECRET",
        "PINGONE_ENVIRONMENT_ID",
        "PINGONE_API_ACCESS_TOKEN",
        "PINGONE_REGION_CODE",
        "PINGONE_REGION",
        "PINGONE_API_SERVICE_HOSTNAME",
        "PINGONE_AUTH_SERVICE_HOSTNAME",
        "PINGONE_API_URL",
        "PINGONE_AUTH_URL",
    ].map((k) => [k, undefined]),
);

/**
 * Mocha hooks for a suite that talks to an emulator: no PINGONE_* variable of the developer leaks in,
 * and retries back off briefly (the policy is the same, the waits shorter).
 */
export function isolateSuiteEnvironment(): void {
    const saved: Record<string, string | undefined> = {};
    const overrides: Record<string, string | undefined> = { ...noPingOneEnv, PINGONE_RETRY_BASE_DELAY_MS: "20" };
    before(() => {
        for (const [key, value] of Object.entries(overrides)) {
            saved[key] = process.env[key];
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
    });
    after(() => {
        for (const [key, value] of Object.entries(saved)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
    });
}

/** An emulator with one environment holding the test worker app and these users (by username). */
export function startEmulatorWithUsers(environmentId: string, users: string[]): Promise<PingOneEmulator> {
    return PingOneEmulator.start({
        seed: {
            environments: [
                {
                    id: environmentId,
                    clients: [{ clientId, clientSecret }],
                    users: users.map((username) => ({ username })),
                },
            ],
        },
    });
}
