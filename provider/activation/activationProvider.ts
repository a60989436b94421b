import { type ConnectionSettings } from "../client/connection";
import { type MfaDevice } from "../client/types";
import { defineProvider } from "../dynamic/defineProvider";
import { logInfo, referencedSecretProblem, secretValue } from "../providerHost";
import { type SecretReference, isSecretReference } from "../secretReference";
import { isUnknown } from "../validation";
import { type ActivationRequest, activateOathTokenDevice } from "./activateDevice";
import { type OtpSeed } from "../otp/otpFromSeed";
import { activateWithSeed } from "./seedActivation";
import { codeFromCommand } from "../otp/otpFromCommand";

/** Inputs as the provider receives them: resolved, secrets as plain strings. */
export interface OathTokenActivationInputs {
    environmentId: string;
    userId: string;
    deviceId: string;
    /** The code, or where the provider host reads it (`SecretReference`). */
    otp?: string | SecretReference;
    nextOtp?: string | SecretReference;
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

/**
 * The activation of an `OATH_TOKEN` device: PingOne's activate call with the code the token shows, and the
 * next code when PingOne answers `EXTRA_OTP_REQUIRED` (resync). Its id is the device id.
 */
export const oathTokenActivationProvider = defineProvider<
    OathTokenActivationInputs,
    OathTokenActivationOutputs,
    MfaDevice
>({
    kind: "activation",
    // Another user, device or environment is another activation.
    replaceKeys: ["environmentId", "userId", "deviceId"],
    // How the resource is managed; OTPs are one-shot and never diffed.
    updateKeys: ["deleteDeviceOnDestroy", "connection"],
    deleteBeforeReplace: false,

    check(news, checker) {
        checker.pingOneId("environmentId", "PingOne environment id");
        checker.pingOneId("userId", "PingOne user id");
        checker.pingOneId("deviceId", "id of the user's OATH_TOKEN device");
        const seed = news.seed;
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
        } else if (!isSecretReference(news.otp)) {
            checker.otp(
                "otp",
                true,
                "Set otp to the code the token shows now (press the button on a HOTP token), or give the token's seed.",
            );
        }
        for (const key of ["otp", "nextOtp"] as const) {
            const ref = news[key];
            if (!isSecretReference(ref)) continue;
            const problem = referencedSecretProblem(ref, (code) =>
                /^\d{6,8}$/.test(code) ? undefined : `${key} must be the 6 to 8 digit code the token shows`,
            );
            if (problem) checker.fail(key, problem);
        }
        if (!isSecretReference(news.nextOtp))
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
        // The checks above vouch for the shape (at preview some values may still be unknown).
        return {
            ...(news as unknown as OathTokenActivationInputs),
            oathResync: news.oathResync ?? true,
            deleteDeviceOnDestroy: news.deleteDeviceOnDestroy ?? false,
        } as OathTokenActivationInputs;
    },

    async create(client, inputs) {
        const { environmentId, userId, deviceId, oathResync } = inputs;
        const request = { environmentId, userId, deviceId, oathResync };
        const outcome = inputs.seed
            ? await activateWithSeed(client, { ...request, seed: inputs.seed }, { log: logInfo })
            : await activateOathTokenDevice(client, { ...request, ...codeSources(inputs) }, { log: logInfo });
        return { id: inputs.deviceId, outs: outputsOf(inputs, outcome.device, outcome.resynced) };
    },

    fetch: (client, id, state) => client.getDevice(state.environmentId, state.userId, id),
    outputs: (settings, device, previous) => outputsOf(settings, device, previous.resynced),
    describe: (id, state) => `The device ${id} of user ${state.userId}`,

    async delete(client, id, state) {
        const where = `device ${id} of user ${state.userId} in environment ${state.environmentId}`;
        if (!state.deleteDeviceOnDestroy) {
            logInfo(
                `An activation cannot be undone: the ${where} stays in PingOne as it is (whoever paired it, e.g. an ` +
                    `OathTokenDevice, removes it; deleteDeviceOnDestroy: true makes the activation delete it).`,
            );
            return;
        }
        const deleted = await (await client()).deleteDevice(state.environmentId, state.userId, id);
        logInfo(deleted ? `Deleted the ${where}.` : `The ${where} was already gone.`);
    },
});

/** Codes are produced only when needed: no command run on an ACTIVE device. (Seeds: `activateWithSeed`.) */
function codeSources(inputs: OathTokenActivationInputs): Pick<ActivationRequest, "otp" | "nextOtp"> {
    const command = inputs.otpCommand;
    if (command) return { otp: () => codeFromCommand(command), nextOtp: () => codeFromCommand(command) };
    // check() made otp required when there is neither a seed nor a command. References are read when sent.
    const { otp, nextOtp } = inputs;
    return {
        otp: otp === undefined ? "" : async () => secretValue(otp),
        nextOtp: nextOtp === undefined ? undefined : async () => secretValue(nextOtp),
    };
}

function outputsOf(
    settings: Pick<OathTokenActivationInputs, "environmentId" | "userId" | "deleteDeviceOnDestroy" | "connection">,
    device: MfaDevice,
    resynced: boolean,
): OathTokenActivationOutputs {
    return {
        environmentId: settings.environmentId,
        userId: settings.userId,
        deviceId: device.id,
        status: device.status,
        type: device.type,
        serialNumber: device.serialNumber,
        resynced,
        deleteDeviceOnDestroy: settings.deleteDeviceOnDestroy ?? false,
        connection: settings.connection,
    };
}
