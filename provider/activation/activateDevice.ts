import { PingOneOathError } from "../errors";
import { AmbiguousOutcomeError, PingOneApiError } from "../client/errors";
import { type PingOneClient } from "../client/pingOneClient";
import { backoffDelay } from "../client/retry";
import { sleep } from "../client/requestPacer";
import { type MfaDevice } from "../client/types";

export interface ActivationRequest {
    environmentId: string;
    userId: string;
    deviceId: string;
    /** The code, or how to get it when it is needed (a command, a seed). */
    otp: string | CodeSource;
    /** The next code, read only if PingOne asks for a resync. */
    nextOtp?: string | CodeSource;
    oathResync: boolean;
}

/** Produces a code on demand, so nothing is spent on a device that needs none. */
type CodeSource = () => Promise<string>;

const codeOf = (code: string | CodeSource): Promise<string> =>
    typeof code === "string" ? Promise.resolve(code) : code();

export interface ActivationOutcome {
    device: MfaDevice;
    /** PingOne asked for an extra OTP and got it. */
    resynced: boolean;
    /** The device was already ACTIVE: no OTP was sent. */
    adopted: boolean;
    /** Activate calls sent, each an OTP spent or attempted. */
    activateCalls: number;
}

/** Activation failed; the message names the device and says what to do. */
export class ActivationError extends PingOneOathError {
    constructor(message: string, cause?: unknown) {
        super(message, { cause });
    }
}

export interface ActivationHooks {
    log?: (message: string) => void;
    /** How often a lost answer may be followed by a look and a resend. */
    maxReconciles?: number;
    /**
     * The device as PingOne just returned it (the answer to pairing, which carries its status): the read
     * before the first activate is skipped. Only an answer from this run, never stored state.
     */
    device?: MfaDevice;
}

/**
 * Activates an OATH token device with the OTP (and, when PingOne asks for a resync, the next OTP).
 * Looks before it writes: an ACTIVE device is adopted without spending an OTP, and an activate call
 * whose answer was lost is never repeated before reading what the device's status now is.
 */
