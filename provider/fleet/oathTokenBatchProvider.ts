import { randomUUID } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { activateWithSeed } from "../activation/seedActivation";
import { type ConnectionSettings } from "../client/connection";
import { ConnectionSettingsError, PingOneApiError } from "../client/errors";
import { type PingOneClient } from "../client/pingOneClient";
import { type MfaDevice } from "../client/types";
import { createOrAdopt } from "../dynamic/createOrAdopt";
import { storable } from "../dynamic/defineProvider";
import { ResourceError } from "../errors";
import { oathTokenRules } from "../model/oathToken";
import { explainPairingError } from "../pairing/oathTokenDeviceProvider";
import { clientFor, configureFromStack, connectionProblem, logInfo, logWarn, stackConfigValue } from "../providerHost";
import { formatSeedProblem, SeedFileError } from "../seeds";
import { InputChecker, isUnknown } from "../validation";
import { createInInventory, revokeFromInventory } from "./inventoryJobs";
import { type Progress, progressSettingProblem, startProgress } from "./progress";
import { type ReportReference, readReportPart, reportRows, updateReport } from "./rolloutReport";
import { type FingerprintedSeed, type SeedFileReference, seedsBySerial } from "./seedFileReference";

/** One token of a batch, as the program declares it. No secret: the host reads it from the seed file. */
export interface BatchTokenInput {
    /** `oathTokenFingerprint` of the token's seed as the program read the file: a change re-provisions it. */
    fingerprint: string;
    /** Who gets the token (a PingOne user id); or `username`; neither: inventory only. */
    userId?: string;
    /** Who gets the token, by PingOne username (matched case-insensitively, as PingOne does). */
    username?: string;
    /**
     * Returned to the vendor or broken: revoked if this stack created it, never (again) created or paired,
     * even while the seed file still holds it. An adopted token is only unpaired from a device the stack made.
     */
    retired?: boolean;
}

/**
 * What becomes of a token that loses its user (a leaver's row removed, a lost fob's row pointing at another
 * serial): `"unpair"` (default) deletes the device and keeps the token in the inventory, unpaired, to be
 * assigned again; `"revoke"` deletes the device and revokes the token if this stack created it (an adopted
 * token is only unpaired); a later assignment creates it in the inventory again from the seed file.
 */
export type OnUnassign = "unpair" | "revoke";

/** Inputs as the provider receives them (after `check`). */
export interface OathTokenBatchInputs {
    environmentId: string;
    /** Where the host reads the seeds; secrets only by reference. */
    seedFile: SeedFileReference;
    /** The tokens, by serial number. */
    tokens: Record<string, BatchTokenInput>;
    /** Activate paired devices with codes from the seeds (default true). */
    activate: boolean;
    /** Take over tokens and devices PingOne already holds (default false: an error naming each). */
    adopt: boolean;
    /** What becomes of a token that loses its user (default `"unpair"`). */
    onUnassign?: OnUnassign;
    connection?: ConnectionSettings;
    /**
     * When some tokens fail: fail the resource's step (default true; Pulumi keeps what was done as the
     * resource's state), or only record the errors in `tokens` (false), for a caller that reports them after
     * every batch has run. Pulumi stops starting new steps after a failed one, so a fleet of batches uses
     * false: one bad row never keeps the other batches from running.
     */
    failOnTokenErrors?: boolean;
    /** The resource's name, for messages (not compared). */
    batchName?: string;
    /** Filled in by `check`: user ids of the usernames (keys lower-cased), read once, at preview. */
    userIds?: Record<string, string>;
    /** Filled in by `check`: serials whose assignment is left out (no such user), and why. */
    skipped?: Record<string, string>;
    /** Where the fleet's roll-out report goes: this batch rewrites its part of it after a refresh. */
    report?: ReportReference;
}

/** What the stack holds of one token. Never a secret. */
export interface BatchTokenState {
    /** The fingerprint the token was provisioned with. */
    fingerprint: string;
    /** true: this stack made the inventory entry; false: adopted (never revoked); absent: not made yet. */
    tokenCreated?: boolean;
    userId?: string;
    username?: string;
    deviceId?: string;
    /** true: this stack paired the token; false: the device was adopted (never deleted). */
    deviceCreated?: boolean;
    /** The device's status as PingOne last reported it. */
    status?: string;
    /** PingOne asked for a second code (resync) when the device was activated. */
    resynced?: boolean;
    /** When the device was made (PingOne's `createdAt`, ISO 8601), for the roll-out report. */
    pairedAt?: string;
    /** When the device was seen to become ACTIVE (PingOne's `updatedAt` then), for the roll-out report. */
    activatedAt?: string;
    /** Why the token is not yet what its inputs say; the next `pulumi up` tries it again. */
    error?: string;
    /** Retired (`BatchTokenInput.retired`): revoked if created here, and left alone from then on. */
    retired?: boolean;
    /** This stack revoked the token it had created, as it lost its user (`onUnassign: "revoke"`). */
    revoked?: boolean;
}

