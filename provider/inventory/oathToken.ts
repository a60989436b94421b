import * as pulumi from "@pulumi/pulumi";
import { type ConnectionArgs } from "../activation/oathTokenActivation";
import { lazyProvider } from "../dynamic/lazyProvider";
import { ModuleBackedResource } from "../dynamic/moduleBackedResource";

export interface OathTokenArgs {
    /** The PingOne environment (UUID) whose OATH token inventory holds the token. */
    environmentId: pulumi.Input<string>;
    /** The serial printed on the token: 1 to 50 letters and digits. */
    serialNumber: pulumi.Input<string>;
    /** The token's seed, hex. Always stored as a secret; write-only in PingOne. */
    secret: pulumi.Input<string>;
    /** `HOTP` (counter based) or `TOTP` (time based). */
    type: pulumi.Input<"HOTP" | "TOTP">;
    /** Code length, 6 (default) or 8. */
    otpLength?: pulumi.Input<6 | 8>;
    /** `HmacSHA1` (default), `HmacSHA256` or `HmacSHA512` (TOTP only). */
    hashAlgorithm?: pulumi.Input<"HmacSHA1" | "HmacSHA256" | "HmacSHA512">;
    /** HOTP: the token's counter when programmed (default 0). */
    counter?: pulumi.Input<number>;
    /** TOTP: 30 (default) or 60 seconds. */
    timeStep?: pulumi.Input<30 | 60>;
    /** How to reach PingOne; see `OathTokenActivationArgs.connection`. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export const oathTokenProviderStub: pulumi.dynamic.ResourceProvider = lazyProvider("oathTokenProvider");

/**
 * An entry of the PingOne OATH token inventory (`/environments/{id}/oathTokens`). Creating adopts an
 * existing token with the same serial; destroying revokes it (PingOne unpairs it). Changing the secret,
 * type or shape replaces it. Type token: `pulumi-nodejs:dynamic/pingone:OathToken`. Id: PingOne's token id.
 */
export class OathToken extends ModuleBackedResource {
    declare readonly environmentId: pulumi.Output<string>;
    declare readonly serialNumber: pulumi.Output<string>;
    declare readonly type: pulumi.Output<"HOTP" | "TOTP">;
    declare readonly otpLength: pulumi.Output<number>;
    declare readonly hashAlgorithm: pulumi.Output<string>;
    /** HOTP: the counter PingOne holds. */
    declare readonly counter: pulumi.Output<number | undefined>;
    declare readonly timeStep: pulumi.Output<number | undefined>;
    /** TOTP: drift in time steps, as of the last refresh. */
    declare readonly drift: pulumi.Output<number | undefined>;
    /** Whether the token already existed and was adopted. */
    declare readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: OathTokenArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            environmentId: args.environmentId,
            serialNumber: args.serialNumber,
            secret: pulumi.secret(args.secret),
            type: args.type,
            otpLength: args.otpLength,
            hashAlgorithm: args.hashAlgorithm,
            counter: args.counter,
            timeStep: args.timeStep,
            connection: args.connection === undefined ? undefined : pulumi.secret(args.connection),
            drift: undefined,
            adopted: undefined,
        };
        super("OathToken", "oathTokenProvider", name, props, opts, ["secret", "connection"]);
    }
}
