import * as pulumi from "@pulumi/pulumi";
import type * as tokenProvider from "./oathTokenProvider";
import { lazyProvider } from "../dynamic/lazyProvider";
import { type OathTokenInputs, type OathTokenOutputs } from "./oathTokenProvider";
import { type ConnectionArgs, ModuleBackedResource } from "../dynamic/moduleBackedResource";
import { type SecretReference, isSecretReference } from "../secretReference";
import { type OathHashAlgorithm, type OathTokenType, type OtpLength, type TimeStep } from "../model/oathToken";

/** The provider-host entry's export that runs this resource (checked against the module it re-exports). */
const providerExport = "oathTokenProvider" satisfies keyof typeof tokenProvider;

export interface OathTokenArgs {
    /** The PingOne environment (UUID) whose OATH token inventory holds the token. */
    environmentId: pulumi.Input<string>;
    /** The serial printed on the token: 1 to 50 letters and digits. */
    serialNumber: pulumi.Input<string>;
    /**
     * The token's seed, hex; better, where to read it: `{ config: "myproject:fob1Seed" }` (secret stack config)
     * or `{ env: "FOB1_SEED" }`, which the provider host resolves, so the seed is never a resource input. A
     * value is stored as a secret input, but Pulumi's SDK prints a resource's inputs in its debug log at
     * preview (`-v=9`, `--debug`, the event log), secrets included. The outputs keep only its fingerprint.
     */
    secret: pulumi.Input<string> | SecretReference;
    /** `HOTP` (counter based, RFC 4226) or `TOTP` (time based, RFC 6238). */
    type: pulumi.Input<OathTokenType>;
    /** Code length, 6 (default) or 8. */
    otpLength?: pulumi.Input<OtpLength>;
    /** `HmacSHA1` (default), `HmacSHA256` or `HmacSHA512` (TOTP only: PingOne's HOTP is HmacSHA1). */
    hashAlgorithm?: pulumi.Input<OathHashAlgorithm>;
    /** HOTP: the token's counter when programmed (default 0). */
    counter?: pulumi.Input<number>;
    /** TOTP: 30 (default) or 60 seconds. */
    timeStep?: pulumi.Input<TimeStep>;
    /**
     * Take over a token PingOne already holds with this serial (default false: that is an error naming it).
     * An adopted token is never revoked by the stack.
     */
    adopt?: pulumi.Input<boolean>;
    /** How to reach PingOne; see `OathTokenActivationArgs.connection`. */
    connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * The provider as a plain `pulumi.dynamic.ResourceProvider`, for your own `pulumi.dynamic.Resource` or to
 * drive without the engine: a small stub that loads the implementation in the provider host.
 */
export const oathTokenProvider = lazyProvider<OathTokenInputs, OathTokenOutputs>(providerExport);

/**
 * An entry of the PingOne OATH token inventory (`/environments/{id}/oathTokens`). Creating adopts an
 * existing token with the same serial; destroying revokes it (PingOne unpairs it). Changing the secret,
 * type or shape replaces it. Type token: `pulumi-nodejs:dynamic/pingone:OathToken`. Id: PingOne's token id.
 *
 * @example
 * const fob = new OathToken("fob-000001", {
 *     environmentId,
 *     serialNumber: "FOB000001",
 *     secret: { config: "myproject:fob000001Seed" }, // hex; pulumi config set --secret myproject:fob000001Seed ...
 *     type: "HOTP",
 * });
 */
export class OathToken extends ModuleBackedResource {
    /** The environment (UUID). */
    declare readonly environmentId: pulumi.Output<string>;
    /** The serial, as PingOne holds it. */
    declare readonly serialNumber: pulumi.Output<string>;
    declare readonly type: pulumi.Output<OathTokenType>;
    /** The seed's fingerprint (`oathTokenFingerprint`): changes when the seed does; never the seed. */
    declare readonly fingerprint: pulumi.Output<string>;
    /** Digits per code: 6 or 8. */
    declare readonly otpLength: pulumi.Output<OtpLength>;
    declare readonly hashAlgorithm: pulumi.Output<OathHashAlgorithm>;
    /** HOTP: the counter PingOne holds. */
    declare readonly counter: pulumi.Output<number | undefined>;
    /** TOTP: the time step in seconds, 30 or 60. */
    declare readonly timeStep: pulumi.Output<TimeStep | undefined>;
    /** TOTP: drift in time steps, as of the last refresh. */
    declare readonly drift: pulumi.Output<number | undefined>;
    /** Whether the token already existed and was adopted. */
    declare readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: OathTokenArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            environmentId: args.environmentId,
            serialNumber: args.serialNumber,
            // A reference is no secret: the provider host reads the value it names.
            secret: isSecretReference(args.secret) ? args.secret : pulumi.secret(args.secret),
            type: args.type,
            otpLength: args.otpLength,
            hashAlgorithm: args.hashAlgorithm,
            counter: args.counter,
            timeStep: args.timeStep,
            adopt: args.adopt,
            connection: args.connection === undefined ? undefined : pulumi.secret(args.connection),
            drift: undefined,
            adopted: undefined,
            fingerprint: undefined,
        };
        super("OathToken", providerExport, name, props, opts, ["secret", "connection"]);
    }
}
