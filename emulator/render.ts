// Turns internal records into the JSON PingOne returns. Secrets and OTP bookkeeping stay inside.
import type { DeviceRecord, EnvironmentState, OathTokenRecord, UserRecord } from "./store";
import type { DeviceJson, OathTokenJson, UserJson } from "./types";

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

/** PingOne's collection envelope: items under _embedded, count = all matches, size = this page. */
export function renderCollection<T>(
    selfHref: string,
    key: string,
    all: T[],
    limit: number | undefined,
): {
    _links: { self: { href: string } };
    _embedded: Record<string, T[]>;
    count: number;
    size: number;
} {
    const page = limit === undefined ? all : all.slice(0, limit);
    return { _links: { self: { href: selfHref } }, _embedded: { [key]: page }, count: all.length, size: page.length };
}
