import type * as pulumi from "@pulumi/pulumi";
import { type ConnectionSettings } from "../client/connection";
import { AmbiguousOutcomeError, PingOneApiError } from "../client/errors";
import { type PingOneClient } from "../client/pingOneClient";
import { type OathHashAlgorithm, type OathToken, type OathTokenCreate, type OathTokenType } from "../client/types";
import { clientFor, configureFromStack, logInfo } from "../providerHost";
import { InputChecker, diffByKeys, isUnknown } from "../validation";

export interface OathTokenInputs {
    environmentId: string;
    serialNumber: string;
    secret: string;
    type: OathTokenType;
    otpLength: 6 | 8;
    hashAlgorithm: OathHashAlgorithm;
    counter?: number;
    timeStep?: 30 | 60;
    connection?: ConnectionSettings;
}

export interface OathTokenOutputs {
    environmentId: string;
    serialNumber: string;
    /** Kept (encrypted) only to notice a changed secret; PingOne never returns it. */
    secret: string;
    type: OathTokenType;
    otpLength: number;
    hashAlgorithm: string;
    counter?: number;
    timeStep?: number;
    /** TOTP drift in time steps, as PingOne last reported it. */
    drift?: number;
    /** The token already existed in PingOne and was adopted. */
    adopted: boolean;
    connection?: ConnectionSettings;
}

const replaceKeys = [
    "environmentId",
    "serialNumber",
    "secret",
    "type",
    "otpLength",
    "hashAlgorithm",
    "timeStep",
] as const;

export const oathTokenProvider: pulumi.dynamic.ResourceProvider<OathTokenInputs, OathTokenOutputs> = {
    async configure(request) {
        configureFromStack(request);
    },

    async check(_olds, news) {
        const n = news as unknown as Record<string, unknown>;
        const checker = new InputChecker(n);
        checker.pingOneId("environmentId", "PingOne environment id");
        checkTokenShape(checker, n);
        checker.connection();
        const type = n.type;
        return {
            inputs: {
                ...news,
                otpLength: news.otpLength ?? 6,
                hashAlgorithm: news.hashAlgorithm ?? "HmacSHA1",
                ...(type === "HOTP" ? { counter: news.counter ?? 0 } : {}),
                ...(type === "TOTP" ? { timeStep: news.timeStep ?? 30 } : {}),
            },
            failures: checker.failures,
        };
    },

    async diff(_id, olds, news) {
        return diffByKeys(
            olds as unknown as Record<string, unknown>,
            news as unknown as Record<string, unknown>,
            replaceKeys,
            ["connection"],
            true,
        );
    },

    async create(inputs) {
        const client = await clientFor(inputs.connection, inputs.environmentId);
        const { token, adopted } = await createOrAdopt(client, inputs);
        return { id: token.id, outs: outputsOf(inputs, token, adopted) };
    },

    async read(id, state) {
        if (!state) throw new Error(`Cannot refresh OATH token ${id}: no prior state (import is not supported).`);
        const client = await clientFor(state.connection, state.environmentId);
        const token = await client.getOathToken(state.environmentId, id);
        if (!token) return {};
        return { id, props: outputsOf(state as unknown as OathTokenInputs, token, state.adopted) };
    },

    async update(id, olds, news) {
        const client = await clientFor(news.connection, news.environmentId);
        const token = await client.getOathToken(news.environmentId, id);
        if (!token)
            throw new Error(
                `OATH token ${news.serialNumber} (${id}) no longer exists in PingOne: run pulumi refresh, then pulumi up.`,
            );
        return { outs: outputsOf(news, token, olds.adopted) };
    },

    async delete(id, props) {
        const client = await clientFor(props.connection, props.environmentId);
        const deleted = await client.deleteOathToken(props.environmentId, id);
        logInfo(
            deleted
                ? `Revoked OATH token ${props.serialNumber} (${id}).`
                : `OATH token ${props.serialNumber} (${id}) was already gone.`,
        );
    },
};