export interface OathTokenBatchOutputs {
    environmentId: string;
    seedFile: SeedFileReference;
    activate: boolean;
    adopt: boolean;
    onUnassign?: OnUnassign;
    connection?: ConnectionSettings;
    failOnTokenErrors?: boolean;
    batchName?: string;
    skipped?: Record<string, string>;
    report?: ReportReference;
    /** By serial number. */
    tokens: Record<string, BatchTokenState>;
}

/** How many tokens of one batch are worked on at once (the client's pacer sets the request rate). */
const rowConcurrency = 16;

/**
 * The provider of `OathTokenBatch`: a fleet's tokens in one resource, worked on token by token.
 *
 * - A change to one token touches that token only; an unchanged batch sends nothing, not even a read.
 * - The inventory is filled with one `CREATE_OATH_TOKENS` job per batch; pairing and activation are one
 *   call each (the answer to pairing carries the device's status, so nothing is read before activating).
 * - One bad token never stops the others: each failure is kept with the token, the run ends with an error
 *   naming every failed serial, user and fix, and the state keeps what succeeded, so the next
 *   `pulumi up` retries only the failed tokens.
 */
export const oathTokenBatchProvider: pulumi.dynamic.ResourceProvider<OathTokenBatchInputs, OathTokenBatchOutputs> = {
    async configure(request) {
        configureFromStack(request);
    },

    async check(olds, news) {
        const raw = news as unknown as Record<string, unknown>;
        const checker = new InputChecker(raw);
        checker.pingOneId("environmentId", "PingOne environment id");
        checker.boolean("activate");
        checker.boolean("adopt");
        checker.boolean("failOnTokenErrors");
        if (
            raw.onUnassign !== undefined &&
            raw.onUnassign !== "unpair" &&
            raw.onUnassign !== "revoke" &&
            !isUnknown(raw.onUnassign)
        ) {
            checker.fail(
                "onUnassign",
                `onUnassign must be "unpair" (the token stays in the inventory) or "revoke" (it is revoked); got ${JSON.stringify(raw.onUnassign)}.`,
            );
        }
        checker.connection();
        const progressProblem = progressSettingProblem();
        if (progressProblem) checker.fail("tokens", progressProblem);
        const tokens = checkTokens(raw.tokens, checker);
        const seedFile = raw.seedFile as SeedFileReference | undefined;
        if (!seedFile || typeof seedFile !== "object" || typeof seedFile.path !== "string") {
            checker.fail("seedFile", "seedFile must be { path, options?, passphrase?, preSharedKey?, iv? }.");
        } else if (tokens && !sameAsBefore(olds as Partial<OathTokenBatchInputs>, seedFile, tokens)) {
            checkAgainstSeedFile(seedFile, tokens, checker);
        }
        const inputs = {
            ...(news as OathTokenBatchInputs),
            activate: news.activate ?? true,
            adopt: news.adopt ?? false,
        };
        if (checker.failures.length > 0 || !tokens || isUnknown(inputs.environmentId) || isUnknown(inputs.connection)) {
            return { inputs: storable(inputs), failures: checker.failures };
        }
        const problem = connectionProblem(inputs.connection, inputs.environmentId);
        if (problem) {
            checker.fail("connection", problem);
            return { inputs: storable(inputs), failures: checker.failures };
        }
        // What preview can tell with reads only: the credentials work, and who the usernames are. Skipped when
        // the batch is as before (a no-op run sends nothing).
        const previous = olds as Partial<OathTokenBatchInputs>;
        try {
            await resolveUsers(inputs, previous);
        } catch (error) {
            if (!(error instanceof ConnectionSettingsError || error instanceof PingOneApiError)) throw error;
            checker.fail(
                "connection",
                `PingOne refused this stack's credentials at preview (${error.message}). Check pingone:clientId / ` +
                    `pingone:clientSecret (or PINGONE_CLIENT_ID / PINGONE_CLIENT_SECRET) and the worker application's roles.`,
            );
        }
        return { inputs: storable(inputs), failures: checker.failures };
    },

    async diff(_id, olds, news) {
        if (olds.environmentId !== news.environmentId) {
            return { changes: true, replaces: ["environmentId"], deleteBeforeReplace: true };
        }
        const changed = Object.keys(pendingWork(olds.tokens, news)).length > 0;
        const managed = [
            "activate",
            "adopt",
            "onUnassign",
            "connection",
            "skipped",
            "failOnTokenErrors",
            "report",
        ].some(
            (key) =>
                JSON.stringify((olds as unknown as Record<string, unknown>)[key] ?? null) !==
                JSON.stringify((news as unknown as Record<string, unknown>)[key] ?? null),
        );
        return { changes: changed || managed, replaces: [], deleteBeforeReplace: true };
    },

    async create(inputs) {
        const id = randomUUID();
        return { id, outs: await apply(id, {}, inputs) };
    },

    async update(id, olds, news) {
        return { outs: await apply(id, olds.tokens, news, olds) };
    },

    async read(id, state) {
        if (!state)
            throw new ResourceError(`Cannot refresh OATH token batch ${id}: no prior state (import is not supported).`);
        const client = await clientFor(state.connection, state.environmentId);
        const tokens = { ...state.tokens };
        await forEachLimited(Object.entries(tokens), rowConcurrency, async ([serial, row]) => {
            if (!row.deviceId || !row.userId) return;
            const who = `user ${row.username ?? row.userId}`;
            const device = await client.getDevice(state.environmentId, row.userId, row.deviceId);
            if (device) {
                // Said by serial and user: the refresh's own diff names only the property path.
                if (device.status !== row.status) {
                    logWarn(`Token ${serial} (${who}): its device is ${device.status} in PingOne, was ${row.status}.`);
                }
                tokens[serial] = {
                    ...row,
                    status: device.status,
                    // Activated outside the stack (a user typing codes, with activate: false): seen now.
                    ...(device.status === "ACTIVE" && !row.activatedAt
                        ? { activatedAt: device.updatedAt ?? new Date().toISOString() }
                        : {}),
                };
                return;
            }
            // The device is gone: deleted in the console, its user deleted, or its token revoked (which unpairs).
            // One look at the inventory tells which the next up can repair.
            const tokenGone = !(await client.findOathTokenBySerial(state.environmentId, serial));
            const repair =
                tokenGone && row.tokenCreated
                    ? "its token was revoked in PingOne too; the next pulumi up creates it again from the seed file and pairs it"
                    : tokenGone
                      ? "its token, adopted and not this stack's, was revoked in PingOne: left alone; take it out of the assignments or retire it"
                      : "the next pulumi up pairs the token again (if the user is gone too, that fails naming the user: fix the assignment)";
            const error = `The device of token ${serial} (${who}) is gone from PingOne; ${repair}.`;
            logWarn(error);
            tokens[serial] = {
                ...row,
                deviceId: undefined,
                deviceCreated: undefined,
                status: undefined,
                pairedAt: undefined,
                activatedAt: undefined,
                ...(tokenGone && row.tokenCreated ? { tokenCreated: undefined } : {}),
                error,
            };
        });
        if (state.report) writeReportPart(state.report, state.batchName ?? id, tokens, state.skipped);
        return { id, props: storable({ ...state, tokens }) };
    },

    async delete(id, state) {
        const client = () => clientFor(state.connection, state.environmentId);
        const failures: string[] = [];
        const rows = Object.entries(state.tokens ?? {});
        await tearDown(client, state.environmentId, rows, failures);
        if (state.report && failures.length === 0) removeReportPart(state.report, state.batchName ?? id);
        if (failures.length > 0) {
            throw new ResourceError(
                `Removing ${failures.length} of ${rows.length} tokens of batch ${id} failed; the others are removed:\n` +
                    failures.map((f) => `  - ${f}`).join("\n") +
                    `\nRun pulumi destroy again: what is gone is skipped.`,
            );
        }
    },
};

