import * as pulumi from "@pulumi/pulumi";
import { type ConnectionArgs } from "../activation/oathTokenActivation";
import { lazyProvider } from "../dynamic/lazyProvider";
import { ModuleBackedResource } from "../dynamic/moduleBackedResource";

export interface OathTokenDeviceArgs {
    /** The PingOne environment (UUID). */
    environmentId: pulumi.Input<string>;
    /** The user's id (UUID). Set this or `username`. */
    userId?: pulumi.Input<string>;
    /** The user's username, looked up in the environment. Set this or `userId`. */
    username?: pulumi.Input<string>;
    /** Serial of a token in the environment's OATH inventory (see `OathToken`). */
    serialNumber: pulumi.Input<string>;
    /** How to reach PingOne; see `OathTokenActivationArgs.connection`. */
    connection?: pulumi.Input<ConnectionArgs>;
}

export const oathTokenDeviceProviderStub: pulumi.dynamic.ResourceProvider = lazyProvider("oathTokenDeviceProvider");

/**
 * Pairs a hardware token with a user: an `OATH_TOKEN` MFA device, created in status
 * `ACTIVATION_REQUIRED` (activate it with `OathTokenActivation`). Before creating, and after any
 * unclear answer, it looks for the user's device with that serial, so no retry or re-run leaves two.
 * Destroy removes the device. Type token: `pulumi-nodejs:dynamic/pingone:OathTokenDevice`. Id: the device id.
 */
export class OathTokenDevice extends ModuleBackedResource {
    declare readonly environmentId: pulumi.Output<string>;
    /** The user's id, resolved from `username` when that was given. */
    declare readonly userId: pulumi.Output<string>;
    declare readonly username: pulumi.Output<string | undefined>;
    declare readonly serialNumber: pulumi.Output<string>;
    /** The MFA device's id. */
    declare readonly deviceId: pulumi.Output<string>;
    /** `ACTIVATION_REQUIRED` until activated. */
    declare readonly status: pulumi.Output<string>;
    declare readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: OathTokenDeviceArgs, opts?: pulumi.CustomResourceOptions) {
        const props = {
            environmentId: args.environmentId,
            userId: args.userId,
            username: args.username,
            serialNumber: args.serialNumber,
            connection: args.connection === undefined ? undefined : pulumi.secret(args.connection),
            deviceId: undefined,
            status: undefined,
            adopted: undefined,
        };
        super("OathTokenDevice", "oathTokenDeviceProvider", name, props, opts, ["connection"]);
    }
}
