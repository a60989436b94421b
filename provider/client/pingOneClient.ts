import { sharedAccessTokenSource } from "./accessTokens";
import { type ClientOptions } from "./clientOptions";
import { type ResolvedConnection } from "./connection";
import { PingOneApiError } from "./errors";
import { PingOneHttpClient } from "./httpClient";
import { sharedPacer } from "./requestPacer";
import {
    type Collection,
    type MfaDevice,
    type PingOneOathToken,
    type OathTokenCreate,
    type PingOneUser,
} from "./types";

const activateContentType = "application/vnd.pingidentity.device.activate+json";

/** PingOne's user, device and OATH token endpoints, typed. Knows HTTP, not Pulumi. */
export class PingOneClient {
    constructor(readonly http: PingOneHttpClient) {}

    /** A client sharing this process's token and pacing with every other client of the same connection. */
    static forConnection(
        connection: ResolvedConnection,
        options: ClientOptions,
        log?: (message: string) => void,
    ): PingOneClient {
        const pacer = sharedPacer(connection.apiUrl, {
            requestsPerSecond: options.requestsPerSecond,
            burst: options.burst,
        });
        const tokens = sharedAccessTokenSource(connection.authUrl, connection.credentials, options, pacer);
        return new PingOneClient(new PingOneHttpClient(connection.apiUrl, tokens, pacer, options, log));
    }

    // --- users

    async findUserByUsername(environmentId: string, username: string): Promise<PingOneUser | undefined> {
        const page = await this.http.request<Collection<"users", PingOneUser>>({
            method: "GET",
            path: `${env(environmentId)}/users`,
            query: { filter: `username eq "${username.replace(/["\\]/g, "\\$&")}"` },
        });
        // PingOne matches usernames case-insensitively (SCIM filter); so does the check of its answer.
        const wanted = username.toLowerCase();
        return page._embedded?.users?.find((u) => u.username.toLowerCase() === wanted);
    }

    // --- MFA devices

    async getDevice(environmentId: string, userId: string, deviceId: string): Promise<MfaDevice | undefined> {
        return orUndefinedOn404(
            this.http.request<MfaDevice>({ method: "GET", path: devicePath(environmentId, userId, deviceId) }),
        );
    }

    async listDevices(environmentId: string, userId: string): Promise<MfaDevice[]> {
        const page = await this.http.request<Collection<"devices", MfaDevice>>({
            method: "GET",
            path: `${env(environmentId)}/users/${seg(userId)}/devices`,
        });
        return page._embedded?.devices ?? [];
    }

    /** Not idempotent: a lost answer may still have created the device. */
    async createOathTokenDevice(environmentId: string, userId: string, serialNumber: string): Promise<MfaDevice> {
        return this.http.request<MfaDevice>({
            method: "POST",
            path: `${env(environmentId)}/users/${seg(userId)}/devices`,
            body: { type: "OATH_TOKEN", serialNumber },
        });
    }

    /** The activate call: not idempotent (an OTP is spent on success). */
    async activateDevice(
        environmentId: string,
        userId: string,
        deviceId: string,
        otp: string,
        oathResync: boolean,
    ): Promise<MfaDevice> {
        return this.http.request<MfaDevice>({
            method: "POST",
            path: devicePath(environmentId, userId, deviceId),
            contentType: activateContentType,
            body: { otp, oathResync },
        });
    }

    /** Resolves false when the device was already gone. */
    async deleteDevice(environmentId: string, userId: string, deviceId: string): Promise<boolean> {
        return (
            (await orUndefinedOn404(
                this.http
                    .request<void>({ method: "DELETE", path: devicePath(environmentId, userId, deviceId) })
                    .then(() => true),
            )) ?? false
        );
    }

    // --- OATH token inventory

    /** Not idempotent: PingOne refuses a second token with the same serial. */
    async createOathToken(environmentId: string, token: OathTokenCreate): Promise<PingOneOathToken> {
        return this.http.request<PingOneOathToken>({
            method: "POST",
            path: `${env(environmentId)}/oathTokens`,
            body: token,
        });
    }

    async getOathToken(environmentId: string, tokenId: string): Promise<PingOneOathToken | undefined> {
        return orUndefinedOn404(
            this.http.request<PingOneOathToken>({
                method: "GET",
                path: `${env(environmentId)}/oathTokens/${seg(tokenId)}`,
            }),
        );
    }

    async findOathTokenBySerial(environmentId: string, serialNumber: string): Promise<PingOneOathToken | undefined> {
        const page = await this.http.request<Collection<"oathTokens", PingOneOathToken>>({
            method: "GET",
            path: `${env(environmentId)}/oathTokens`,
            query: { filter: `serialNumber eq "${serialNumber}"` },
        });
        return page._embedded?.oathTokens?.find((t) => t.serialNumber === serialNumber);
    }

    /** Revokes the token (PingOne unpairs it). Resolves false when it was already gone. */
    async deleteOathToken(environmentId: string, tokenId: string): Promise<boolean> {
        return (
            (await orUndefinedOn404(
                this.http
                    .request<void>({ method: "DELETE", path: `${env(environmentId)}/oathTokens/${seg(tokenId)}` })
                    .then(() => true),
            )) ?? false
        );
    }
}

function seg(value: string): string {
    return encodeURIComponent(value);
}

function env(environmentId: string): string {
    return `/environments/${seg(environmentId)}`;
}

function devicePath(environmentId: string, userId: string, deviceId: string): string {
    return `${env(environmentId)}/users/${seg(userId)}/devices/${seg(deviceId)}`;
}

async function orUndefinedOn404<T>(promise: Promise<T>): Promise<T | undefined> {
    try {
        return await promise;
    } catch (error) {
        if (error instanceof PingOneApiError && error.status === 404) return undefined;
        throw error;
    }
}
