import type * as pulumi from "@pulumi/pulumi";
import { type ConnectionSettings } from "../client/connection";
import { type MfaDevice } from "../client/types";
import { clientFor, configureFromStack, logInfo } from "../providerHost";
import { InputChecker, diffByKeys, isUnknown } from "../validation";
import { type ActivationRequest, activateOathTokenDevice } from "./activateDevice";
import { type OtpSeed, type SeedCodes, codesFromSeed } from "../otp/otpFromSeed";
import { codeFromCommand } from "../otp/otpFromCommand";

/** Inputs as the provider receives them: resolved, secrets as plain strings. */
export interface OathTokenActivationInputs {
    environmentId: string;
    userId: string;
    deviceId: string;
    otp?: string;
    nextOtp?: string;
    /** Instead of otp/nextOtp: the token's seed, from which the codes are computed at create time. */
    seed?: OtpSeed;
    /** Instead of otp/nextOtp: a command printing the token's current code, run when a code is needed. */
    otpCommand?: string;
    oathResync: boolean;
    deleteDeviceOnDestroy: boolean;
    connection?: ConnectionSettings;
}

/** What is stored as the resource's outputs. No OTP, ever. */
export interface OathTokenActivationOutputs {
    environmentId: string;
    userId: string;
    deviceId: string;
    status: string;
    type: string;
    serialNumber?: string;
    resynced: boolean;
    deleteDeviceOnDestroy: boolean;
    /** Kept so refresh and destroy reach the same PingOne; marked secret by the resource. */
    connection?: ConnectionSettings;
}

/** Properties whose change means a different activation, so a new resource. */
const replaceKeys = ["environmentId", "userId", "deviceId"] as const;
/** Properties that only change how the resource is managed. OTPs are one-shot and never diffed. */
const updateKeys = ["deleteDeviceOnDestroy", "connection"] as const;

export const oathTokenActivationProvider: pulumi.dynamic.ResourceProvider<
    OathTokenActivationInputs,
    OathTokenActivationOutputs
