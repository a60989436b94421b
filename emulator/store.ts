// In-memory state of the emulated PingOne tenant: environments with their worker-app clients,
// users, OATH token inventory and user devices. Records here are internal (they hold secrets and
// OTP bookkeeping); render.ts turns them into the JSON the API returns.
import { randomUUID } from "node:crypto";
import { detail, invalidData, notFound, requestFailed, type ApiError } from "./errors";
import type { NewOathToken } from "./oathTokenInput";
import type { DeviceStatus, HashAlgorithm, OathJobResultJson, OathJobType } from "./types";

const DEFAULT_MAX_ALLOWED_DEVICES = 5;
/** "The maximum number of OATH tokens you can have in a PingOne environment is 100,000." (OATH Tokens page) */
export const DEFAULT_OATH_TOKEN_LIMIT = 100_000;

export interface UserRecord {
    id: string;
    username: string;
    createdAt: string;
    updatedAt: string;
}

interface OathTokenBase {
    id: string;
    serialNumber: string;
    secretHex: string;
    otpLength: 6 | 8;
    hashAlgorithm: HashAlgorithm;
    createdAt: string;
    updatedAt: string;
}

export interface HotpTokenRecord extends OathTokenBase {
    type: "HOTP";
    /** The next counter value the server expects. */
    counter: number;
}

export interface TotpTokenRecord extends OathTokenBase {
    type: "TOTP";
    timeStep: 30 | 60;
    /** Detected clock offset of the token, in time steps. */
    drift: number;
    /** Highest step ever accepted; an OTP is never accepted twice. */
    lastAcceptedStep: number | null;
}

export type OathTokenRecord = HotpTokenRecord | TotpTokenRecord;

export interface DeviceRecord {
    id: string;
    userId: string;
    tokenId: string;
    status: DeviceStatus;
    blocked: boolean;
    /** Counter/step matched by the first OTP of an activation resync, awaiting the next OTP. */
    pendingResync: number | null;
    createdAt: string;
    updatedAt: string;
}

/** A submitted `oathJobs` job. Its work is done at submission; it reads IN_PROGRESS until `completesAt`. */
export interface OathJobRecord {
    id: string;
    type: OathJobType;
    createdAt: string;
    /** ISO time (real clock) from which the job reads `outcome` instead of IN_PROGRESS. */
    completesAt: string;
    outcome: "DONE" | "FAILED";
    /** FAILED only. */
    reason?: string;
    result: OathJobResultJson;
}

export function timestamp(): string {
    return new Date().toISOString();
}

/** An environment as written to a state file: every record, secrets and OTP bookkeeping included. */
export interface EnvironmentSnapshot {
    id: string;
    maxAllowedDevices: number;
    createdAt: string;
    clients: { clientId: string; clientSecret: string }[];
    users: UserRecord[];
    tokens: OathTokenRecord[];
    devices: DeviceRecord[];
    /** Absent in state files written before jobs were emulated. */
    oathJobs?: OathJobRecord[];
}

/**
 * One environment. Every look-up a request makes is a map access (by id, by lower-cased username, by serial,
 * a user's devices, a token's devices), so a request costs the same whether the environment holds 1,000 or
 * 100,000 tokens. The records live in private maps with their indexes beside them, changed only by the
 * methods below, so no caller can change one without the others; outside this class they are read-only.
 */
export class EnvironmentState {
    readonly clients = new Map<string, string>(); // clientId -> clientSecret
    readonly #users = new Map<string, UserRecord>();
    readonly #tokens = new Map<string, OathTokenRecord>();
    readonly #devices = new Map<string, DeviceRecord>();
    /** Lower-cased username -> user (usernames are unique case-insensitively, as addUser checks). */
    readonly #userByName = new Map<string, UserRecord>();
    readonly #tokenBySerial = new Map<string, OathTokenRecord>();
    /** userId -> that user's devices, in creation order (the order of the devices map, as lists show them). */
    readonly #devicesByUser = new Map<string, Map<string, DeviceRecord>>();
    /** tokenId -> the devices it is paired to (at most one: createDevice refuses a second). */
    readonly #devicesByToken = new Map<string, Map<string, DeviceRecord>>();
    /**
     * Set when a restored state file (written by hand: addUser and addToken refuse them) held a username or a
     * serial twice. Only then does a delete look for the next record of that key, as a scan in insertion
     * order would have found it.
     */
    #duplicateKeys = false;
    readonly oathJobs = new Map<string, OathJobRecord>();
    createdAt = timestamp();

