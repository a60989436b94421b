import { PingOneEmulator, type RequestLogEntry } from "../emulator";

/** The emulated tenant every measurement runs against (a fresh one each time). */
export const EMULATOR_LATENCY_MS = 50;
/** PingOne documents 100 requests/s per source IP. */
export const EMULATOR_RATE_PER_SECOND = 100;
/**
 * PingOne does not document a burst. 100 (one second's worth) lets an idle client send a short
 * spike without a 429, but over any run longer than a second the average stays capped at 100/s;
 * the bench's lower bound (calls / 100 per s) ignores the burst, which only shaves ≤ 1 s off it.
 */
export const EMULATOR_BURST = 100;

export interface BenchTenant {
    emulator: PingOneEmulator;
    environmentId: string;
    clientId: string;
    clientSecret: string;
    userIds: string[];
    connection: { apiUrl: string; authUrl: string; clientId: string; clientSecret: string; environmentId: string };
}

/** A fresh emulator on 127.0.0.1 with an environment, a worker client and N users; PingOne's rate unless raised. */
export async function startTenant(
    users: number,
    rate: { requestsPerSecond: number; burst: number } = {
        requestsPerSecond: EMULATOR_RATE_PER_SECOND,
        burst: EMULATOR_BURST,
    },
): Promise<BenchTenant> {
    const emulator = await PingOneEmulator.start({ port: 0, latencyMs: EMULATOR_LATENCY_MS, rateLimit: rate });
    const env = emulator.addEnvironment({ maxAllowedDevices: 5 });
    const client = emulator.addClient(env.id);
    const userIds: string[] = [];
    for (let i = 0; i < users; i++)
        userIds.push(emulator.addUser(env.id, { username: `bench.user${String(i + 1).padStart(6, "0")}` }).id);
    return {
        emulator,
        environmentId: env.id,
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        userIds,
        connection: {
            apiUrl: emulator.apiUrl,
            authUrl: emulator.authUrl,
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            environmentId: env.id,
        },
    };
}

export interface RequestStats {
    /** Every request the emulator logged, token endpoint and 429s included: what the rate limit counts. */
    total: number;
    /** POST/PUT/PATCH/DELETE below /v1. */
    writes: number;
    /** GET below /v1. */
    reads: number;
    /** POST {authUrl}/{env}/as/token. */
    tokenRequests: number;
    /** Answered 429 (any endpoint). */
    rateLimited: number;
    /** 4xx/5xx other than 429, dropped connections, injected failures. */
    errors: number;
    /** First arrival to last arrival, ms (0 for fewer than two requests). */
    spanMs: number;
    /** Arrival of the first and the last request (ms since the epoch); undefined without requests. */
    firstAt?: number;
    lastAt?: number;
    /** First request to the last `oathJobs` request (the inventory jobs done), ms; undefined without jobs. */
    jobsDoneMs?: number;
    /** Arrival of the first request answered 429, and how many requests arrived before it. */
    first429At?: number;
    before429: number;
    /** Largest number of requests that arrived within any 1-second window. */
    peakPerSecond: number;
    byEndpoint: Record<string, number>;
}

const writeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Classifies a slice of the emulator's request log. */
export function requestStats(entries: RequestLogEntry[]): RequestStats {
    const stats: RequestStats = {
        total: 0,
        writes: 0,
        reads: 0,
        tokenRequests: 0,
        rateLimited: 0,
        errors: 0,
        spanMs: 0,
        peakPerSecond: 0,
        byEndpoint: {},
        before429: 0,
    };
    for (const e of entries) {
        stats.total++;
        if (e.status === 429 || e.outcome === "rate-limited") {
            stats.rateLimited++;
        } else if (e.status >= 400 || e.outcome !== "answered") {
            stats.errors++;
        }
        const key = `${e.method} ${endpointOf(e)}`;
        stats.byEndpoint[key] = (stats.byEndpoint[key] ?? 0) + 1;
        if (/\/as\/token$/.test(e.path)) stats.tokenRequests++;
        else if (writeMethods.has(e.method)) stats.writes++;
        else stats.reads++;
    }
    const times = entries.map((e) => e.at).sort((a, b) => a - b);
    if (times.length > 0) [stats.firstAt, stats.lastAt] = [times[0], times[times.length - 1]];
    if (times.length > 1) stats.spanMs = times[times.length - 1] - times[0];
    stats.first429At = Math.min(...entries.filter((e) => e.status === 429).map((e) => e.at));
    if (!Number.isFinite(stats.first429At)) stats.first429At = undefined;
    else stats.before429 = entries.filter((e) => e.at < stats.first429At!).length;
    const jobs = entries.filter((e) => /\/oathJobs(\/|$)/.test(e.path)).map((e) => e.at);
    if (jobs.length > 0 && stats.firstAt !== undefined) stats.jobsDoneMs = Math.max(...jobs) - stats.firstAt;
    for (let lo = 0, hi = 0; hi < times.length; hi++) {
        while (times[hi] - times[lo] >= 1000) lo++;
        stats.peakPerSecond = Math.max(stats.peakPerSecond, hi - lo + 1);
    }
    return stats;
}

/** The path with ids replaced by placeholders, plus the activate content type. */
function endpointOf(e: RequestLogEntry): string {
    if (/\/as\/token$/.test(e.path)) return "/{env}/as/token";
    let p = e.path
        .replace(/^\/v1/, "")
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "{id}");
    if (e.query) p += "?filter";
    if (e.contentType && /activate/.test(e.contentType)) p += " (activate)";
    return p;
}

/** Devices of the environment by status. */
export function deviceStatusCounts(tenant: BenchTenant): { active: number; total: number } {
    const devices = tenant.emulator.listDevices(tenant.environmentId);
    return { active: devices.filter((d) => d.status === "ACTIVE").length, total: devices.length };
}

/** What PingOne would hold, and what it accepted, after a run with faults: the goals' "no duplicate, no repeat". */
export interface ActivationAudit {
    devices: number;
    /** Devices beyond the first for one serial number, and for one user (each user gets one token here). */
    duplicateBySerial: number;
    duplicateByUser: number;
    /** Activate calls that reached the emulator (any answer), and those it accepted (200, answer lost or not). */
    activateCalls: number;
    accepted: number;
    /** Devices with more than one accepted activation: repeated activations. */
    devicesAcceptedTwice: number;
    maxAcceptedPerDevice: number;
    maxCallsPerDevice: number;
    /** Activate calls sent to a device after PingOne had accepted one for it (refused: it is ACTIVE). */
    callsAfterAccepted: number;
}

const activateContentType = /device\.activate/i;

/** Devices of the tenant and the activate calls of a request log. */
export function auditActivations(tenant: BenchTenant, entries: RequestLogEntry[]): ActivationAudit {
    const devices = tenant.emulator.listDevices(tenant.environmentId);
    const beyondFirst = (keys: string[]) => keys.length - new Set(keys).size;
    const calls = new Map<string, number>();
    const accepted = new Map<string, number>();
    let callsAfterAccepted = 0;
    for (const e of entries) {
        if (e.method !== "POST" || !activateContentType.test(e.contentType ?? "")) continue;
        const deviceId = e.path.split("/").pop()!;
        calls.set(deviceId, (calls.get(deviceId) ?? 0) + 1);
        if ((accepted.get(deviceId) ?? 0) > 0) callsAfterAccepted++;
        if (e.status === 200) accepted.set(deviceId, (accepted.get(deviceId) ?? 0) + 1);
    }
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    return {
        devices: devices.length,
        duplicateBySerial: beyondFirst(devices.map((d) => d.serialNumber)),
        duplicateByUser: beyondFirst(devices.map((d) => d.user.id)),
        activateCalls: sum(calls),
        accepted: sum(accepted),
        devicesAcceptedTwice: [...accepted.values()].filter((n) => n > 1).length,
        maxAcceptedPerDevice: Math.max(0, ...accepted.values()),
        maxCallsPerDevice: Math.max(0, ...calls.values()),
        callsAfterAccepted,
    };
}
