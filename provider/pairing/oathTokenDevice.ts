import * as pulumi from "@pulumi/pulumi";
import type * as deviceProvider from "./oathTokenDeviceProvider";
import { lazyProvider } from "../dynamic/lazyProvider";
import { type OathTokenDeviceInputs, type OathTokenDeviceOutputs } from "./oathTokenDeviceProvider";
import { type ConnectionArgs, ModuleBackedResource } from "../dynamic/moduleBackedResource";

/** The provider-host entry's export that runs this resource (checked against the module it re-exports). */
const providerExport = "oathTokenDeviceProvider" satisfies keyof typeof deviceProvider;

export interface OathTokenDeviceArgs {
    /** The PingOne environment (UUID). */
    environmentId: pulumi.Input<string>;
    /** The user's id (UUID). Set this or `username`. */
    userId?: pulumi.Input<string>;
    /** The user's username, looked up in the environment. Set this or `userId`. */
    username?: pulumi.Input<string>;
    /** Serial of a token in the environment's OATH inventory (see `OathToken`). */
    serialNumber: pulumi.Input<string>;
    /**
     * Take over a device the user already has for this serial (default false: that is an error naming it).
     * An adopted device is never deleted by the stack.
     */
    adopt?: pulumi.Input<boolean>;
    /** How to reach PingOne; see `OathTokenActivationArgs.connection`. */
    connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * The provider as a plain `pulumi.dynamic.ResourceProvider`, for your own `pulumi.dynamic.Resource` or to
 * drive without the engine: a small stub that loads the implementation in the provider host.
 */
export const oathTokenDeviceProvider = lazyProvider<OathTokenDeviceInputs, OathTokenDeviceOutputs>(providerExport);

/**
 * Pairs a hardware token with a user: an `OATH_TOKEN` MFA device, created in status
 * `ACTIVATION_REQUIRED` (activate it with `OathTokenActivation`). Before creating, and after any
 * unclear answer, it looks for the user's device with that serial, so no retry or re-run leaves two.
 * Destroy removes the device. Type token: `pulumi-nodejs:dynamic/pingone:OathTokenDevice`. Id: the device id.
 *
 * @example
 * const device = new OathTokenDevice("alice-fob", { environmentId, username: "alice", serialNumber: fob.serialNumber });
 */
export class OathTokenDevice extends ModuleBackedResource {
    /** The environment (UUID). */
    declare readonly environmentId: pulumi.Output<string>;
    /** The user's id (UUID), resolved from `username` when that was given. */
    declare readonly userId: pulumi.Output<string>;
    /** The username given, if any. */
    declare readonly username: pulumi.Output<string | undefined>;
    /** The paired token's serial. */
    declare readonly serialNumber: pulumi.Output<string>;
    /** The MFA device's id (UUID). */
    declare readonly deviceId: pulumi.Output<string>;
    /** `ACTIVATION_REQUIRED` until activated, then `ACTIVE` (as of the last create or refresh). */
    declare readonly status: pulumi.Output<string>;
    /** The device existed before this resource and was adopted. */
    declare readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: OathTokenDeviceArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            environmentId: args.environmentId,
            userId: args.userId,
            username: args.username,
            serialNumber: args.serialNumber,
            adopt: args.adopt,
            connection: args.connection === undefined ? undefined : pulumi.secret(args.connection),
            deviceId: undefined,
            status: undefined,
            adopted: undefined,
        };
        super("OathTokenDevice", providerExport, name, props, opts, ["connection"]);
    }
}