/** The serials whose token needs work: new, changed, failed, or no longer declared. */
function pendingWork(
    state: Record<string, BatchTokenState> | undefined,
    news: OathTokenBatchInputs,
): Record<string, "new" | "changed" | "removed"> {
    const work: Record<string, "new" | "changed" | "removed"> = {};
    for (const [serial, input] of Object.entries(news.tokens)) {
        const row = state?.[serial];
        if (!row) work[serial] = "new";
        else if (!rowDone(row, input, news, serial)) work[serial] = "changed";
    }
    for (const serial of Object.keys(state ?? {})) if (!(serial in news.tokens)) work[serial] = "removed";
    return work;
}

/** Whom the inputs pair a token with (undefined: nobody, or the assignment is skipped). */
function wantedUser(
    input: BatchTokenInput,
    news: OathTokenBatchInputs,
    serial: string,
): { userId?: string; username?: string } | undefined {
    if (news.skipped?.[serial]) return undefined;
    if (input.userId) return { userId: input.userId };
    if (input.username) return { username: input.username, userId: news.userIds?.[input.username.toLowerCase()] };
    return undefined;
}

function rowDone(row: BatchTokenState, input: BatchTokenInput, news: OathTokenBatchInputs, serial: string): boolean {
    if (input.retired) return row.retired === true;
    if (row.error || row.fingerprint !== input.fingerprint || row.retired) return false;
    // Revoked when it lost its user: done while nobody wants it; an assignment creates it again.
    if (row.revoked) return wantedUser(input, news, serial) === undefined;
    if (row.tokenCreated === undefined) return false;
    // A username PingOne does not know (a typo, a user not made yet) is a problem to fix, not an order to
    // unpair: the token stays as it is, paired with whoever had it.
    if (news.skipped?.[serial]) return true;
    const want = wantedUser(input, news, serial);
    if (!want) return row.deviceId === undefined;
    if (!row.deviceId || !sameUser(row, want)) return false;
    return !news.activate || row.status === "ACTIVE";
}

