import { randomBytes, randomUUID } from "node:crypto";
import { generateOtp, PingOneEmulator } from "../emulator";
import type { DeviceRecord, EnvironmentSnapshot, HotpTokenRecord, Store, UserRecord } from "../emulator/store";

/**
 * The emulator's CPU per request while it holds N tokens (issue 18: "its CPU per request stays flat from
 * 1,000 to 100,000 tokens"). A tenant of N users, each with one paired, ACTIVE token, is loaded straight
 * into the store (restoring a snapshot, as a state file would: no per-object checks, so setting up 100,000
 * costs seconds, and the same on every version of the store); then ROUNDS rounds of the look-ups and
 * writes a roll-out makes go over real HTTP, one at a time, no latency, no rate limit. Client and server
 * share this process, so each figure includes the client's (constant) share; what matters is how it
 * changes with N, not its absolute value.
 */

export interface EmulatorCpuRow {
    /** Tokens the environment held when the rounds started (each paired to its own user). */
    held: number;
    requests: number;
    /** Process CPU (user + system) per request, µs, all kinds together. */
    cpuUsPerRequest: number;
    /** Same, per kind of request. */
    byKind: Record<string, number>;
    /** Wall time of the rounds, ms. */
    wallMs: number;
}

export const EMULATOR_CPU_KINDS = [
    "GET users?filter=username",
    "GET oathTokens?filter=serialNumber",
    "POST devices (pair)",
    "POST device (activate)",
    "GET user's devices",
    "GET oathTokens/{id}",
    "POST oathJobs (create 10)",
    "DELETE oathTokens/{id} (paired)",
] as const;
type Kind = (typeof EMULATOR_CPU_KINDS)[number];

const now = () => new Date().toISOString();
const username = (i: number) => `cpu.user${String(i).padStart(7, "0")}`;
const serial = (i: number) => `CPU${String(i).padStart(9, "0")}`;

function tenantSnapshot(envId: string, held: number, spare: number, clientId: string, clientSecret: string) {
    const users: UserRecord[] = [];
    const tokens: HotpTokenRecord[] = [];
    const devices: DeviceRecord[] = [];
    const at = now();
    for (let i = 0; i < held + spare; i++) {
        const user: UserRecord = { id: randomUUID(), username: username(i), createdAt: at, updatedAt: at };
        const token: HotpTokenRecord = {
            id: randomUUID(),
            serialNumber: serial(i),
            secretHex: randomBytes(20).toString("hex"),
            otpLength: 6,
            hashAlgorithm: "HmacSHA1",
            type: "HOTP",
            counter: 0,
            createdAt: at,
            updatedAt: at,
        };
        users.push(user);
        tokens.push(token);
        // The first `held` tokens are paired and ACTIVE; the spare ones wait in the inventory for the rounds.
        if (i < held)
            devices.push({
                id: randomUUID(),
                userId: user.id,
                tokenId: token.id,
                status: "ACTIVE",
                blocked: false,
                pendingResync: null,
                createdAt: at,
                updatedAt: at,
            });
    }
    const snapshot: EnvironmentSnapshot = {
        id: envId,
        maxAllowedDevices: 5,
        createdAt: at,
        clients: [{ clientId, clientSecret }],
        users,
        tokens,
        devices,
        oathJobs: [],
    };
    return { snapshot, users, tokens, devices };
}

