// PingOneEmulator: a real HTTP server on 127.0.0.1 speaking the slice of the PingOne API that
// hardware OATH token activation needs. The request pipeline is: read body -> 429 storm / rate limit ->
// injected fault (one-shot, else random) -> bearer check -> route -> (latency) -> answer, or cut the connection.
import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { AccessTokenRegistry, type AccessTokenGrant } from "./accessTokens";
import {
    ApiError,
    codeForStatus,
    detail,
    insufficientPermissions,
    invalidToken,
    notFound,
    OAuthError,
    requestLimited,
} from "./errors";
import { ExchangeLog, loggedRequestBody, loggedRequestHeaders, maskSecrets, type ExchangeRecord } from "./exchangeLog";
import { FaultInjector, RandomFaults, TokenBucket } from "./faults";
import { parseOathTokenInput } from "./oathTokenInput";
import { OtpChecker, type OtpWindows } from "./otpCheck";
import { readStateFile, writeStateFile } from "./persistence";
import { renderDevice, renderToken, renderUser } from "./render";
import { canonicalTarget, mediaTypeOf, Router, type ApiResponse, type RequestContext } from "./router";
import { registerAuthRoutes } from "./routes/auth";
import { registerDeviceRoutes } from "./routes/devices";
import { registerOathJobRoutes } from "./routes/oathJobs";
import { registerOathTokenRoutes } from "./routes/oathTokens";
import type { EmulatorServices } from "./routes/services";
import { registerUserRoutes } from "./routes/users";
import { DEFAULT_OATH_TOKEN_LIMIT, Store, type EnvironmentState } from "./store";
import type {
    DeviceJson,
    EmulatorOptions,
    EmulatorSeed,
    EnvironmentInfo,
    FaultMatch,
    InjectedFailure,
    OathTokenJson,
    RandomFaultCounts,
    RandomFaultSettings,
    RateLimit,
    RequestLogEntry,
    RequestOutcome,
    SeedClient,
    SeedDevice,
    SeedEnvironment,
    SeedToken,
    SeedUser,
    UserJson,
} from "./types";

const HOST = "127.0.0.1";
const MAX_BODY_BYTES = 1024 * 1024;

function nonNegativeInteger(name: string, value: number | undefined, fallback: number, minimum = 0): number {
    const result = value ?? fallback;
    if (!Number.isSafeInteger(result) || result < minimum)
        throw new RangeError(`${name} must be an integer >= ${minimum}`);
    return result;
}