export async function activateOathTokenDevice(
    client: PingOneClient,
    request: ActivationRequest,
    hooks: ActivationHooks = {},
): Promise<ActivationOutcome> {
    const { environmentId, userId, deviceId } = request;
    const log = hooks.log ?? (() => undefined);
    const maxReconciles = hooks.maxReconciles ?? 3;
    const where = `device ${deviceId} of user ${userId} in environment ${environmentId}`;
    let activateCalls = 0;

    const device = hooks.device ?? (await client.getDevice(environmentId, userId, deviceId));
    if (!device) {
        throw new ActivationError(
            `The ${where} does not exist. Pair the token with the user first (create the device with OathTokenDevice or in PingOne), ` +
                `or check deviceId and userId.`,
        );
    }
    if (device.type !== "OATH_TOKEN") {
        throw new ActivationError(`The ${where} is a ${device.type} device, not an OATH_TOKEN: check deviceId.`);
    }
    if (device.status === "ACTIVE") {
        log(`${where} is already ACTIVE: adopted without sending an OTP.`);
        return { device, resynced: false, adopted: true, activateCalls };
    }
    if (device.status !== "ACTIVATION_REQUIRED") {
        throw new ActivationError(
            `The ${where} has status ${device.status}; only ACTIVATION_REQUIRED devices can be activated.`,
        );
    }

    /** Sends one OTP; after an ambiguous failure, reads the device and resends only if it is still waiting. */
    /** Set when a lost answer to the first OTP made `send` go on with nextOtp. */
    let nextOtpSpent = false;
    const send = async (otp: string, step: "otp" | "nextOtp"): Promise<MfaDevice> => {
        for (let reconcile = 0; ; reconcile++) {
            try {
                activateCalls++;
                return await client.activateDevice(
                    environmentId,
                    userId,
                    deviceId,
                    otp,
                    step === "nextOtp" ? true : request.oathResync,
                );
            } catch (error) {
                if (!(error instanceof AmbiguousOutcomeError)) {
                    // A resend after a lost answer refused: a slow server may have done the lost call after our look.
                    if (reconcile > 0 && error instanceof PingOneApiError) {
                        const now = await client.getDevice(environmentId, userId, deviceId);
                        if (now?.status === "ACTIVE") {
                            log(`The ${where} turned ACTIVE from the activation whose answer was lost: done.`);
                            return now;
                        }
                    }
                    throw error;
                }
                if (reconcile >= maxReconciles) {
                    throw new ActivationError(
                        `Activating the ${where} failed ${reconcile + 1} times without a clear answer (${error.reason}). ` +
                            `Run pulumi up again: the device will be read first, and adopted if PingOne did activate it.`,
                        error,
                    );
                }
                await sleep(backoffDelay(reconcile + 1, 250, 5_000));
                const now = await client.getDevice(environmentId, userId, deviceId);
                if (now?.status === "ACTIVE") {
                    log(`The answer to activating ${where} was lost, but PingOne shows it ACTIVE: done.`);
                    return now;
                }
                if (!now) throw new ActivationError(`The ${where} disappeared while it was being activated.`, error);
                if (step === "otp" && request.nextOtp !== undefined && !nextOtpSpent) {
                    // PingOne may have answered EXTRA_OTP_REQUIRED and be waiting for the next code: the same
                    // code again would cancel that resync. The next code completes it, or, if the first never
                    // arrived, is accepted on its own (within the HOTP look-ahead or the TOTP skew).
                    log(
                        `The answer to the first OTP for ${where} was lost and it is still ${now.status}: sending nextOtp ` +
                            `(a resync may have started, which the same code again would cancel).`,
                    );
                    otp = await codeOf(request.nextOtp);
                    step = "nextOtp";
                    nextOtpSpent = true;
                    continue;
                }
                log(
                    `The answer to activating ${where} was lost and it is still ${now.status}: sending the ${step} again.`,
                );
            }
        }
    };

    try {
        const activated = await send(await codeOf(request.otp), "otp");
        return { device: activated, resynced: false, adopted: false, activateCalls };
    } catch (error) {
        if (!(error instanceof PingOneApiError && error.hasDetail("EXTRA_OTP_REQUIRED")))
            throw explain(error, nextOtpSpent ? `${where} (nextOtp, after a lost answer)` : where, "otp");
        if (nextOtpSpent) {
            throw new ActivationError(
                `PingOne asks for another code for ${where}: the answer to the first OTP was lost, and nextOtp started a resync. ` +
                    `Run pulumi up again (with fresh codes if you typed them): the device is read first.`,
                error,
            );
        }
    }

    // PingOne matched the OTP inside its resync window and wants the token's next code.
    if (!request.nextOtp) {
        throw new ActivationError(
            `The token of ${where} needs a resync: PingOne accepted the OTP as the start of a resync and needs the token's next code. ` +
                `Set nextOtp to the code the token shows right after this one (press the button again; for TOTP, the next time step) and run pulumi up again ` +
                `(or give the seed or an otpCommand, which supply the next code themselves).`,
        );
    }
    log(`PingOne asked for an extra OTP for ${where}: sending nextOtp to resync the token.`);
    try {
        const activated = await send(await codeOf(request.nextOtp), "nextOtp");
        return { device: activated, resynced: true, adopted: false, activateCalls };
    } catch (error) {
        if (error instanceof PingOneApiError && error.hasDetail("EXTRA_OTP_REQUIRED")) {
            throw new ActivationError(
                `PingOne asked for yet another OTP after nextOtp for ${where}: otp and nextOtp must be two consecutive codes of the token. ` +
                    `Read two fresh consecutive codes and run pulumi up again.`,
                error,
            );
        }
        throw explain(error, where, "nextOtp");
    }
}

function explain(error: unknown, where: string, property: "otp" | "nextOtp"): Error {
    if (error instanceof PingOneApiError) {
        const codes = [error.code, ...error.detailCodes].filter(Boolean).join("/");
        if (error.hasDetail("INVALID_OTP")) {
            return new ActivationError(
                `PingOne rejected the ${property} for ${where} (${codes}): the code is wrong, already used or outside the token's window. ` +
                    `Read a fresh code from the token (and set nextOtp to the one after it if the token needs a resync) and run pulumi up again.`,
                error,
            );
        }
        return new ActivationError(
            `Activating the ${where} failed: PingOne answered ${error.status} ${codes}: ${error.envelope.message ?? ""}.`,
            error,
        );
    }
    return error instanceof Error ? error : new Error(String(error));
}
