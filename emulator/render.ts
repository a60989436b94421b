// Turns internal records into the JSON PingOne returns. Secrets and OTP bookkeeping stay inside.
import type { DeviceRecord, EnvironmentState, OathJobRecord, OathTokenRecord, UserRecord } from "./store";
import type { DeviceJson, Link, OathJobJson, OathTokenJson, UserJson } from "./types";

export function renderUser(apiUrl: string, env: EnvironmentState, user: UserRecord): UserJson {
    return {
        id: user.id,
        username: user.username,
        environment: { id: env.id },
        createdAt: user.createdAt,
        updatedAt: user.updatedAt,
        _links: { self: { href: `${apiUrl}/environments/${env.id}/users/${user.id}` } },
    };
}

export function renderDevice(apiUrl: string, env: EnvironmentState, device: DeviceRecord): DeviceJson {
    const self = { href: `${apiUrl}/environments/${env.id}/users/${device.userId}/devices/${device.id}` };
    const links: DeviceJson["_links"] = { self };
    // PingOne offers the activate action (on the device URL itself) only while activation is pending.
    if (device.status === "ACTIVATION_REQUIRED") links.activate = { href: self.href };
    return {
        id: device.id,
        environment: { id: env.id },
        user: { id: device.userId },
        type: "OATH_TOKEN",
        status: device.status,
        serialNumber: env.token(device.tokenId).serialNumber,
        lock: { status: "UNLOCKED" },
        block: { status: device.blocked ? "BLOCKED" : "UNBLOCKED" },
        createdAt: device.createdAt,
        updatedAt: device.updatedAt,
        _links: links,
    };
}

export function renderToken(apiUrl: string, env: EnvironmentState, token: OathTokenRecord): OathTokenJson {
    const json: OathTokenJson = {
        id: token.id,
        environment: { id: env.id },
        serialNumber: token.serialNumber,
        type: token.type,
        otpLength: token.otpLength,
        hashAlgorithm: token.hashAlgorithm,
        ...(token.type === "HOTP"
            ? { hotp: { counter: token.counter } }
            : { totp: { timeStep: token.timeStep, drift: token.drift } }),
        devices: env.devicesOfToken(token.id).map((d) => ({ id: d.id, user: { id: d.userId } })),
        createdAt: token.createdAt,
        updatedAt: token.updatedAt,
        _links: { self: { href: `${apiUrl}/environments/${env.id}/oathTokens/${token.id}` } },
    };
    return json;
}

/** Where a page starts, and the request's other query parameters (kept in the paging links). */
export interface PageRequest {
    /** Items skipped (decoded from the `cursor` query parameter; see filters.parseCursor). */
    offset: number;
    /** The request's query; its `limit` and `cursor` are replaced in the links. */
    query: URLSearchParams;
}

/**
 * PingOne's collection envelope: items under _embedded, count = all matches, size = this page.
 * `render` turns the page's records into JSON. With `paging` it pages the way "Paging and ordering collections" describes: `limit` items from the
 * cursor, and a `_links.next` (same query, new `cursor`) while items remain.
 */
export function renderCollection<R, T>(
    selfHref: string,
    key: string,
    all: R[],
    limit: number | undefined,
    render: (record: R) => T,
    paging?: PageRequest,
): {
    _links: { self: Link; next?: Link };
    _embedded: Record<string, T[]>;
    count: number;
    size: number;
} {
    const offset = paging?.offset ?? 0;
    const end = limit === undefined ? all.length : offset + limit;
    // Only the page is rendered: a page of 100 out of 100,000 tokens costs 100 renders, not 100,000.
    const page = all.slice(offset, end).map(render);
    const links: { self: Link; next?: Link } = { self: { href: selfHref } };
    if (paging && limit !== undefined && end < all.length) {
        const next = new URLSearchParams(paging.query);
        next.set("limit", String(limit));
        next.set("cursor", encodeCursor(end));
        links.next = { href: `${selfHref}?${next}` };
    }
    return { _links: links, _embedded: { [key]: page }, count: all.length, size: page.length };
}

/** An opaque, URL-safe cursor (the docs promise no more). The emulator's is the offset of the next item. */
function encodeCursor(offset: number): string {
    return Buffer.from(`offset:${offset}`).toString("base64url");
}

/** A job as the API shows it: IN_PROGRESS without a result until `finished`, then its outcome and result. */
export function renderOathJob(
    apiUrl: string,
    env: EnvironmentState,
    job: OathJobRecord,
    finished: boolean,
): OathJobJson {
    const json: OathJobJson = {
        id: job.id,
        environment: { id: env.id },
        type: job.type,
        status: finished ? job.outcome : "IN_PROGRESS",
        createdAt: job.createdAt,
        _links: { self: { href: `${apiUrl}/environments/${env.id}/oathJobs/${job.id}` } },
    };
    if (finished) {
        if (job.reason !== undefined) json.reason = job.reason;
        json.result = structuredClone(job.result);
    }
    return json;
}
