import * as pulumi from "@pulumi/pulumi";
import type * as activationProvider from "./activationProvider";
import { lazyProvider } from "../dynamic/lazyProvider";
import { type ConnectionArgs, ModuleBackedResource } from "../dynamic/moduleBackedResource";
import { type SecretReference, isSecretReference } from "../secretReference";
import { type OtpSeed } from "../otp/otpFromSeed";
import { type OathTokenActivationInputs, type OathTokenActivationOutputs } from "./activationProvider";

/** The provider-host entry's export that runs this resource (checked against the module it re-exports). */
const providerExport = "oathTokenActivationProvider" satisfies keyof typeof activationProvider;

/** A token seed as resource inputs. */
export type OtpSeedArgs = { [K in keyof OtpSeed]: pulumi.Input<OtpSeed[K]> };

/**
 * The arguments for activating a PingOne OATH token device.
 */
export interface OathTokenActivationArgs {
    /** The PingOne environment (UUID) the user lives in. */
    environmentId: pulumi.Input<string>;
    /** The PingOne user (UUID) the token is paired with. */
    userId: pulumi.Input<string>;
    /** The user's OATH_TOKEN device (UUID), in status ACTIVATION_REQUIRED. */
    deviceId: pulumi.Input<string>;
    /**
     * The code the token shows now (6–8 digits). One-shot: it is stored only as a secret, and a
     * later change of it is not a change of the resource.
     */
    otp?: pulumi.Input<string> | SecretReference;
    /**
     * The token's next code, used only when PingOne answers `EXTRA_OTP_REQUIRED` (the token needs a
     * resync). Secret, one-shot like `otp`.
     */
    nextOtp?: pulumi.Input<string> | SecretReference;
    /**
     * Instead of `otp`/`nextOtp`: the token's seed (hex secret, type, digits, algorithm, counter or
     * timeStep). The codes are computed when the resource is created: the current TOTP (and the next
     * step's for a resync) or the HOTP at `counter` (and the one after). Stored as a secret. This proves
     * possession of the seed file, not of the physical token.
     */
    seed?: pulumi.Input<OtpSeedArgs>;
    /**
     * Instead of codes or a seed: a shell command that prints the token's current code, run when the
     * activation needs one (and again for a resync), e.g. `ykman oath accounts code -s 'PingOne:alice'`
     * for a YubiKey, whose seed cannot be read back. A HOTP counter is spent only when needed.
     */
    otpCommand?: pulumi.Input<string>;
    /** Lets PingOne resync the token if needed (default `true`). */
    oathResync?: pulumi.Input<boolean>;
    /**
     * Activation cannot be undone; by default `pulumi destroy` leaves the device in PingOne. Set
     * `true` to delete the device on destroy.
     */
    deleteDeviceOnDestroy?: pulumi.Input<boolean>;
    /**
     * How to reach PingOne, overriding stack config (`pingone:*`) and `PINGONE_*` environment
     * variables. Stored as a secret.
     */
    connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * The provider as a plain `pulumi.dynamic.ResourceProvider`, for your own `pulumi.dynamic.Resource`: a
 * small stub that loads `activationProvider` in the provider host, so its serialized text stays small.
 * (`OathTokenActivation` itself stores an even smaller module text; see `ModuleBackedResource`.)
 */
export const oathTokenActivationProvider = lazyProvider<OathTokenActivationInputs, OathTokenActivationOutputs>(
    providerExport,
);

/**
 * Activates a hardware OATH token (HOTP/TOTP) device of a PingOne user by posting the code the token
 * shows, and resyncs the token with `nextOtp` when PingOne asks for it. A device that is already
 * ACTIVE is adopted without sending a code, so re-runs converge.
 *
 * Type token: `pulumi-nodejs:dynamic/pingone:OathTokenActivation`. Id: the device id.
 *
 * @example
 * new OathTokenActivation("alice-fob", {
 *     environmentId,
 *     userId: device.userId,
 *     deviceId: device.deviceId,
 *     otp: { config: "myproject:aliceOtp" }, // the code the fob shows now (pulumi config set --secret)
 *     nextOtp: { config: "myproject:aliceNextOtp" }, // the one after, used only for a resync
 * });
 */
export class OathTokenActivation extends ModuleBackedResource {
    /** The environment of the device. */
    declare readonly environmentId: pulumi.Output<string>;
    /** The user the device belongs to. */
    declare readonly userId: pulumi.Output<string>;
    /** The activated device. */
    declare readonly deviceId: pulumi.Output<string>;
    /** The device's status in PingOne: `ACTIVE` after activation. */
    declare readonly status: pulumi.Output<string>;
    /** The device type, `OATH_TOKEN`. */
    declare readonly type: pulumi.Output<string>;
    /** The token's serial number, when PingOne returns it. */
    declare readonly serialNumber: pulumi.Output<string | undefined>;
    /** Whether PingOne asked for an extra OTP and the token was resynced. */
    declare readonly resynced: pulumi.Output<boolean>;
    /** Whether destroy deletes the device. */
    declare readonly deleteDeviceOnDestroy: pulumi.Output<boolean>;

    constructor(name: string, args: OathTokenActivationArgs, opts?: pulumi.CustomResourceOptions) {
        // A fresh object per resource: the base class adds __provider to it.
        const props = {
            environmentId: args.environmentId,
            userId: args.userId,
            deviceId: args.deviceId,
            otp: secretOrReference(args.otp),
            seed: args.seed === undefined ? undefined : pulumi.secret(args.seed),
            otpCommand: args.otpCommand,
            nextOtp: secretOrReference(args.nextOtp),
            oathResync: args.oathResync,
            deleteDeviceOnDestroy: args.deleteDeviceOnDestroy,
            connection: args.connection === undefined ? undefined : pulumi.secret(args.connection),
            // Output-only properties must exist as keys to become outputs.
            status: undefined,
            type: undefined,
            serialNumber: undefined,
            resynced: undefined,
        };
        super("OathTokenActivation", providerExport, name, props, opts, ["connection"]);
    }
}

/** A reference stays as it is (the provider host reads the value); a value is marked secret. */
function secretOrReference(value: pulumi.Input<string> | SecretReference | undefined) {
    if (value === undefined || isSecretReference(value)) return value;
    return pulumi.secret(value);
}
