import { AmbiguousOutcomeError } from "../client/errors";
import { type PingOneClient } from "../client/pingOneClient";
import { sleep } from "../client/requestPacer";
import { backoffDelay } from "../client/retry";
import { type OathJob, type PingOneOathToken } from "../client/types";
import { createRetryPolicy, madeSince, notCreatedHere } from "../dynamic/createOrAdopt";
import { oathTokenCreateBody } from "../inventory/oathTokenProvider";
import { logWarn } from "../providerHost";
import { type FingerprintedSeed } from "./seedFileReference";

/** Tokens per CREATE_OATH_TOKENS job (the emulator's cap; PingOne documents none). */
const jobSize = 1000;

export type InventoryOutcome = { adopted: boolean } | { error: string };

/**
 * Puts tokens in the inventory with PingOne's batch call (`CREATE_OATH_TOKENS` jobs), one call per up to
 * 1,000 tokens plus the job's status reads. By serial:
 * - created by the job: `{ adopted: false }`;
 * - already in PingOne (the job's `duplicates`): with `adopt`, `{ adopted: true }` and a warning; without,
 *   an error naming it and how to adopt it on purpose (a stack owns only what it created);
 * - refused (the job's per-token `errors`, or a FAILED job): the error.
 * A job whose answer was lost is not sent again blindly: the tokens are looked up, those made since the
 * request are this job's, and only the missing ones go into a new job, after a back-off over seconds.
 */
export async function createInInventory(
    client: PingOneClient,
    environmentId: string,
    seeds: FingerprintedSeed[],
    adopt: boolean,
): Promise<Map<string, InventoryOutcome>> {
    const outcomes = new Map<string, InventoryOutcome>();
    for (let start = 0; start < seeds.length; start += jobSize) {
        await createChunk(client, environmentId, seeds.slice(start, start + jobSize), adopt, outcomes);
    }
    return outcomes;
}

async function createChunk(
    client: PingOneClient,
    environmentId: string,
    seeds: FingerprintedSeed[],
    adopt: boolean,
    outcomes: Map<string, InventoryOutcome>,
): Promise<void> {
    let pending = seeds.map((s) => s.seed);
    for (let attempt = 1; pending.length > 0; attempt++) {
        const sentAt = Date.now();
        let job: OathJob;
        try {
            const submitted = await client.createOathTokensJob(environmentId, pending.map(oathTokenCreateBody));
            job = await client.waitForOathJob(environmentId, submitted.id);
        } catch (error) {
            if (!(error instanceof AmbiguousOutcomeError)) {
                for (const seed of pending) outcomes.set(seed.serialNumber, { error: describe(error) });
                return;
            }
            // Look before sending again: what is there now, and since when.
            const found = await Promise.all(
                pending.map(
                    async (seed) =>
                        [seed, await client.findOathTokenBySerial(environmentId, seed.serialNumber)] as const,
                ),
            );
            const missing = [];
            for (const [seed, token] of found) {
                if (!token) missing.push(seed);
                else if (madeSince(token.createdAt, sentAt)) outcomes.set(seed.serialNumber, { adopted: false });
                else outcomes.set(seed.serialNumber, existing(seed.serialNumber, token, adopt));
            }
            if (missing.length > 0 && attempt >= createRetryPolicy.maxAttempts) {
                for (const seed of missing) {
                    outcomes.set(seed.serialNumber, {
                        error:
                            `PingOne's answer to the inventory job was lost ${attempt} times (${error.message}) and it holds no such token now. ` +
                            `Nothing was created twice; run pulumi up again when PingOne answers.`,
                    });
                }
                return;
            }
            pending = missing;
            if (pending.length > 0)
                await sleep(backoffDelay(attempt, createRetryPolicy.baseDelayMs, createRetryPolicy.maxDelayMs));
            continue;
        }
        if (job.status !== "DONE") {
            const reason = `PingOne's inventory job ${job.id} ${job.status}: ${job.reason ?? "no reason given"}. Run pulumi up again.`;
            for (const seed of pending) outcomes.set(seed.serialNumber, { error: reason });
            return;
        }
        const duplicates = new Set((job.result?.duplicates ?? []).map((d) => d.serialNumber));
        const errors = new Map<string, string>();
        for (const e of job.result?.errors ?? []) {
            const serial = e.serialNumber ?? (e.index !== undefined ? pending[e.index]?.serialNumber : undefined);
            if (serial)
                errors.set(
                    serial,
                    [e.code, ...(e.details ?? []).map((d) => d.message ?? d.code)].filter(Boolean).join(": ") ||
                        (e.message ?? "refused"),
                );
        }
        const adoptedOnes: string[] = [];
        for (const seed of pending) {
            const serial = seed.serialNumber;
            if (errors.has(serial)) outcomes.set(serial, { error: `PingOne refused it: ${errors.get(serial)}` });
            else if (duplicates.has(serial)) {
                outcomes.set(serial, existing(serial, undefined, adopt));
                if (adopt) adoptedOnes.push(serial);
            } else outcomes.set(serial, { adopted: false });
        }
        if (adoptedOnes.length > 0) {
            logWarn(
                `${adoptedOnes.length} OATH token(s) already existed in PingOne and were adopted (adopt: true): ${adoptedOnes.slice(0, 10).join(", ")}` +
                    `${adoptedOnes.length > 10 ? ", …" : ""}. This stack will leave them in PingOne on destroy.`,
            );
        }
        return;
    }
}

