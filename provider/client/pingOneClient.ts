import { setTimeout as sleep } from "node:timers/promises";
import { PingOneOathError } from "../errors";
import { sharedAccessTokenSource } from "./accessTokens";
import { type ClientOptions } from "./clientOptions";
import { type ResolvedConnection } from "./connection";
import { PingOneApiError } from "./errors";
import { PingOneHttpClient } from "./httpClient";
import { sharedPacer } from "./requestPacer";
import {
    type Collection,
    type MfaDevice,
    type OathJob,
    type PingOneOathToken,
    type OathTokenCreate,
    type PingOneUser,
} from "./types";

const activateContentType = "application/vnd.pingidentity.device.activate+json";
const createOathTokensJobContentType = "application/vnd.pingidentity.job.oathtokens.create+json";
const revokeOathTokensJobContentType = "application/vnd.pingidentity.job.oathtokens.revoke+json";

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

    /** One token request (none when a valid token is held): the credentials work. */
    async verifyCredentials(): Promise<void> {
        await this.http.authenticate();
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

    /**
     * Every token of the environment's inventory, page by page: asks for `pageSize` (default 100) per page
     * and follows `_links.next` until there is none ("Paging and ordering collections"; PingOne may send
     * smaller pages than asked, so the page's own size is what counts).
     */
    async listOathTokens(environmentId: string, options: { pageSize?: number } = {}): Promise<PingOneOathToken[]> {
        const first = `${env(environmentId)}/oathTokens`;
        let target: { path: string; query: Record<string, string> } = {
            path: first,
            query: { limit: String(options.pageSize ?? 100) },
        };
        const tokens: PingOneOathToken[] = [];
        const followed = new Set<string>();
        for (;;) {
            const page = await this.http.request<Collection<"oathTokens", PingOneOathToken>>({
                method: "GET",
                ...target,
            });
            tokens.push(...(page._embedded?.oathTokens ?? []));
            const next = page._links?.next?.href;
            if (!next) return tokens;
            if (followed.has(next)) {
                throw new PingOneOathError(
                    `PingOne's pages of GET ${first} lead back to a page already read (${next}); stopped instead of looping.`,
                );
            }
            followed.add(next);
            target = this.http.linkTarget(next);
        }
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

    // --- Batch OATH token jobs (PingOne pages "Create multiple OATH tokens", "Revoke multiple OATH tokens",
    // "Check status of OATH token creation job")

    /**
     * Submits a job creating `tokens` (each as for createOathToken) and resolves with the job as PingOne
     * answered (usually IN_PROGRESS; see waitForOathJob). NOT idempotent: an answer lost on the way back
     * (AmbiguousOutcomeError) may still have created the job and its tokens, so look at the inventory
     * (listOathTokens / findOathTokenBySerial) before submitting again; tokens sent twice come back as
     * `result.duplicates` rather than being created twice.
     */
    async createOathTokensJob(environmentId: string, tokens: OathTokenCreate[]): Promise<OathJob> {
        return this.http.request<OathJob>({
            method: "POST",
            path: `${env(environmentId)}/oathJobs`,
            contentType: createOathTokensJobContentType,
            body: { type: "CREATE_OATH_TOKENS", tokens },
        });
    }

    /**
     * Submits a job revoking the tokens with these ids (as deleteOathToken each), asynchronously. With
     * `forceUnpair` true (the default here, matching deleteOathToken) paired tokens are unpaired and
     * revoked; with false PingOne is asked to leave paired tokens alone. Not idempotent either: after a
     * lost answer, ids the first job revoked come back as not found in a second job's result.
     */
    async revokeOathTokensJob(
        environmentId: string,
        tokenIds: string[],
        options: { forceUnpair?: boolean } = {},
    ): Promise<OathJob> {
        return this.http.request<OathJob>({
            method: "POST",
            path: `${env(environmentId)}/oathJobs`,
            contentType: revokeOathTokensJobContentType,
            // `async` is marked Required in PingOne's request model, so it is always sent.
            body: { type: "REVOKE_OATH_TOKENS", async: true, forceUnpair: options.forceUnpair ?? true, tokenIds },
        });
    }

    /** The job as PingOne shows it now; undefined when PingOne knows no such job (404). */
    async getOathJob(environmentId: string, jobId: string): Promise<OathJob | undefined> {
        return orUndefinedOn404(
            this.http.request<OathJob>({ method: "GET", path: `${env(environmentId)}/oathJobs/${seg(jobId)}` }),
        );
    }

    /**
     * Reads the job until it is DONE or FAILED and resolves with that final job (a FAILED job is returned,
     * not thrown: its `reason` says why). Polls at once, then after 100 ms, doubling to at most 2 s
     * between reads; gives up after `timeoutMs` (default 120 s) with an error naming the job.
     */
    async waitForOathJob(
        environmentId: string,
        jobId: string,
        options: { timeoutMs?: number; initialDelayMs?: number; maxDelayMs?: number } = {},
    ): Promise<OathJob> {
        const timeoutMs = options.timeoutMs ?? 120_000;
        const maxDelayMs = options.maxDelayMs ?? 2_000;
        let delayMs = Math.min(options.initialDelayMs ?? 100, maxDelayMs);
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            const job = await this.getOathJob(environmentId, jobId);
            if (!job) {
                throw new PingOneOathError(
                    `OATH job ${jobId} does not exist in environment ${environmentId} (PingOne answered 404): ` +
                        `check that the job id and environment are the ones the job was submitted with.`,
                );
            }
            if (job.status === "DONE" || job.status === "FAILED") return job;
            const left = deadline - Date.now();
            if (left <= 0) {
                throw new PingOneOathError(
                    `OATH job ${jobId} in environment ${environmentId} was still ${job.status} after ${timeoutMs / 1000} s. ` +
                        `It may yet finish: wait longer (waitForOathJob with a larger timeoutMs, or getOathJob later) ` +
                        `before submitting its tokens again; a create job sent twice reports the first one's tokens as duplicates.`,
                );
            }
            await sleep(Math.min(delayMs, left));
            delayMs = Math.min(delayMs * 2, maxDelayMs);
        }
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