    constructor(
        readonly id: string,
        public maxAllowedDevices: number = DEFAULT_MAX_ALLOWED_DEVICES,
        /** Emulator setting, not tenant state: not saved in the state file. */
        public oathTokenLimit: number = DEFAULT_OATH_TOKEN_LIMIT,
    ) {}

    get users(): ReadonlyMap<string, UserRecord> {
        return this.#users;
    }

    get tokens(): ReadonlyMap<string, OathTokenRecord> {
        return this.#tokens;
    }

    get devices(): ReadonlyMap<string, DeviceRecord> {
        return this.#devices;
    }

    // ---- users ----

    user(userId: string): UserRecord {
        const user = this.#users.get(userId);
        if (!user) throw notFound(`user ${userId}`);
        return user;
    }

    /** Usernames compare case-insensitively, as SCIM does for non-case-exact attributes. */
    findUserByName(username: string): UserRecord | undefined {
        return this.#userByName.get(username.toLowerCase());
    }

    addUser(username: string, id: string = randomUUID()): UserRecord {
        if (this.#users.has(id)) throw new Error(`user id ${id} already exists in environment ${this.id}`);
        if (this.findUserByName(username))
            throw new Error(`username ${username} already exists in environment ${this.id}`);
        const now = timestamp();
        const user: UserRecord = { id, username, createdAt: now, updatedAt: now };
        this.#putUser(user);
        return user;
    }

    #putUser(user: UserRecord): void {
        this.#users.set(user.id, user);
        const key = user.username.toLowerCase();
        if (this.#userByName.has(key)) this.#duplicateKeys = true;
        else this.#userByName.set(key, user);
    }

    /** Deleting a user deletes their MFA devices (which unpairs their tokens); the tokens stay in the inventory. */
    deleteUser(userId: string): void {
        const user = this.user(userId);
        for (const device of this.devicesOfUser(userId)) this.#removeDevice(device);
        this.#devicesByUser.delete(userId);
        this.#users.delete(userId);
        const key = user.username.toLowerCase();
        if (this.#userByName.get(key) === user) {
            this.#userByName.delete(key);
            const next = this.#duplicateKeys
                ? [...this.#users.values()].find((u) => u.username.toLowerCase() === key)
                : undefined;
            if (next) this.#userByName.set(key, next);
        }
    }

    // ---- OATH token inventory ----

    token(tokenId: string): OathTokenRecord {
        const token = this.#tokens.get(tokenId);
        if (!token) throw notFound(`OATH token ${tokenId}`);
        return token;
    }

    tokenBySerial(serialNumber: string): OathTokenRecord | undefined {
        return this.#tokenBySerial.get(serialNumber);
    }

    addToken(input: NewOathToken, id: string = randomUUID()): OathTokenRecord {
        if (this.tokenBySerial(input.serialNumber)) {
            throw invalidData(
                detail(
                    "UNIQUENESS_VIOLATION",
                    `An OATH token with serialNumber ${input.serialNumber} already exists`,
                    "serialNumber",
                ),
            );
        }
        if (this.#tokens.size >= this.oathTokenLimit) throw this.tokenLimitExceeded();
        if (this.#tokens.has(id)) throw new Error(`OATH token id ${id} already exists in environment ${this.id}`);
        const now = timestamp();
        const base = {
            id,
            serialNumber: input.serialNumber,
            secretHex: input.secretHex,
            otpLength: input.otpLength,
            hashAlgorithm: input.hashAlgorithm,
            createdAt: now,
            updatedAt: now,
        };
        const token: OathTokenRecord =
            input.type === "HOTP"
                ? { ...base, type: "HOTP", counter: input.counter }
                : { ...base, type: "TOTP", timeStep: input.timeStep, drift: 0, lastAcceptedStep: null };
        this.#putToken(token);
        return token;
    }

    #putToken(token: OathTokenRecord): void {
        this.#tokens.set(token.id, token);
        if (this.#tokenBySerial.has(token.serialNumber)) this.#duplicateKeys = true;
        else this.#tokenBySerial.set(token.serialNumber, token);
    }

    /**
     * Over PingOne's cap of OATH tokens per environment. The docs give the cap, not the error; this is the
     * answer PingOne gives for its other per-object cap (devices per user): 400 REQUEST_FAILED / LIMIT_EXCEEDED.
     */
    tokenLimitExceeded(): ApiError {
        return requestFailed(
            "The request could not be completed. The environment holds the maximum number of OATH tokens.",
            detail(
                "LIMIT_EXCEEDED",
                `An environment can hold at most ${this.oathTokenLimit} OATH tokens; revoke some first`,
                undefined,
                { maximumValue: this.oathTokenLimit },
            ),
        );
    }

    /** Revoking a token unpairs it: its devices go too. */
    deleteToken(tokenId: string): void {
        const token = this.token(tokenId);
        for (const device of this.devicesOfToken(tokenId)) this.#removeDevice(device);
        this.#devicesByToken.delete(tokenId);
        this.#tokens.delete(tokenId);
        if (this.#tokenBySerial.get(token.serialNumber) === token) {
            this.#tokenBySerial.delete(token.serialNumber);
            const next = this.#duplicateKeys
                ? [...this.#tokens.values()].find((t) => t.serialNumber === token.serialNumber)
                : undefined;
            if (next) this.#tokenBySerial.set(token.serialNumber, next);
        }
    }

    // ---- devices ----

    device(userId: string, deviceId: string): DeviceRecord {
        this.user(userId);
        const device = this.#devices.get(deviceId);
        if (!device || device.userId !== userId) throw notFound(`device ${deviceId}`);
        return device;
    }

    devicesOfUser(userId: string): DeviceRecord[] {
        return [...(this.#devicesByUser.get(userId)?.values() ?? [])];
    }

    devicesOfToken(tokenId: string): DeviceRecord[] {
        return [...(this.#devicesByToken.get(tokenId)?.values() ?? [])];
    }

    #putDevice(device: DeviceRecord): void {
        this.#devices.set(device.id, device);
        for (const [index, key] of [
            [this.#devicesByUser, device.userId],
            [this.#devicesByToken, device.tokenId],
        ] as const) {
            let devices = index.get(key);
            if (!devices) index.set(key, (devices = new Map()));
            devices.set(device.id, device);
        }
    }

    #removeDevice(device: DeviceRecord): void {
        this.#devices.delete(device.id);
        for (const [index, key] of [
            [this.#devicesByUser, device.userId],
            [this.#devicesByToken, device.tokenId],
        ] as const) {
            const devices = index.get(key);
            devices?.delete(device.id);
            if (devices?.size === 0) index.delete(key);
        }
    }

    /**
     * Pairs an inventory token to a user, with PingOne's checks:
     * - the serial must be in *this* environment's inventory ("The value of serialNumber must be a serial number
     *   of an OATH token that has already been added to the PingOne environment",
     *   https://developer.pingidentity.com/pingone-api/mfa/users/mfa-devices/create_mfa_user_device_oath_token.html).
     *   The page names no error; the emulator answers 400 INVALID_DATA / INVALID_VALUE on serialNumber. A token
     *   of another environment, or one revoked, is simply not in the inventory and gets the same answer.
     * - a token pairs with one device (400 INVALID_DATA / UNIQUENESS_VIOLATION on serialNumber: the emulator's choice).
     * - at most pairing.maxAllowedDevices devices per user
     *   (https://developer.pingidentity.com/pingone-api/mfa/mfa-settings.html; default 5, at most 15). Over it:
     *   400 REQUEST_FAILED / LIMIT_EXCEEDED, as the team's notes on PingOne's answer say. Every device of the user
     *   counts, ACTIVATION_REQUIRED ones included (the page says "paired MFA devices").
     */
    createDevice(
        userId: string,
        serialNumber: string,
        status: DeviceStatus = "ACTIVATION_REQUIRED",
        id: string = randomUUID(),
    ): DeviceRecord {
        this.user(userId);
        const token = this.tokenBySerial(serialNumber);
        if (!token) {
            throw invalidData(
                detail(
                    "INVALID_VALUE",
                    `No OATH token with serialNumber ${serialNumber} exists in the environment`,
                    "serialNumber",
                ),
            );
        }
        if (this.devicesOfToken(token.id).length > 0) {
            throw invalidData(
                detail(
                    "UNIQUENESS_VIOLATION",
                    `OATH token ${serialNumber} is already paired to a device`,
                    "serialNumber",
                ),
            );
        }
        if (this.devicesOfUser(userId).length >= this.maxAllowedDevices) {
            throw requestFailed(
                "The request could not be completed. The user has reached the maximum number of allowed devices.",
                detail("LIMIT_EXCEEDED", `A user can have at most ${this.maxAllowedDevices} devices`, undefined, {
                    maximumValue: this.maxAllowedDevices,
                }),
            );
        }
        if (this.#devices.has(id)) throw new Error(`device id ${id} already exists in environment ${this.id}`);
        const now = timestamp();
        const device: DeviceRecord = {
            id,
            userId,
            tokenId: token.id,
            status,
            blocked: false,
            pendingResync: null,
            createdAt: now,
            updatedAt: now,
        };
        this.#putDevice(device);
        return device;
    }

    deleteDevice(userId: string, deviceId: string): void {
        this.#removeDevice(this.device(userId, deviceId));
    }

    // ---- OATH jobs ----

    oathJob(jobId: string): OathJobRecord {
        const job = this.oathJobs.get(jobId);
        if (!job) throw notFound(`OATH job ${jobId}`);
        return job;
    }

    snapshot(): EnvironmentSnapshot {
        return {
            id: this.id,
            maxAllowedDevices: this.maxAllowedDevices,
            createdAt: this.createdAt,
            clients: [...this.clients].map(([clientId, clientSecret]) => ({ clientId, clientSecret })),
            users: [...this.#users.values()],
            tokens: [...this.#tokens.values()],
            devices: [...this.#devices.values()],
            oathJobs: [...this.oathJobs.values()],
        };
    }

    static restore(snapshot: EnvironmentSnapshot, oathTokenLimit?: number): EnvironmentState {
        const env = new EnvironmentState(snapshot.id, snapshot.maxAllowedDevices, oathTokenLimit);
        env.createdAt = snapshot.createdAt;
        for (const { clientId, clientSecret } of snapshot.clients) env.clients.set(clientId, clientSecret);
        for (const user of snapshot.users) env.#putUser({ ...user });
        for (const token of snapshot.tokens) env.#putToken({ ...token });
        for (const device of snapshot.devices) env.#putDevice({ ...device });
        for (const job of snapshot.oathJobs ?? []) env.oathJobs.set(job.id, structuredClone(job));
        return env;
    }
}

export class Store {
    private readonly environments = new Map<string, EnvironmentState>();

    constructor(private readonly oathTokenLimit: number = DEFAULT_OATH_TOKEN_LIMIT) {}

    environment(envId: string): EnvironmentState {
        const env = this.environments.get(envId);
        if (!env) throw notFound(`environment ${envId}`);
        return env;
    }

    findEnvironment(envId: string): EnvironmentState | undefined {
        return this.environments.get(envId);
    }

    addEnvironment(envId: string, maxAllowedDevices?: number): EnvironmentState {
        if (this.environments.has(envId)) throw new Error(`environment ${envId} already exists`);
        const env = new EnvironmentState(envId, maxAllowedDevices, this.oathTokenLimit);
        this.environments.set(envId, env);
        return env;
    }

    snapshot(): EnvironmentSnapshot[] {
        return [...this.environments.values()].map((env) => env.snapshot());
    }

    /** Replaces every environment with the snapshot's. */
    restore(environments: EnvironmentSnapshot[]): void {
        this.environments.clear();
        for (const snapshot of environments)
            this.environments.set(snapshot.id, EnvironmentState.restore(snapshot, this.oathTokenLimit));
    }

    /** Client credentials are checked against the environment the token is requested from. */
    clientSecretMatches(envId: string, clientId: string, clientSecret: string): boolean {
        const expected = this.environments.get(envId)?.clients.get(clientId);
        return expected !== undefined && expected === clientSecret;
    }
}