function sameUser(row: BatchTokenState, want: { userId?: string; username?: string }): boolean {
    if (want.userId && row.userId) return want.userId === row.userId;
    return !!want.username && row.username?.toLowerCase() === want.username.toLowerCase();
}

/**
 * Brings every token of the batch to what its inputs say, continuing past failures, with progress lines
 * while a long batch works (see progress.ts). Returns the outputs; throws, with the outputs attached
 * (Pulumi keeps them as the resource's state), when any token failed.
 */
async function apply(
    id: string,
    previous: Record<string, BatchTokenState>,
    news: OathTokenBatchInputs,
    olds?: OathTokenBatchOutputs,
): Promise<OathTokenBatchOutputs> {
    const label = news.batchName ?? `OATH token batch ${id}`;
    const progress = startProgress(label, Object.keys(pendingWork(previous, news)).length, logInfo);
    try {
        return await applyTokens(id, previous, news, progress, olds);
    } finally {
        progress.stop();
    }
}

async function applyTokens(
    id: string,
    previous: Record<string, BatchTokenState>,
    news: OathTokenBatchInputs,
    progress: Progress,
    olds?: OathTokenBatchOutputs,
): Promise<OathTokenBatchOutputs> {
    const environmentId = news.environmentId;
    const client = await clientFor(news.connection, environmentId);
    const seeds = seedsBySerial(news.seedFile, stackConfigValue);
    const state: Record<string, BatchTokenState> = { ...previous };
    const failures: string[] = [];
    const work = pendingWork(previous, news);
    const serials = Object.keys(work);
    const total = Object.keys(news.tokens).length;
    const label = news.batchName ?? `OATH token batch ${id}`;
    if (serials.length > 0) logInfo(`${label}: ${serials.length} of ${total} tokens to provision or change.`);
    progress.phase = "removing devices and tokens";

    // 1. Take down what no longer matches: devices of another user, tokens whose seed changed or left the file.
    const removed = serials.filter((s) => work[s] === "removed");
    const notRemoved = await tearDown(
        async () => client,
        environmentId,
        removed.map((s) => [s, previous[s]!]),
        failures,
    );
    for (const serial of removed) if (!notRemoved.has(serial)) delete state[serial];
    progress.done(removed.length);
    await forEachLimited(
        serials.filter((s) => work[s] === "changed"),
        rowConcurrency,
        async (serial) => {
            const row = state[serial]!;
            const input = news.tokens[serial]!;
            if (input.retired) {
                state[serial] = await retire(client, environmentId, serial, row, failures);
                return;
            }
            if (row.fingerprint !== input.fingerprint && row.tokenCreated !== undefined) {
                // Another seed for the same serial: PingOne cannot change a secret, so the token goes and comes back.
                const failed = await tearDown(async () => client, environmentId, [[serial, row]], failures);
                state[serial] = failed.size > 0 ? row : { fingerprint: input.fingerprint };
                return;
            }
            if (row.retired || row.revoked) {
                // Back from retirement, or assigned again after a revoke: to the inventory again (step 2).
                state[serial] = { fingerprint: input.fingerprint };
                return;
            }
            const want = wantedUser(input, news, serial);
            const skipped = news.skipped?.[serial] !== undefined;
            if (row.deviceId && !skipped && !want && news.onUnassign === "revoke" && row.tokenCreated) {
                const failed = await tearDown(async () => client, environmentId, [[serial, row]], failures);
                if (failed.size === 0)
                    state[serial] = row.deviceCreated === false ? row : { fingerprint: row.fingerprint, revoked: true };
                return;
            }
            if (row.deviceId && !skipped && (!want || !sameUser(row, want))) {
                const failed = await removeDevice(client, environmentId, serial, row, failures);
                if (!failed) state[serial] = withoutDevice(row);
            }
        },
    );

    // 2. The inventory: one job for every token not in it yet.
    const toCreate: FingerprintedSeed[] = [];
    for (const serial of serials) {
        if (work[serial] === "removed") continue;
        const input = news.tokens[serial]!;
        const row = state[serial];
        if (input.retired) {
            // Never in the inventory by this stack: nothing to revoke, and it is never created.
            if (!row) state[serial] = { fingerprint: input.fingerprint, retired: true };
            continue;
        }
        if (row?.tokenCreated !== undefined || row?.revoked) continue;
        const seed = seeds.get(serial);
        if (!seed || seed.fingerprint !== input.fingerprint) {
            const error = `Token ${serial}: the seed file ${news.seedFile.path} ${seed ? "now holds another seed for it" : "no longer holds it"} (it changed since the program read it); run pulumi up again.`;
            state[serial] = { ...row, fingerprint: input.fingerprint, error };
            failures.push(error);
            continue;
        }
        toCreate.push(seed);
    }
    if (toCreate.length > 0) {
        progress.phase = "inventory job";
        const outcomes = await createInInventory(client, environmentId, toCreate, news.adopt);
        let created = 0;
        for (const seed of toCreate) {
            const serial = seed.seed.serialNumber;
            const outcome = outcomes.get(serial)!;
            const row: BatchTokenState = { fingerprint: seed.fingerprint };
            if ("error" in outcome) {
                row.error = `Token ${serial} (${where(seed)}): ${outcome.error}`;
                failures.push(row.error);
            } else {
                row.tokenCreated = !outcome.adopted;
                if (!outcome.adopted) created++;
            }
            state[serial] = row;
        }
        logInfo(`${label}: inventory: ${created} created, ${toCreate.length - created} adopted or refused.`);
    }

    // 3. Pairing and activation, token by token; each token not removed passes here once (done or failed).
    progress.phase = "pairing and activation";
    let paired = 0;
    let activated = 0;
    await forEachLimited(
        serials.filter((s) => work[s] !== "removed"),
        rowConcurrency,
        async (serial) => {
            const row = state[serial]!;
            if (row.retired || row.revoked) return;
            if (row.tokenCreated === undefined) return; // the inventory step failed and said why
            const input = news.tokens[serial]!;
            const want = wantedUser(input, news, serial);
            const seed = seeds.get(serial)!;
            const next: BatchTokenState = { ...row, error: undefined };
            try {
                // No assignment, or one left out (an unknown user: a device it has stays, see rowDone).
                if (!want) {
                    state[serial] = next;
                    return;
                }
                let device: MfaDevice | undefined;
                if (!next.deviceId) {
                    const userId = want.userId ?? (await lookUpUser(client, environmentId, want.username!));
                    const who = `user ${want.username ?? userId}`;
                    const pairing = await createOrAdopt({
                        what: `token ${serial} paired with ${who}`,
                        create: () => client.createOathTokenDevice(environmentId, userId, serial),
                        find: async () =>
                            (await client.listDevices(environmentId, userId)).find(
                                (d) => d.type === "OATH_TOKEN" && d.serialNumber === serial,
                            ),
                        explain: (error) => explainPairingError(error, serial, who),
                        adopt: news.adopt,
                    });
                    device = pairing.object;
                    Object.assign(next, {
                        userId,
                        username: want.username,
                        deviceId: device.id,
                        deviceCreated: !pairing.adopted,
                        status: device.status,
                        pairedAt: device.createdAt ?? new Date().toISOString(),
                    });
                    paired++;
                }
                if (news.activate && next.status !== "ACTIVE") {
                    const outcome = await activateWithSeed(
                        client,
                        {
                            environmentId,
                            userId: next.userId!,
                            deviceId: next.deviceId!,
                            seed: seed.seed,
                            serialNumber: serial,
                            oathResync: true,
                        },
                        { log: logInfo, device },
                    );
                    next.status = outcome.device.status;
                    next.resynced = outcome.resynced;
                    if (next.status === "ACTIVE")
                        next.activatedAt = outcome.device.updatedAt ?? new Date().toISOString();
                    activated++;
                }
            } catch (error) {
                next.error = `Token ${serial} (${where(seed)}) for user ${want?.username ?? want?.userId}: ${(error as Error).message}`;
                failures.push(next.error);
            }
            state[serial] = next;
        },
        () => progress.done(),
    );
    if (paired + activated > 0) logInfo(`${label}: ${paired} paired, ${activated} activated.`);

    const outs = storable<OathTokenBatchOutputs>({
        environmentId,
        seedFile: news.seedFile,
        activate: news.activate,
        adopt: news.adopt,
        onUnassign: news.onUnassign,
        connection: news.connection,
        failOnTokenErrors: news.failOnTokenErrors,
        batchName: news.batchName,
        skipped: news.skipped,
        report: news.report,
        tokens: state,
    });
    if (failures.length > 0 && news.failOnTokenErrors !== false) {
        const providerText = (news as unknown as Record<string, unknown>).__provider;
        throw new BatchIncompleteError(id, outs, failures, total, olds !== undefined, providerText);
    }
    return outs;
}

