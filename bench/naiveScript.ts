import { HOTP, Secret } from "otpauth";
import { type BenchTenant } from "./benchEmulator";
import { type BenchToken } from "./seedFiles";

export interface NaiveResult {
    wallMs: number;
    failures: number;
    firstError?: string;
}

/**
 * What people write today: one token request, then for each token, strictly one call after another,
 * POST oathTokens, POST devices, GET device, POST activate. Plain global fetch, no pacing, no retries;
 * an error counts as a failure and the loop moves on to the next token.
 */
export async function runNaive(tenant: BenchTenant, tokens: BenchToken[]): Promise<NaiveResult> {
    const { apiUrl, authUrl, clientId, clientSecret, environmentId } = tenant.connection;
    const started = Date.now();
    let failures = 0;
    let firstError: string | undefined;

    const tokenResponse = await fetch(`${authUrl}/${environmentId}/as/token`, {
        method: "POST",
        headers: {
            Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
            "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
    });
    if (!tokenResponse.ok) throw new Error(`naive: token request answered ${tokenResponse.status}`);
    const accessToken = ((await tokenResponse.json()) as { access_token: string }).access_token;

    const call = async (
        method: string,
        path: string,
        body?: unknown,
        contentType = "application/json",
    ): Promise<Record<string, unknown>> => {
        const response = await fetch(`${apiUrl}/environments/${environmentId}${path}`, {
            method,
            headers: {
                Authorization: `Bearer ${accessToken}`,
                Accept: "application/json",
                ...(body === undefined ? {} : { "Content-Type": contentType }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
            signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 200)}`);
        return text ? (JSON.parse(text) as Record<string, unknown>) : {};
    };

    for (const t of tokens) {
        try {
            await call("POST", "/oathTokens", {
                serialNumber: t.serialNumber,
                secret: t.secretHex,
                type: "HOTP",
                otpLength: 6,
                hashAlgorithm: "HmacSHA1",
                hotp: { counter: t.counter },
            });
            const device = await call("POST", `/users/${t.userId}/devices`, {
                type: "OATH_TOKEN",
                serialNumber: t.serialNumber,
            });
            const devicePath = `/users/${t.userId}/devices/${device.id as string}`;
            const current = await call("GET", devicePath);
            if (current.status !== "ACTIVE") {
                const otp = HOTP.generate({ secret: Secret.fromHex(t.secretHex), counter: t.counter, digits: 6 });
                await call(
                    "POST",
                    devicePath,
                    { otp, oathResync: true },
                    "application/vnd.pingidentity.device.activate+json",
                );
            }
        } catch (error) {
            failures++;
            firstError ??= error instanceof Error ? error.message : String(error);
        }
    }
    return { wallMs: Date.now() - started, failures, firstError };
}