> = {
    async configure(request) {
        configureFromStack(request);
    },

    async check(_olds, news) {
        const checker = new InputChecker(news as unknown as Record<string, unknown>);
        checker.pingOneId("environmentId", "PingOne environment id");
        checker.pingOneId("userId", "PingOne user id");
        checker.pingOneId("deviceId", "id of the user's OATH_TOKEN device");
        const seed = news.seed as unknown;
        const sources = [
            news.otp !== undefined || news.nextOtp !== undefined,
            seed !== undefined && seed !== null,
            news.otpCommand !== undefined,
        ];
        if (sources.filter(Boolean).length > 1) {
            checker.fail("otp", "Give the codes one way: otp (and nextOtp), or seed, or otpCommand.");
        }
        if (news.otpCommand !== undefined) {
            if (!isUnknown(news.otpCommand) && (typeof news.otpCommand !== "string" || news.otpCommand.trim() === "")) {
                checker.fail(
                    "otpCommand",
                    "otpCommand must be a shell command that prints the token's current code, e.g. `ykman oath accounts code -s 'PingOne:alice'`.",
                );
            }
        } else if (seed !== undefined && seed !== null) {
            if (isUnknown(seed)) {
                // Resolved at apply time.
            } else if (typeof seed !== "object" || Array.isArray(seed)) {
                checker.fail(
                    "seed",
                    "seed must be an object: { secret (hex), type (HOTP|TOTP), otpLength, hashAlgorithm, counter | timeStep }.",
                );
            } else {
                checker.oathToken("seed.", false);
            }
        } else {
            checker.otp(
                "otp",
                true,
                "Set otp to the code the token shows now (press the button on a HOTP token), or give the token's seed.",
            );
        }
        checker.otp("nextOtp", false, "Set nextOtp to the token's next code, or leave it out.");
        if (typeof news.otp === "string" && news.otp !== "" && !isUnknown(news.otp) && news.otp === news.nextOtp) {
            checker.fail(
                "nextOtp",
                "nextOtp must be the token's next code, not the same code as otp: press the button again (HOTP) or wait for the next time step (TOTP).",
            );
        }
        checker.boolean("oathResync");
        checker.boolean("deleteDeviceOnDestroy");
        checker.connection();
        return {
            inputs: {
                ...news,
                oathResync: news.oathResync ?? true,
                deleteDeviceOnDestroy: news.deleteDeviceOnDestroy ?? false,
            },
            failures: checker.failures,
        };
    },

    async diff(_id, olds, news) {
        return diffByKeys(
            olds as unknown as Record<string, unknown>,
            news as unknown as Record<string, unknown>,
            replaceKeys,
            updateKeys,
            false,
        );
    },

    async create(inputs) {
        const client = await clientFor(inputs.connection, inputs.environmentId);
        const codes = codeSources(inputs);
        const outcome = await activateOathTokenDevice(
            client,
            { ...inputs, ...codes, oathResync: inputs.oathResync ?? true },
            { log: logInfo },
        );
        return { id: inputs.deviceId, outs: outputsOf(inputs, outcome.device, outcome.resynced) };
    },

    async read(id, state) {
        if (!state) throw new Error(`Cannot refresh activation ${id}: no prior state (import is not supported).`);
        const props = state;
        const client = await clientFor(props.connection, props.environmentId);
        const device = await client.getDevice(props.environmentId, props.userId, id);
        if (!device) return {}; // gone: the engine drops the resource from state
        return { id, props: outputsOf(props, device, props.resynced ?? false) };
    },

    async update(id, olds, news) {
        const client = await clientFor(news.connection, news.environmentId);
        const device = await client.getDevice(news.environmentId, news.userId, id);
        if (!device) {
            throw new Error(
                `The device ${id} of user ${news.userId} no longer exists in PingOne. Run pulumi refresh to drop this activation, then pulumi up with fresh OTPs.`,
            );
        }
        return { outs: outputsOf(news, device, olds.resynced ?? false) };
    },

    async delete(id, props) {
        const where = `device ${id} of user ${props.userId} in environment ${props.environmentId}`;
        if (!props.deleteDeviceOnDestroy) {
            logInfo(
                `An activation cannot be undone: the ${where} stays in PingOne, ACTIVE. Set deleteDeviceOnDestroy: true to delete the device on destroy.`,
            );
            return;
        }
        const client = await clientFor(props.connection, props.environmentId);
        const deleted = await client.deleteDevice(props.environmentId, props.userId, id);
        logInfo(deleted ? `Deleted the ${where}.` : `The ${where} was already gone.`);
    },
};

/** Codes are produced only when needed: no command run and no HOTP press spent on an ACTIVE device. */
function codeSources(inputs: OathTokenActivationInputs): Pick<ActivationRequest, "otp" | "nextOtp"> {
    const command = inputs.otpCommand;
    if (command) return { otp: () => codeFromCommand(command), nextOtp: () => codeFromCommand(command) };
    const seed = inputs.seed;
    if (seed) {
        // Computed at the last moment, so a TOTP code is fresh; the next code follows the first.
        let codes: SeedCodes | undefined;
        const compute = () => (codes ??= codesFromSeed(seed));
        return { otp: async () => compute().otp, nextOtp: async () => compute().nextOtp };
    }
    return { otp: inputs.otp!, nextOtp: inputs.nextOtp };
}

function outputsOf(
    settings: Pick<OathTokenActivationInputs, "environmentId" | "userId" | "deleteDeviceOnDestroy" | "connection">,
    device: MfaDevice,
    resynced: boolean,
): OathTokenActivationOutputs {
    const outs = {
        environmentId: settings.environmentId,
        userId: settings.userId,
        deviceId: device.id,
        status: device.status,
        type: device.type,
        serialNumber: device.serialNumber,
        resynced,
        deleteDeviceOnDestroy: settings.deleteDeviceOnDestroy ?? false,
        connection: settings.connection,
    } satisfies OathTokenActivationOutputs;
    // Undefined values are not storable; drop them.
    return JSON.parse(JSON.stringify(outs)) as OathTokenActivationOutputs;
}