/**
 * Some tokens of a batch failed. Carries the batch's outputs: Pulumi's provider host hands `id` and
 * `properties` to the engine as a partial success (ErrorResourceInitFailed), so the state keeps what was
 * done and the next `pulumi up` updates the batch, retrying only the failed tokens.
 */
class BatchIncompleteError extends ResourceError {
    readonly properties: Record<string, unknown>;
    readonly reasons: string[];

    constructor(
        readonly id: string,
        outs: OathTokenBatchOutputs,
        failures: string[],
        total: number,
        updating: boolean,
        providerText: unknown,
    ) {
        const shown = failures.slice(0, 20);
        super(
            `${failures.length} of ${total} tokens of this batch failed; the others are ${updating ? "up to date" : "provisioned"} and kept in the stack:\n` +
                shown.map((f) => `  - ${f}`).join("\n") +
                (failures.length > shown.length
                    ? `\n  ... and ${failures.length - shown.length} more (pulumi stack output / state).`
                    : "") +
                `\nFix what the messages say and run pulumi up again: only the failed tokens are retried.`,
        );
        // The host copies `__provider` into outputs only on success; a partial result must carry it too.
        this.properties = { ...outs, __provider: providerText };
        this.reasons = shown;
    }
}

/**
 * Deletes devices this stack paired and revokes tokens it created; leaves adopted ones. Pushes a message
 * per failure and returns the serials that failed.
 */