function existing(serial: string, token: PingOneOathToken | undefined, adopt: boolean): InventoryOutcome {
    if (adopt) return { adopted: true };
    const which = `OATH token ${serial}${token ? ` (id ${token.id}${token.createdAt ? `, created ${token.createdAt}` : ""})` : ""}`;
    return {
        error: notCreatedHere(
            which,
            `set adoptExisting: true on the fleet (pingone-oath:adoptExisting for the root project) and run again: an ` +
                `adopted token is never revoked by the stack. Otherwise remove the row, or remove the token from the stack that owns it.`,
        ),
    };
}

/**
 * Revokes tokens this stack created, by serial: their ids are looked up (the batch call does not return
 * them), then one `REVOKE_OATH_TOKENS` job (PingOne unpairs them). Tokens already gone are fine. Returns
 * the serials that could not be revoked, with why.
 */
export async function revokeFromInventory(
    client: PingOneClient,
    environmentId: string,
    serials: string[],
): Promise<Array<[string, string]>> {
    const failed: Array<[string, string]> = [];
    const ids = new Map<string, string>();
    await Promise.all(
        serials.map(async (serial) => {
            try {
                const token = await client.findOathTokenBySerial(environmentId, serial);
                if (token) ids.set(token.id, serial);
            } catch (error) {
                failed.push([serial, describe(error)]);
            }
        }),
    );
    if (ids.size === 0) return failed;
    if (ids.size === 1) {
        const [[id, serial]] = [...ids];
        try {
            await client.deleteOathToken(environmentId, id!);
        } catch (error) {
            failed.push([serial!, describe(error)]);
        }
        return failed;
    }
    for (let start = 0; start < ids.size; start += jobSize) {
        const chunk = [...ids.keys()].slice(start, start + jobSize);
        try {
            const submitted = await client.revokeOathTokensJob(environmentId, chunk);
            const job = await client.waitForOathJob(environmentId, submitted.id);
            if (job.status !== "DONE") {
                for (const id of chunk)
                    failed.push([ids.get(id)!, `revoke job ${job.id} ${job.status}: ${job.reason ?? ""}`]);
                continue;
            }
            for (const e of job.result?.errors ?? []) {
                // Already gone is what was wanted.
                if (e.code === "NOT_FOUND") continue;
                const id = e.tokenId ?? (e.index !== undefined ? chunk[e.index] : undefined);
                if (id && ids.has(id)) failed.push([ids.get(id)!, `${e.code ?? ""} ${e.message ?? ""}`.trim()]);
            }
        } catch (error) {
            // A lost answer: the next run looks the tokens up again and revokes what is still there.
            for (const id of chunk) failed.push([ids.get(id)!, describe(error)]);
        }
    }
    return failed;
}

function describe(error: unknown): string {
    return error instanceof Error ? error.message : String(error);
}