/** Shape rules PingOne applies to an inventory entry, shared with the activation's seed check. */
export function checkTokenShape(checker: InputChecker, n: Record<string, unknown>, prefix = ""): void {
    const p = (name: string) => `${prefix}${name}`;
    const serial = n.serialNumber;
    if (prefix === "" && !isUnknown(serial)) {
        if (typeof serial !== "string" || serial === "")
            checker.fail("serialNumber", "serialNumber is required: the serial printed on the token.");
        else if (!/^[A-Za-z0-9]{1,50}$/.test(serial))
            checker.fail(
                "serialNumber",
                `serialNumber must be 1 to 50 letters and digits (PingOne's rule); got "${serial.slice(0, 60)}".`,
            );
    }
    const secret = n.secret;
    if (!isUnknown(secret)) {
        if (typeof secret !== "string" || secret === "")
            checker.fail(p("secret"), `${p("secret")} is required: the token's seed in hex.`);
        else if (!/^[0-9a-fA-F]+$/.test(secret) || secret.length % 2 !== 0) {
            checker.fail(
                p("secret"),
                `${p("secret")} must be hex (PingOne wants hex; convert base32 or base64 seeds first, as the seed-file loaders do).`,
            );
        } else if (secret.length > 200)
            checker.fail(p("secret"), `${p("secret")} is ${secret.length} hex digits; PingOne accepts at most 200.`);
    }
    const type = n.type;
    if (!isUnknown(type) && type !== "HOTP" && type !== "TOTP")
        checker.fail(p("type"), `${p("type")} must be "HOTP" or "TOTP".`);
    const lengthKey = prefix ? "digits" : "otpLength";
    const length = n[lengthKey];
    if (length !== undefined && !isUnknown(length) && length !== 6 && length !== 8)
        checker.fail(p(lengthKey), `${p(lengthKey)} must be 6 or 8.`);
    const hashKey = prefix ? "algorithm" : "hashAlgorithm";
    const hash = n[hashKey];
    if (hash !== undefined && !isUnknown(hash)) {
        if (!["HmacSHA1", "HmacSHA256", "HmacSHA512"].includes(hash as string))
            checker.fail(p(hashKey), `${p(hashKey)} must be HmacSHA1, HmacSHA256 or HmacSHA512.`);
        else if (type === "HOTP" && hash !== "HmacSHA1")
            checker.fail(
                p(hashKey),
                `HOTP tokens are HmacSHA1 only in PingOne; remove ${p(hashKey)} or use a TOTP token.`,
            );
    }
    const counter = n.counter;
    if (counter !== undefined && !isUnknown(counter) && (!Number.isInteger(counter) || (counter as number) < 0)) {
        checker.fail(p("counter"), `${p("counter")} must be a whole number ≥ 0.`);
    }
    const step = n.timeStep;
    if (step !== undefined && !isUnknown(step) && step !== 30 && step !== 60)
        checker.fail(p("timeStep"), `${p("timeStep")} must be 30 or 60 seconds.`);
}

/**
 * Creating is not idempotent, but PingOne refuses a second token with the same serial, so the create
 * goes first (no read on the happy path) and a refusal or an unclear answer leads to a look-up by serial.
 */
async function createOrAdopt(
    client: PingOneClient,
    inputs: OathTokenInputs,
): Promise<{ token: OathToken; adopted: boolean }> {
    const body: OathTokenCreate = {
        serialNumber: inputs.serialNumber,
        secret: inputs.secret.toLowerCase(),
        type: inputs.type,
        otpLength: inputs.otpLength ?? 6,
        hashAlgorithm: inputs.hashAlgorithm ?? "HmacSHA1",
        ...(inputs.type === "HOTP"
            ? { hotp: { counter: inputs.counter ?? 0 } }
            : { totp: { timeStep: inputs.timeStep ?? 30 } }),
    };
    for (let attempt = 1; ; attempt++) {
        try {
            return { token: await client.createOathToken(inputs.environmentId, body), adopted: false };
        } catch (error) {
            const ambiguous = error instanceof AmbiguousOutcomeError;
            const raced = error instanceof PingOneApiError && error.hasDetail("UNIQUENESS_VIOLATION");
            if (!ambiguous && !raced)
                throw new Error(`Creating OATH token ${inputs.serialNumber} failed: ${(error as Error).message}`, {
                    cause: error,
                });
            const now = await client.findOathTokenBySerial(inputs.environmentId, inputs.serialNumber);
            if (now) {
                if (raced) logInfo(`OATH token ${inputs.serialNumber} already exists in PingOne (${now.id}): adopted.`);
                return { token: now, adopted: raced };
            }
            if (!ambiguous || attempt >= 3) throw error;
        }
    }
}

function outputsOf(inputs: OathTokenInputs, token: OathToken, adopted: boolean): OathTokenOutputs {
    const outs = {
        environmentId: inputs.environmentId,
        serialNumber: token.serialNumber,
        secret: inputs.secret,
        type: token.type,
        otpLength: token.otpLength ?? inputs.otpLength,
        hashAlgorithm: token.hashAlgorithm ?? inputs.hashAlgorithm,
        counter: token.type === "HOTP" ? (token.hotp?.counter ?? inputs.counter) : undefined,
        timeStep: token.type === "TOTP" ? (token.totp?.timeStep ?? inputs.timeStep) : undefined,
        drift: token.totp?.drift,
        adopted,
        connection: inputs.connection,
    } satisfies OathTokenOutputs;
    return JSON.parse(JSON.stringify(outs)) as OathTokenOutputs;
}