async function tearDown(
    client: () => Promise<PingOneClient>,
    environmentId: string,
    rows: Array<[string, BatchTokenState]>,
    failures: string[],
): Promise<Set<string>> {
    const failed = new Set<string>();
    if (rows.length === 0) return failed;
    const api = await client();
    const revoke: string[] = [];
    await forEachLimited(rows, rowConcurrency, async ([serial, row]) => {
        if (row.tokenCreated && row.deviceCreated !== false) {
            // Revoking unpairs (PingOne), which removes the device this stack paired too.
            revoke.push(serial);
            return;
        }
        if (row.tokenCreated && row.deviceCreated === false) {
            logWarn(
                `Token ${serial} was created by this stack but its device (user ${row.username ?? row.userId}) was adopted: ` +
                    `revoking the token would unpair it, so both stay in PingOne.`,
            );
            return;
        }
        if (row.tokenCreated === false)
            logInfo(`Token ${serial} was adopted, not created by this stack: left in PingOne.`);
        if (row.deviceId && (await removeDevice(api, environmentId, serial, row, failures))) failed.add(serial);
    });
    for (const [serial, error] of await revokeFromInventory(api, environmentId, revoke)) {
        failures.push(`Token ${serial}: revoking it failed: ${error}`);
        failed.add(serial);
    }
    return failed;
}