/** Seeding goes through the API's own validation; its errors are rephrased for a developer. */
function seedError(error: unknown, what: string): Error {
    if (error instanceof ApiError) {
        const reasons = (error.details ?? []).map((d) => (d.target ? `${d.target}: ${d.message}` : d.message));
        return new Error(`Cannot seed ${what}: ${[error.message, ...reasons].join("; ")}`);
    }
    return error instanceof Error ? error : new Error(String(error));
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                req.removeAllListeners("data");
                reject(new BodyTooLarge());
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

export class PingOneEmulator {
    /** Every request received, in the order they finished. */
    readonly requests: RequestLogEntry[] = [];

    private readonly store: Store;
    private readonly router = new Router();
    private readonly faults = new FaultInjector();
    private readonly accessTokens: AccessTokenRegistry;
    private readonly otp: OtpChecker;
    private readonly server: Server;
    private readonly sockets = new Set<Socket>();
    private readonly stopping = new AbortController();
    private bucket: TokenBucket | null = null;
    private randomFaults: RandomFaults | null = null;
    private latencyMs = 0;
    private port = 0;
    private readonly stateFile: string | undefined;
    private readonly exchangeLog: ExchangeLog | undefined;

    private constructor(options: EmulatorOptions) {
        const windows: OtpWindows = {
            hotpLookAhead: nonNegativeInteger("hotpLookAhead", options.hotpLookAhead, 10, 1),
            hotpResyncWindow: nonNegativeInteger("hotpResyncWindow", options.hotpResyncWindow, 1000, 1),
            totpSkewSteps: nonNegativeInteger("totpSkewSteps", options.totpSkewSteps, 1),
            totpResyncSteps: nonNegativeInteger("totpResyncSteps", options.totpResyncSteps, 40),
        };
        this.otp = new OtpChecker(windows, options.now ?? Date.now);
        this.accessTokens = new AccessTokenRegistry(options.accessTokenTtlSeconds ?? 3600);
        this.setLatency(options.latencyMs ?? 0);
        this.setRateLimit(options.rateLimit ?? null);
        this.store = new Store(nonNegativeInteger("oathTokenLimit", options.oathTokenLimit, DEFAULT_OATH_TOKEN_LIMIT));

        const services: EmulatorServices = {
            store: this.store,
            otp: this.otp,
            accessTokens: this.accessTokens,
            oathJobDurationMs: nonNegativeInteger("oathJobDurationMs", options.oathJobDurationMs, 0),
            apiUrl: () => this.apiUrl,
            authUrl: () => this.authUrl,
        };
        registerAuthRoutes(this.router, services);
        registerUserRoutes(this.router, services);
        registerDeviceRoutes(this.router, services);
        registerOathTokenRoutes(this.router, services);
        registerOathJobRoutes(this.router, services);

        this.server = createServer((req, res) => void this.onRequest(req, res));
        this.server.on("connection", (socket: Socket) => {
            this.sockets.add(socket);
            socket.on("close", () => this.sockets.delete(socket));
        });
        this.server.on("clientError", (_error, socket) => socket.destroy());

        this.stateFile = options.stateFile;
        const exchangeLogFile = options.exchangeLog ?? process.env.PINGONE_EMULATOR_EXCHANGE_LOG;
        this.exchangeLog = exchangeLogFile ? new ExchangeLog(exchangeLogFile) : undefined;
        const saved = this.stateFile === undefined ? undefined : readStateFile(this.stateFile);
        if (saved) {
            this.store.restore(saved);
        } else {
            if (options.seed) this.seed(options.seed);
            this.persist();
        }
    }

    /**
     * Makes sure `stateFile` holds a tenant: an existing file is read (and so checked: a corrupt one throws
     * `EmulatorStateFileError`) and left as it is; a missing one is written with `seed`. No server starts.
     */
    static ensureStateFile(stateFile: string, seed: EmulatorSeed): void {
        new PingOneEmulator({ stateFile, seed });
    }

    /** Starts a server on 127.0.0.1 (port 0 = any free port). */
    static async start(options: EmulatorOptions = {}): Promise<PingOneEmulator> {
        const emulator = new PingOneEmulator(options);
        await emulator.listen(options.port ?? 0);
        if (options.unref) emulator.server.unref();
        return emulator;
    }

    /** e.g. http://127.0.0.1:PORT/v1 */
    get apiUrl(): string {
        return `http://${HOST}:${this.port}/v1`;
    }

    /** e.g. http://127.0.0.1:PORT; the token endpoint is {authUrl}/{envId}/as/token. */
    get authUrl(): string {
        return `http://${HOST}:${this.port}`;
    }

    /** Closes the server and every open connection; requests waiting out latency are cut. */
    async stop(): Promise<void> {
        if (this.stopping.signal.aborted) return;
        this.stopping.abort();
        await new Promise<void>((resolve) => {
            this.server.close(() => resolve());
            this.server.closeAllConnections();
            for (const socket of this.sockets) socket.destroy();
        });
        this.exchangeLog?.close();
    }

    // ---- seeding ------------------------------------------------------------------------------

    // With a state file, every call below saves the tenant before it returns.

    /** Adds everything in the seed; environments that already exist are added to. */
    seed(seed: EmulatorSeed): void {
        if (!seed || !Array.isArray(seed.environments)) throw new Error("A seed must have an environments array");
        for (const env of seed.environments) {
            if (!env || typeof env.id !== "string" || env.id === "")
                throw new Error("Every seeded environment needs an id");
            const existing = this.store.findEnvironment(env.id);
            if (existing) {
                if (env.maxAllowedDevices !== undefined) existing.maxAllowedDevices = env.maxAllowedDevices;
                this.seedContents(existing, env);
            } else {
                this.addEnvironment(env);
            }
        }
        this.persist();
    }

    /** Creates an environment (random UUID unless given) and whatever it lists. */
    addEnvironment(env: Partial<SeedEnvironment> = {}): EnvironmentInfo {
        const state = this.store.addEnvironment(
            env.id ?? randomUUID(),
            nonNegativeInteger("maxAllowedDevices", env.maxAllowedDevices, 5),
        );
        this.seedContents(state, env);
        this.persist();
        return { id: state.id, maxAllowedDevices: state.maxAllowedDevices };
    }

    /** Registers a worker-app client (random id/secret unless given). Its tokens work in this environment only. */
    addClient(envId: string, client: Partial<SeedClient> = {}): SeedClient {
        const env = this.environment(envId);
        const created: SeedClient = {
            clientId: client.clientId ?? randomUUID(),
            clientSecret: client.clientSecret ?? randomBytes(24).toString("base64url"),
        };
        env.clients.set(created.clientId, created.clientSecret);
        this.persist();
        return created;
    }

    addUser(envId: string, user: SeedUser): UserJson {
        const env = this.environment(envId);
        if (typeof user?.username !== "string" || user.username === "")
            throw new Error("A seeded user needs a username");
        const created = renderUser(this.apiUrl, env, env.addUser(user.username, user.id));
        this.persist();
        return created;
    }

    /** Adds an OATH token to the inventory, validated like POST /oathTokens. */
    addToken(envId: string, token: SeedToken): OathTokenJson {
        const env = this.environment(envId);
        try {
            const input = parseOathTokenInput({
                serialNumber: token.serialNumber,
                secret: token.secret,
                type: token.type,
                // Seeds may leave otpLength out (6); the API itself requires it.
                otpLength: token.otpLength ?? 6,
                hashAlgorithm: token.hashAlgorithm,
                hotp: { counter: token.counter },
                totp: { timeStep: token.timeStep },
            });
            const created = renderToken(this.apiUrl, env, env.addToken(input, token.id));
            this.persist();
            return created;
        } catch (error) {
            throw seedError(error, `token ${token?.serialNumber}`);
        }
    }

    /** Pairs an inventory token to a user, with the API's checks; status defaults to ACTIVATION_REQUIRED. */
    addDevice(envId: string, device: SeedDevice): DeviceJson {
        const env = this.environment(envId);
        const user = env.users.get(device.userId) ?? env.findUserByName(device.userId);
        if (!user)
            throw new Error(
                `Cannot seed device ${device.serialNumber}: no user ${device.userId} in environment ${envId}`,
            );
        try {
            const created = renderDevice(
                this.apiUrl,
                env,
                env.createDevice(user.id, device.serialNumber, device.status, device.id),
            );
            this.persist();
            return created;
        } catch (error) {
            throw seedError(error, `device ${device.serialNumber}`);
        }
    }

    /** Reads a JSON EmulatorSeed file and seeds it. */
    loadSeedFile(path: string): void {
        const parsed: unknown = JSON.parse(readFileSync(path, "utf8"));
        this.seed(parsed as EmulatorSeed);
    }

    // ---- inspection (JSON as the API would return it) -----------------------------------------

    getDevice(envId: string, deviceId: string): DeviceJson | undefined {
        const env = this.environment(envId);
        const device = env.devices.get(deviceId);
        return device && renderDevice(this.apiUrl, env, device);
    }

    listDevices(envId: string, userId?: string): DeviceJson[] {
        const env = this.environment(envId);
        return (userId === undefined ? [...env.devices.values()] : env.devicesOfUser(userId)).map((d) =>
            renderDevice(this.apiUrl, env, d),
        );
    }

    getToken(envId: string, idOrSerial: string): OathTokenJson | undefined {
        const env = this.environment(envId);
        const token = env.tokens.get(idOrSerial) ?? env.tokenBySerial(idOrSerial);
        return token && renderToken(this.apiUrl, env, token);
    }

    /** The worker-app clients of an environment; none when there is no such environment. */
    listClients(envId: string): SeedClient[] {
        const env = this.store.findEnvironment(envId);
        return env ? [...env.clients].map(([clientId, clientSecret]) => ({ clientId, clientSecret })) : [];
    }

    getUser(envId: string, idOrUsername: string): UserJson | undefined {
        const env = this.environment(envId);
        const user = env.users.get(idOrUsername) ?? env.findUserByName(idOrUsername);
        return user && renderUser(this.apiUrl, env, user);
    }

    clearRequests(): void {
        this.requests.length = 0;
    }

    // ---- test controls ------------------------------------------------------------------------

    setLatency(ms: number): void {
        this.latencyMs = nonNegativeInteger("latencyMs", ms, 0);
    }

    /** Replaces the limiter with a full bucket; null removes it. */
    setRateLimit(limit: RateLimit | null): void {
        this.bucket = limit ? new TokenBucket(limit) : null;
    }

    /** The next `count` (default 1) matching requests fail as described; see FaultMatch / InjectedFailure. */
    failNext(match: FaultMatch, failure: InjectedFailure): void {
        this.faults.add(match, failure);
    }

    /** Disarms every fault armed by failNext that has not fired yet. */
    clearFaults(): void {
        this.faults.clear();
    }

    /**
     * Seeded random faults on writes and 429 storms (see RandomFaultSettings), from now on; the storm
     * schedule starts now. Replaces earlier settings and their counts; null turns them off.
     */
    setRandomFaults(settings: RandomFaultSettings | null): void {
        this.randomFaults = settings ? new RandomFaults(settings) : null;
    }

    /** What the random faults did since `setRandomFaults`; undefined when they are off. */
    randomFaultCounts(): RandomFaultCounts | undefined {
        return this.randomFaults?.counts;
    }

    /** The access tokens issued and still valid (tests search state and logs for them). */
    issuedAccessTokens(): string[] {
        return this.accessTokens.valid();
    }

    /** Every access token issued so far becomes invalid (API calls answer 401). */
    expireAccessTokens(): void {
        this.accessTokens.expireAll();
    }

    // ---- internals ----------------------------------------------------------------------------

    /** Writes the tenant to the state file, when there is one. */
    private persist(): void {
        if (this.stateFile !== undefined) writeStateFile(this.stateFile, this.store.snapshot());
    }

    private environment(envId: string): EnvironmentState {
        const env = this.store.findEnvironment(envId);
        if (!env) throw new Error(`No environment ${envId} in the emulator`);
        return env;
    }

    private seedContents(env: EnvironmentState, seed: Partial<SeedEnvironment>): void {
        for (const client of seed.clients ?? []) this.addClient(env.id, client);
        for (const user of seed.users ?? []) this.addUser(env.id, user);
        for (const token of seed.tokens ?? []) this.addToken(env.id, token);
        for (const device of seed.devices ?? []) this.addDevice(env.id, device);
    }

    private listen(port: number): Promise<void> {
        return new Promise((resolve, reject) => {
            this.server.once("error", reject);
            this.server.listen(port, HOST, () => {
                this.server.off("error", reject);
                this.port = (this.server.address() as AddressInfo).port;
                resolve();
            });
        });
    }

    /** The canonical path and raw query; a refused target keeps its raw path (for the log) and the 400 to answer. */
    private requestTarget(rawTarget: string): { path: string; query: string; refused?: ApiError } {
        try {
            return canonicalTarget(rawTarget);
        } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            const queryAt = rawTarget.indexOf("?");
            if (queryAt < 0) return { path: rawTarget, query: "", refused: error };
            return { path: rawTarget.slice(0, queryAt), query: rawTarget.slice(queryAt + 1), refused: error };
        }
    }

    private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const at = Date.now();
        // The one path check: auth, routing, fault matching and the log all see target.path and nothing else.
        const target = this.requestTarget(req.url ?? "");
        const method = req.method ?? "GET";
        const contentType = req.headers["content-type"];
        let body: Buffer = Buffer.alloc(0);
        /** Logs the exchange; `response` is what was sent, or for a drop what the handler produced (unsent). */
        const log = (outcome: RequestOutcome, response?: ApiResponse) => {
            const status = response?.status ?? 0;
            this.requests.push({ method, path: target.path, query: target.query, contentType, status, at, outcome });
            this.logExchange({
                at,
                method,
                path: target.path,
                query: target.query,
                outcome,
                req,
                body,
                response,
            });
        };

        try {
            body = await readBody(req);
        } catch (error) {
            if (error instanceof BodyTooLarge) {
                res.setHeader("Connection", "close");
                await this.answer(
                    res,
                    this.errorResponse(
                        new ApiError(413, "INVALID_REQUEST", undefined, "The request body is too large."),
                    ),
                    log,
                    "answered",
                );
            } else {
                req.socket.destroy();
            }
            return;
        }

        // A storm answers everything, and spares the bucket.
        const retryAfter = this.randomFaults?.storm() ?? this.bucket?.take() ?? null;
        if (retryAfter !== null) {
            await this.answer(res, this.errorResponse(requestLimited(retryAfter)), log, "rate-limited");
            return;
        }
        if (target.refused) {
            // Never routed, never authenticated, and it consumes no armed fault.
            await this.answer(res, this.errorResponse(target.refused), log, "answered");
            return;
        }

        const facts = { method, path: target.path, contentType };
        const fault = this.faults.take(facts) ?? this.randomFaults?.take(facts);
        if (fault && "status" in fault) {
            await this.answer(
                res,
                this.injectedResponse(fault.status, fault.body, fault.retryAfterSeconds),
                log,
                "failed-injected",
            );
            return;
        }
        if (fault?.drop === "before-handling") {
            await this.pause();
            log("dropped");
            req.socket.destroy();
            return;
        }

        const response = this.dispatch({
            method,
            path: target.path,
            query: new URLSearchParams(target.query),
            headers: req.headers,
            contentType,
            mediaType: mediaTypeOf(contentType),
            body,
            params: {},
        });
        // Saved before answering, so a tenant state the client has heard of is always on disk.
        if (method !== "GET") this.persist();

        if (fault?.drop === "after-handling") {
            // The effect has happened; the client never learns of it (a lost response).
            await this.pause();
            log("dropped", response);
            req.socket.destroy();
            return;
        }
        await this.answer(res, response, log, "answered");
    }

    /** ctx.path is canonical (canonicalTarget), so "v1" below is the only spelling there is. */
    private dispatch(ctx: RequestContext): ApiResponse {
        try {
            const [first, second, envId] = ctx.path.split("/").slice(1);
            // Authenticated before routing, so unknown /v1 routes answer 401 too and reveal nothing.
            let grant = first === "v1" ? this.requireBearer(ctx) : undefined;
            if (grant && second === "environments" && envId !== undefined) this.requireEnvironment(grant, envId);
            const route = this.router.resolve(ctx.method, ctx.path);
            if (!route) throw notFound(`a resource at ${ctx.method} ${ctx.path}`);
            if (!route.anonymous) {
                // Fail closed: whatever its path looks like, only the token endpoint runs without a bearer
                // token, and a handler of an environment runs only for that environment's tokens.
                grant ??= this.requireBearer(ctx);
                if (route.params.envId !== undefined) this.requireEnvironment(grant, route.params.envId);
            }
            return route.handler({ ...ctx, params: route.params });
        } catch (error) {
            return this.errorResponse(error);
        }
    }

    private requireBearer(ctx: RequestContext): AccessTokenGrant {
        const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.headers.authorization ?? "");
        const grant = match ? this.accessTokens.verify(match[1]) : undefined;
        if (!grant) throw invalidToken();
        return grant;
    }

    /**
     * 403 for another environment's token. An environment that does not exist is left to the
     * route's 404: it holds nothing to protect, and clients tell a wrong id from a wrong token.
     */
    private requireEnvironment(grant: AccessTokenGrant, envId: string): void {
        if (envId !== grant.environmentId && this.store.findEnvironment(envId))
            throw insufficientPermissions(grant.environmentId, envId);
    }

    private errorResponse(error: unknown): ApiResponse {
        if (error instanceof ApiError)
            return { status: error.status, body: error.toEnvelope(), headers: error.headers };
        if (error instanceof OAuthError)
            return {
                status: error.status,
                body: error.toBody(),
                headers: { ...error.headers, "Cache-Control": "no-store" },
            };
        console.error("PingOne emulator: unexpected error while handling a request:", error);
        return this.errorResponse(new ApiError(500, "UNEXPECTED_ERROR"));
    }

    private injectedResponse(status: number, body: unknown, retryAfterSeconds: number | undefined): ApiResponse {
        const headers: Record<string, string> =
            retryAfterSeconds !== undefined ? { "Retry-After": String(retryAfterSeconds) } : {};
        if (body !== undefined) return { status, body, headers };
        const details =
            status === 429 && retryAfterSeconds !== undefined
                ? [
                      detail("LIMIT_EXCEEDED", "Too many requests. Retry later.", undefined, {
                          retryAfter: retryAfterSeconds,
                      }),
                  ]
                : undefined;
        const error = new ApiError(status, codeForStatus(status), details, undefined, headers);
        return { status, body: error.toEnvelope(), headers };
    }

    /** Waits out the configured latency; false when the emulator stopped meanwhile. */
    private async pause(): Promise<boolean> {
        if (this.latencyMs > 0) {
            try {
                await sleep(this.latencyMs, undefined, { signal: this.stopping.signal });
            } catch {
                return false;
            }
        }
        return !this.stopping.signal.aborted;
    }

    private logExchange(exchange: {
        at: number;
        method: string;
        path: string;
        query: string;
        outcome: RequestOutcome;
        req: IncomingMessage;
        body: Buffer;
        response: ApiResponse | undefined;
    }): void {
        if (!this.exchangeLog) return;
        const { response, req } = exchange;
        const record: ExchangeRecord = {
            at: exchange.at,
            method: exchange.method,
            path: exchange.path,
            query: exchange.query,
            request: {
                ...loggedRequestHeaders(req.headers),
                body: loggedRequestBody(exchange.body, mediaTypeOf(req.headers["content-type"])),
            },
            outcome: exchange.outcome,
        };
        // A dropped request's answer was never sent: the log shows none.
        if (response && exchange.outcome !== "dropped") {
            const headers = Object.fromEntries(
                Object.entries(response.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
            );
            const body = response.status === 204 ? undefined : maskSecrets(response.body);
            if (body !== undefined) headers["content-type"] = "application/json";
            record.response = { status: response.status, headers, body };
        }
        this.exchangeLog.append(record);
    }

    private async answer(
        res: ServerResponse,
        response: ApiResponse,
        log: (outcome: RequestOutcome, response: ApiResponse) => void,
        outcome: RequestOutcome,
    ): Promise<void> {
        if (!(await this.pause())) {
            res.destroy();
            return;
        }
        log(outcome, response);
        const payload =
            response.status === 204 || response.body === undefined
                ? undefined
                : Buffer.from(JSON.stringify(response.body));
        const headers: Record<string, string | number> = { ...response.headers };
        if (payload) {
            headers["Content-Type"] = "application/json";
            headers["Content-Length"] = payload.length;
        }
        res.writeHead(response.status, headers);
        res.end(payload);
    }
}
