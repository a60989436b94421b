// Shared test harness: an emulator with one environment and client, and a tiny HTTP client that
// talks to it over real loopback HTTP (global fetch), exactly as a provider would.
import assert from "node:assert/strict";
import { generateOtp, PingOneEmulator, type EmulatorOptions, type HashAlgorithm, type SeedToken } from "../../emulator";

/** ASCII "12345678901234567890" as hex: the RFC 4226 / RFC 6238 SHA1 key. */
export const RFC_SECRET_HEX = Buffer.from("12345678901234567890").toString("hex");

export const ENV_ID = "0c6e7a55-6d4b-4c2e-9f4e-2d1b9b7d3a10";
export const CLIENT_ID = "test-client";
export const CLIENT_SECRET = "test-secret";

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface ApiResult {
    status: number;
    headers: Headers;
    /** Parsed JSON (untyped on purpose: tests assert on its shape field by field). Test-only type. */
    body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface CallOptions {
    body?: unknown;
    contentType?: string;
    /** Override the bearer token; null sends no Authorization header. */
    token?: string | null;
}

export class Harness {
    private accessToken: string | undefined;

    constructor(readonly emulator: PingOneEmulator) {}

    static async start(options: EmulatorOptions = {}, maxAllowedDevices = 50): Promise<Harness> {
        const emulator = await PingOneEmulator.start(options);
        emulator.addEnvironment({
            id: ENV_ID,
            clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }],
            maxAllowedDevices,
        });
        return new Harness(emulator);
    }

    stop(): Promise<void> {
        return this.emulator.stop();
    }

    get envUrl(): string {
        return `${this.emulator.apiUrl}/environments/${ENV_ID}`;
    }

    async token(): Promise<string> {
        this.accessToken ??= await this.tokenFor(ENV_ID, CLIENT_ID, CLIENT_SECRET);
        return this.accessToken;
    }

    /** A fresh access token from envId's token endpoint; tokens are good in that environment only. */
    async tokenFor(envId: string, clientId: string, clientSecret: string): Promise<string> {
        const response = await fetch(`${this.emulator.authUrl}/${envId}/as/token`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: clientId,
                client_secret: clientSecret,
            }),
        });
        assert.equal(response.status, 200, `token request for client ${clientId} in environment ${envId}`);
        return ((await response.json()) as { access_token: string }).access_token;
    }

    forgetToken(): void {
        this.accessToken = undefined;
    }

    /** path is relative to the API URL, e.g. `/environments/${ENV_ID}/users`; or absolute. */
    async call(method: string, path: string, options: CallOptions = {}): Promise<ApiResult> {
        const headers: Record<string, string> = {};
        const token = options.token === undefined ? await this.token() : options.token;
        if (token !== null) headers.Authorization = `Bearer ${token}`;
        let body: string | undefined;
        if (options.body !== undefined) {
            headers["Content-Type"] = options.contentType ?? "application/json";
            body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        } else if (options.contentType) {
            headers["Content-Type"] = options.contentType;
        }
        const url = path.startsWith("http") ? path : `${this.emulator.apiUrl}${path}`;
        const response = await fetch(url, { method, headers, body });
        const text = await response.text();
        return { status: response.status, headers: response.headers, body: text === "" ? undefined : JSON.parse(text) };
    }

    /** A fresh user with a unique name. */
    user(name = `user${Math.random().toString(36).slice(2, 10)}`): string {
        return this.emulator.addUser(ENV_ID, { username: name }).id;
    }

    /** A fresh inventory token with a unique serial. */
    inventoryToken(token: Partial<SeedToken> & Pick<SeedToken, "type">): { id: string; serialNumber: string } {
        const serialNumber = token.serialNumber ?? `S${Math.random().toString(36).slice(2, 12).toUpperCase()}`;
        const created = this.emulator.addToken(ENV_ID, { secret: RFC_SECRET_HEX, ...token, serialNumber });
        return { id: created.id, serialNumber };
    }

    async createDevice(userId: string, serialNumber: string): Promise<ApiResult> {
        return this.call("POST", `/environments/${ENV_ID}/users/${userId}/devices`, {
            body: { type: "OATH_TOKEN", serialNumber },
        });
    }

    /** A user, a token and an ACTIVATION_REQUIRED device pairing them. */
    async pairedDevice(
        token: Partial<SeedToken> & Pick<SeedToken, "type">,
    ): Promise<{ userId: string; tokenId: string; serialNumber: string; deviceId: string }> {
        const userId = this.user();
        const { id: tokenId, serialNumber } = this.inventoryToken(token);
        const created = await this.createDevice(userId, serialNumber);
        assert.equal(created.status, 201, JSON.stringify(created.body));
        return { userId, tokenId, serialNumber, deviceId: created.body.id as string };
    }

    activate(userId: string, deviceId: string, body: unknown): Promise<ApiResult> {
        return this.call("POST", `/environments/${ENV_ID}/users/${userId}/devices/${deviceId}`, {
            body,
            contentType: "application/vnd.pingidentity.device.activate+json",
        });
    }
}

/** The HOTP/TOTP code of the RFC secret (or another hex key) at a counter/time step. */
export function otp(
    counter: number,
    digits: 6 | 8 = 6,
    hashAlgorithm: HashAlgorithm = "HmacSHA1",
    secretHex = RFC_SECRET_HEX,
): string {
    return generateOtp({ secretHex, otpLength: digits, hashAlgorithm }, counter);
}

export function assertP1Error(
    result: ApiResult,
    status: number,
    code: string,
    detailCode?: string,
    target?: string,
): void {
    assert.equal(result.status, status, JSON.stringify(result.body));
    assert.match(result.body.id, UUID_PATTERN);
    assert.equal(result.body.code, code);
    assert.equal(typeof result.body.message, "string");
    if (detailCode !== undefined) {
        const found = (result.body.details ?? []).find(
            (d: { code: string; target?: string }) =>
                d.code === detailCode && (target === undefined || d.target === target),
        );
        assert.ok(
            found,
            `expected detail ${detailCode}${target ? ` on ${target}` : ""} in ${JSON.stringify(result.body)}`,
        );
    }
}