/**
 * Retires a token: revokes it when this stack created it (which removes the device it paired), else removes
 * only the device this stack paired. Returns the token's new state (unchanged when revoking failed).
 */
async function retire(
    client: PingOneClient,
    environmentId: string,
    serial: string,
    row: BatchTokenState,
    failures: string[],
): Promise<BatchTokenState> {
    if (row.tokenCreated) {
        const failed = await tearDown(async () => client, environmentId, [[serial, row]], failures);
        if (failed.size > 0) return row;
        logInfo(
            `Token ${serial} is retired: revoked${row.deviceId ? ` (and unpaired from user ${row.username ?? row.userId})` : ""}.`,
        );
        return { fingerprint: row.fingerprint, retired: true };
    }
    if (row.deviceId && (await removeDevice(client, environmentId, serial, row, failures))) return row;
    if (row.tokenCreated === false) {
        logWarn(
            `Token ${serial} is retired but was adopted, not created by this stack: it is left in the inventory; revoke it in PingOne if it is yours to revoke.`,
        );
    }
    return { fingerprint: row.fingerprint, retired: true };
}

function withoutDevice(row: BatchTokenState): BatchTokenState {
    const {
        deviceId: _d,
        deviceCreated: _c,
        status: _s,
        userId: _u,
        username: _n,
        resynced: _r,
        pairedAt: _p,
        activatedAt: _a,
        ...rest
    } = row;
    return rest;
}

/**
 * After a refresh: this batch's rows of the roll-out report, users kept from its last part (refresh has no
 * inputs, and an unpaired token's assignment is only there). A report that cannot be written is a warning:
 * it never fails the refresh.
 */
function writeReportPart(
    report: ReportReference,
    batch: string,
    tokens: Record<string, BatchTokenState>,
    skipped: Record<string, string> | undefined,
): void {
    try {
        const users = Object.fromEntries((readReportPart(report, batch) ?? []).map((r) => [r.serialNumber, r.user]));
        updateReport(report, { [batch]: reportRows(tokens, users, skipped) });
    } catch (error) {
        logWarn(`The roll-out report ${report.file} could not be written: ${(error as Error).message}`);
    }
}

function removeReportPart(report: ReportReference, batch: string): void {
    try {
        updateReport(report, { [batch]: undefined });
    } catch (error) {
        logWarn(`The roll-out report ${report.file} could not be updated: ${(error as Error).message}`);
    }
}

async function removeDevice(
    client: PingOneClient,
    environmentId: string,
    serial: string,
    row: BatchTokenState,
    failures: string[],
): Promise<boolean> {
    if (!row.deviceId || !row.userId) return false;
    if (row.deviceCreated === false) {
        logInfo(`The device of token ${serial} (user ${row.username ?? row.userId}) was adopted: left in PingOne.`);
        return false;
    }
    try {
        await client.deleteDevice(environmentId, row.userId, row.deviceId);
        return false;
    } catch (error) {
        failures.push(
            `Token ${serial} (user ${row.username ?? row.userId}): removing its device ${row.deviceId} failed: ${(error as Error).message}`,
        );
        return true;
    }
}

async function lookUpUser(client: PingOneClient, environmentId: string, username: string): Promise<string> {
    const user = await client.findUserByUsername(environmentId, username);
    if (!user) {
        throw new ResourceError(
            `no user named "${username}" in environment ${environmentId}: check the assignments file, or create the user first.`,
        );
    }
    return user.id;
}

/**
 * At check: proves the credentials (one token request) and resolves the usernames not resolved before
 * (reads), when the batch has anything new. An unknown username leaves that assignment out (`skipped`),
 * for the fleet to warn about with its file and line; the token still goes to the inventory.
 */