/** ROUNDS rounds of 8 requests against an emulator holding `held` tokens. */
export async function measureEmulatorCpu(held: number, rounds = 200): Promise<EmulatorCpuRow> {
    const emulator = await PingOneEmulator.start({ port: 0 });
    try {
        const envId = randomUUID();
        const clientId = randomUUID();
        const clientSecret = randomBytes(24).toString("base64url");
        const { snapshot, users, tokens, devices } = tenantSnapshot(envId, held, rounds, clientId, clientSecret);
        // The store is the emulator's own; reaching it here is the bench's shortcut to a large tenant.
        (emulator as unknown as { store: Store }).store.restore([snapshot]);

        const tokenAnswer = await fetch(`${emulator.authUrl}/${envId}/as/token`, {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({
                grant_type: "client_credentials",
                client_id: clientId,
                client_secret: clientSecret,
            }),
        });
        const { access_token } = (await tokenAnswer.json()) as { access_token: string };
        const base = `${emulator.apiUrl}/environments/${envId}`;
        const cpu: Record<string, number> = {};
        const count: Record<string, number> = {};
        const call = async (kind: Kind, method: string, url: string, contentType?: string, body?: unknown) => {
            const before = process.cpuUsage();
            const answer = await fetch(url, {
                method,
                headers: {
                    authorization: `Bearer ${access_token}`,
                    ...(contentType ? { "content-type": contentType } : {}),
                },
                body: body === undefined ? undefined : JSON.stringify(body),
            });
            const text = await answer.text();
            const used = process.cpuUsage(before);
            if (answer.status >= 300) throw new Error(`${kind}: ${answer.status} ${text.slice(0, 300)}`);
            cpu[kind] = (cpu[kind] ?? 0) + used.user + used.system;
            count[kind] = (count[kind] ?? 0) + 1;
            return text === "" ? undefined : (JSON.parse(text) as { id: string });
        };

        const started = performance.now();
        for (let r = 0; r < rounds; r++) {
            const i = held + r;
            const user = users[i]!;
            const token = tokens[i]!;
            const filter = (expr: string) => `filter=${encodeURIComponent(expr)}`;
            await call("GET users?filter=username", "GET", `${base}/users?${filter(`username eq "${username(i)}"`)}`);
            await call(
                "GET oathTokens?filter=serialNumber",
                "GET",
                `${base}/oathTokens?${filter(`serialNumber eq "${token.serialNumber}"`)}`,
            );
            const device = await call(
                "POST devices (pair)",
                "POST",
                `${base}/users/${user.id}/devices`,
                "application/json",
                {
                    type: "OATH_TOKEN",
                    serialNumber: token.serialNumber,
                },
            );
            await call(
                "POST device (activate)",
                "POST",
                `${base}/users/${user.id}/devices/${device!.id}`,
                "application/vnd.pingidentity.device.activate+json",
                { otp: generateOtp({ secretHex: token.secretHex, otpLength: 6, hashAlgorithm: "HmacSHA1" }, 0) },
            );
            await call("GET user's devices", "GET", `${base}/users/${user.id}/devices`);
            await call("GET oathTokens/{id}", "GET", `${base}/oathTokens/${token.id}`);
            await call(
                "POST oathJobs (create 10)",
                "POST",
                `${base}/oathJobs`,
                "application/vnd.pingidentity.job.oathtokens.create+json",
                {
                    type: "CREATE_OATH_TOKENS",
                    tokens: Array.from({ length: 10 }, (_, k) => ({
                        serialNumber: `JOB${r}-${k}`,
                        type: "HOTP",
                        otpLength: 6,
                        hashAlgorithm: "HmacSHA1",
                        secret: randomBytes(20).toString("hex"),
                        hotp: { counter: 0 },
                    })),
                },
            );
            // Revoke a held token paired to another user: its device goes too. The environment keeps its size
            // (10 created, 1 revoked per round: + 9 × ROUNDS, under 2 % of N=100,000).
            await call("DELETE oathTokens/{id} (paired)", "DELETE", `${base}/oathTokens/${devices[r]!.tokenId}`);
        }
        const wallMs = performance.now() - started;
        const requests = Object.values(count).reduce((a, b) => a + b, 0);
        const total = Object.values(cpu).reduce((a, b) => a + b, 0);
        const byKind: Record<string, number> = {};
        for (const kind of EMULATOR_CPU_KINDS) byKind[kind] = (cpu[kind] ?? 0) / (count[kind] ?? 1);
        return { held, requests, cpuUsPerRequest: total / requests, byKind, wallMs };
    } finally {
        await emulator.stop();
    }
}
