import type * as pulumi from "@pulumi/pulumi";
import { type ConnectionSettings } from "../client/connection";
import { AmbiguousOutcomeError, PingOneApiError } from "../client/errors";
import { type PingOneClient } from "../client/pingOneClient";
import { type OathTokenCreate, type PingOneOathToken } from "../client/types";
import { type OathHashAlgorithm, type OathTokenType } from "../model/oathToken";
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
        checker.oathToken("", true);
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

/**
 * Creating is not idempotent, but PingOne refuses a second token with the same serial, so the create
 * goes first (no read on the happy path) and a refusal or an unclear answer leads to a look-up by serial.
 */
async function createOrAdopt(
    client: PingOneClient,
    inputs: OathTokenInputs,
): Promise<{ token: PingOneOathToken; adopted: boolean }> {
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

function outputsOf(inputs: OathTokenInputs, token: PingOneOathToken, adopted: boolean): OathTokenOutputs {
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