async function resolveUsers(inputs: OathTokenBatchInputs, previous: Partial<OathTokenBatchInputs>): Promise<void> {
    const userIds: Record<string, string> = {};
    const skipped: Record<string, string> = {};
    const wanted = new Map<string, string[]>();
    for (const [serial, token] of Object.entries(inputs.tokens)) {
        if (!token.username) continue;
        const key = token.username.toLowerCase();
        const known = previous.userIds?.[key];
        if (known) userIds[key] = known;
        else wanted.set(key, [...(wanted.get(key) ?? []), serial]);
    }
    const unchanged =
        previous.environmentId === inputs.environmentId &&
        JSON.stringify(previous.tokens ?? null) === JSON.stringify(inputs.tokens) &&
        previous.activate === inputs.activate;
    if (unchanged && wanted.size === 0) {
        inputs.userIds = previous.userIds;
        inputs.skipped = previous.skipped;
        return;
    }
    const client = await clientFor(inputs.connection, inputs.environmentId);
    await client.verifyCredentials();
    await forEachLimited([...wanted.entries()], rowConcurrency, async ([key, serials]) => {
        const username = inputs.tokens[serials[0]!]!.username!;
        const user = await client.findUserByUsername(inputs.environmentId, username);
        if (user) userIds[key] = user.id;
        else
            for (const serial of serials)
                skipped[serial] = `no PingOne user named "${username}" in environment ${inputs.environmentId}`;
    });
    inputs.userIds = Object.keys(userIds).length > 0 ? userIds : undefined;
    inputs.skipped = Object.keys(skipped).length > 0 ? skipped : undefined;
}

function checkTokens(value: unknown, checker: InputChecker): Record<string, BatchTokenInput> | undefined {
    if (isUnknown(value)) return undefined;
    if (!value || typeof value !== "object" || Array.isArray(value)) {
        checker.fail("tokens", "tokens must be an object: { [serialNumber]: { fingerprint, userId? | username? } }.");
        return undefined;
    }
    const tokens = value as Record<string, BatchTokenInput>;
    for (const [serial, token] of Object.entries(tokens)) {
        const problem = oathTokenRules.serialNumber(serial, `tokens key`);
        if (problem) checker.fail(`tokens.${serial}`, `${problem}.`);
        if (!token || typeof token.fingerprint !== "string") {
            checker.fail(`tokens.${serial}.fingerprint`, `tokens.${serial} must carry the fingerprint of its seed.`);
        } else if (token.userId && token.username) {
            checker.fail(`tokens.${serial}.username`, `tokens.${serial}: set userId or username, not both.`);
        }
    }
    return tokens;
}

/**
 * The same file reference and the same tokens (fingerprints and users) as the last run: nothing the file
 * says has changed for this batch, so the check need not read it (a no-op run reads no seed file in the
 * provider host; parsing a 100,000-token PSKC takes seconds). Any work the diff finds still reads the file.
 */
function sameAsBefore(
    olds: Partial<OathTokenBatchInputs>,
    seedFile: SeedFileReference,
    tokens: Record<string, BatchTokenInput>,
): boolean {
    if (!olds.tokens || JSON.stringify(olds.seedFile ?? null) !== JSON.stringify(seedFile)) return false;
    const before = olds.tokens;
    const serials = Object.keys(tokens);
    if (serials.length !== Object.keys(before).length) return false;
    return serials.every((serial) => {
        const [now, was] = [tokens[serial]!, before[serial]];
        return (
            !!was && was.fingerprint === now.fingerprint && was.userId === now.userId && was.username === now.username
        );
    });
}

/** The host reads the file too: a file it cannot read (or a secret it cannot find) fails preview, by name. */
function checkAgainstSeedFile(
    reference: SeedFileReference,
    tokens: Record<string, BatchTokenInput>,
    checker: InputChecker,
): void {
    let seeds: Map<string, FingerprintedSeed>;
    try {
        seeds = seedsBySerial(reference, stackConfigValue);
    } catch (error) {
        if (!(error instanceof SeedFileError)) throw error;
        checker.fail("seedFile", error.message);
        return;
    }
    const differ = Object.entries(tokens)
        .filter(([serial, token]) => seeds.get(serial)?.fingerprint !== token.fingerprint)
        .map(([serial]) => serial);
    if (differ.length > 0) {
        checker.fail(
            "seedFile",
            `${reference.path} as the provider host reads it differs from what the program read for ${differ.slice(0, 5).join(", ")}` +
                `${differ.length > 5 ? ", …" : ""}: was it changed during the run? Run again.`,
        );
    }
}

function where(seed: FingerprintedSeed): string {
    return formatSeedProblem({ location: seed.seed.location, message: "" }).replace(/: $/, "");
}

/** Runs `fn` on every item, `limit` at a time; `settled` runs once per item when its `fn` has settled. */
async function forEachLimited<T>(
    items: T[],
    limit: number,
    fn: (item: T) => Promise<void>,
    settled?: () => void,
): Promise<void> {
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            try {
                await fn(items[next++]!);
            } finally {
                settled?.();
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
