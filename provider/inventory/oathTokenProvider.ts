import { type ConnectionSettings } from "../client/connection";
import { type OathTokenCreate, type PingOneOathToken } from "../client/types";
import { createOrAdopt } from "../dynamic/createOrAdopt";
import { defineProvider } from "../dynamic/defineProvider";
import {
    oathTokenDefaults,
    oathTokenFingerprint,
    oathTokenRules,
    type OathTokenSpec,
    withOathTokenDefaults,
} from "../model/oathToken";
import { logInfo, referencedSecretProblem, secretValue } from "../providerHost";
import { type SecretReference, isSecretReference } from "../secretReference";

/** Inputs as the provider receives them: the token model (defaults filled in), where, and how to connect. */
export interface OathTokenInputs extends Omit<OathTokenSpec, "secret"> {
    /** The seed, hex; or where the provider host reads it (`SecretReference`), so it is never an input. */
    secret: string | SecretReference;
    environmentId: string;
    /**
     * Take over an object PingOne already holds for this serial (made by hand, by another tool, or by a run
     * of this stack that died before saving its state). Default false: such an object is an error, since a
     * stack owns only what it created. An adopted object is never revoked or deleted by the stack.
     */
    adopt?: boolean;
    connection?: ConnectionSettings;
}

/** What state keeps of an inventory entry: the token model without its secret, and the secret's fingerprint. */
export interface OathTokenOutputs extends Omit<OathTokenSpec, "secret"> {
    /** `oathTokenFingerprint` of the seed: enough to notice that it changed, never the seed. */
    fingerprint: string;
    environmentId: string;
    /** TOTP drift in time steps, as PingOne last reported it. */
    drift?: number;
    /** The token already existed in PingOne and was adopted: the stack leaves it there on destroy. */
    adopted: boolean;
    connection?: ConnectionSettings;
}

/**
 * The OATH token inventory entry (`/environments/{id}/oathTokens`). Outputs keep the secret's fingerprint,
 * never the secret (PingOne never returns it either), so a changed seed is still noticed.
 */
export const oathTokenProvider = defineProvider<OathTokenInputs, OathTokenOutputs, PingOneOathToken>({
    kind: "OATH token",
    // The fingerprint covers the secret (and type, digits, algorithm, time step).
    replaceKeys: ["environmentId", "serialNumber", "fingerprint", "type", "otpLength", "hashAlgorithm", "timeStep"],
    updateKeys: ["connection"],
    // PingOne refuses a second token with the same serial.
    deleteBeforeReplace: true,

    check(raw, checker) {
        checker.pingOneId("environmentId", "PingOne environment id");
        if (isSecretReference(raw.secret)) {
            const problem = referencedSecretProblem(raw.secret, (value) => oathTokenRules.secret(value, "the secret"));
            if (problem) checker.fail("secret", problem);
        }
        checker.oathToken("", true, isSecretReference(raw.secret) ? ["secret"] : []);
        checker.boolean("adopt");
        checker.connection();
        // The checks above vouch for the shape (at preview some values may still be unknown).
        const { secret, ...token } = raw as unknown as OathTokenInputs;
        return { ...withOathTokenDefaults(token), secret };
    },

    comparable(olds, news) {
        // State written before fingerprints kept the secret itself (encrypted): the same secret is no change.
        const secret = secretValue(news.secret);
        const legacy = (olds as { secret?: string }).secret;
        const unchangedLegacy = olds.fingerprint === undefined && legacy?.toLowerCase() === secret.toLowerCase();
        return { ...news, fingerprint: unchangedLegacy ? undefined : oathTokenFingerprint({ ...news, secret }) };
    },

    async create(client, inputs) {
        const body = oathTokenCreateBody({ ...inputs, secret: secretValue(inputs.secret) });
        const { object, adopted } = await createOrAdopt({
            what: `OATH token ${inputs.serialNumber}`,
            create: () => client.createOathToken(inputs.environmentId, body),
            find: () => client.findOathTokenBySerial(inputs.environmentId, inputs.serialNumber),
            adopt: inputs.adopt === true,
        });
        return { id: object.id, outs: outputsOf(inputs, object, adopted) };
    },

    fetch: (client, id, state) => client.getOathToken(state.environmentId, id),
    outputs: (settings, token, previous) => outputsOf(settings, token, previous.adopted),
    describe: (id, state) => `OATH token ${state.serialNumber} (${id})`,

    async delete(client, id, state) {
        if (state.adopted) {
            logInfo(
                `OATH token ${state.serialNumber} (${id}) was adopted, not created by this stack: left in PingOne.`,
            );
            return;
        }
        const deleted = await (await client()).deleteOathToken(state.environmentId, id);
        logInfo(
            deleted
                ? `Revoked OATH token ${state.serialNumber} (${id}).`
                : `OATH token ${state.serialNumber} (${id}) was already gone.`,
        );
    },
});

/** PingOne's create body ("Create OATH token"; each entry of a CREATE_OATH_TOKENS job is the same). */
export function oathTokenCreateBody(token: OathTokenSpec): OathTokenCreate {
    const filled = withOathTokenDefaults(token);
    return {
        serialNumber: filled.serialNumber,
        secret: filled.secret.toLowerCase(),
        type: filled.type,
        otpLength: filled.otpLength,
        hashAlgorithm: filled.hashAlgorithm,
        ...(filled.type === "HOTP"
            ? { hotp: { counter: filled.counter ?? oathTokenDefaults.counter } }
            : { totp: { timeStep: filled.timeStep ?? oathTokenDefaults.timeStep } }),
    };
}

function outputsOf(
    settings: OathTokenInputs | OathTokenOutputs,
    token: PingOneOathToken,
    adopted: boolean,
): OathTokenOutputs {
    return {
        environmentId: settings.environmentId,
        serialNumber: token.serialNumber,
        fingerprint:
            "secret" in settings
                ? oathTokenFingerprint({ ...settings, secret: secretValue(settings.secret) })
                : settings.fingerprint,
        type: token.type,
        otpLength: oneOf([6, 8] as const, token.otpLength, settings.otpLength),
        hashAlgorithm: token.hashAlgorithm ?? settings.hashAlgorithm,
        counter: token.type === "HOTP" ? (token.hotp?.counter ?? settings.counter) : undefined,
        timeStep: token.type === "TOTP" ? oneOf([30, 60] as const, token.totp?.timeStep, settings.timeStep) : undefined,
        drift: token.totp?.drift,
        adopted,
        connection: settings.connection,
    };
}

/** PingOne's value when it is one the model knows, else what was asked for. */
function oneOf<V extends number>(allowed: readonly V[], reported: number | undefined, asked: V): V;
function oneOf<V extends number>(
    allowed: readonly V[],
    reported: number | undefined,
    asked: V | undefined,
): V | undefined;
function oneOf<V extends number>(
    allowed: readonly V[],
    reported: number | undefined,
    asked: V | undefined,
): V | undefined {
    return allowed.find((v) => v === reported) ?? asked;
}
