import { PingOneApiError } from "../client/errors";
import { type PingOneClient } from "../client/pingOneClient";
import { oathTokenDefaults } from "../model/oathToken";
import { type OtpSeed, type SeedCodes, codesFromSeed } from "../otp/otpFromSeed";
import {
    ActivationError,
    type ActivationHooks,
    type ActivationOutcome,
    type ActivationRequest,
    activateOathTokenDevice,
} from "./activateDevice";

export interface SeedActivationRequest extends Omit<ActivationRequest, "otp" | "nextOtp"> {
    seed: OtpSeed;
    /** The token's serial, when known: saves reading the device to find it on the counter path. */
    serialNumber?: string;
}

/**
 * Activates with codes computed from the seed, at the last moment (so a TOTP code is fresh).
 *
 * A HOTP token's counter moves on in PingOne with every code it accepts, and stays with the token when it
 * is unpaired. So a token activated before (for another user, or by an earlier device) refuses the seed
 * file's first codes. When they are refused as invalid, this reads the counter PingOne holds for the token
 * and, if it differs from the one used, activates once more with the codes from it: re-pairing and
 * reassignment converge in one run. One or two reads, only on that path.
 */
export async function activateWithSeed(
    client: PingOneClient,
    request: SeedActivationRequest,
    hooks: ActivationHooks = {},
): Promise<ActivationOutcome> {
    const { seed, serialNumber, ...rest } = request;
    let codes: SeedCodes | undefined;
    const compute = () => (codes ??= codesFromSeed(seed));
    try {
        return await activateOathTokenDevice(
            client,
            { ...rest, otp: async () => compute().otp, nextOtp: async () => compute().nextOtp },
            hooks,
        );
    } catch (error) {
        const refused =
            error instanceof ActivationError &&
            error.cause instanceof PingOneApiError &&
            error.cause.hasDetail("INVALID_OTP");
        if (seed.type !== "HOTP" || !refused) throw error;
        const serial =
            serialNumber ?? (await client.getDevice(rest.environmentId, rest.userId, rest.deviceId))?.serialNumber;
        const token = serial ? await client.findOathTokenBySerial(rest.environmentId, serial) : undefined;
        const counter = token?.hotp?.counter;
        const used = seed.counter ?? oathTokenDefaults.counter;
        if (counter === undefined || counter === used) throw error;
        hooks.log?.(
            `Token ${serial}: PingOne's counter is ${counter}, not the seed's ${used} (the token was activated before): ` +
                `activating with the codes from ${counter}.`,
        );
        const fromServer = codesFromSeed({ ...seed, counter });
        // The device was just read as waiting; the known-device shortcut would be stale now.
        return activateOathTokenDevice(
            client,
            { ...rest, otp: fromServer.otp, nextOtp: fromServer.nextOtp },
            { ...hooks, device: undefined },
        );
    }
}
