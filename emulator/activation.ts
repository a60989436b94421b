// The activation state machine of an OATH_TOKEN device, including PingOne's two-call resync:
// a first OTP found only in the wide window answers EXTRA_OTP_REQUIRED and is remembered on the
// device; the very next activate call must carry the following OTP (with oathResync: true).
// Source: https://developer.pingidentity.com/pingone-api/mfa/users/mfa-devices/activate_device_oath_token.html
// ("Devices with a status of ACTIVATION_REQUIRED are activated using a valid one-time password"; its example
// response is the EXTRA_OTP_REQUIRED body below). A wrong, reused or out-of-window OTP answers
// INVALID_DATA / INVALID_OTP on otp: PingOne lists INVALID_OTP among its detail codes but shows no example.
import { type ApiError, detail, invalidData, requestFailed } from "./errors";
import type { OtpChecker } from "./otpCheck";
import { timestamp, type DeviceRecord, type OathTokenRecord } from "./store";

function extraOtpRequired(): ApiError {
    // Shape and wording exactly as PingOne's documented response.
    return invalidData(detail("EXTRA_OTP_REQUIRED", "An extra OTP is required", "otp"));
}

export function invalidOtp(target: string): ApiError {
    return invalidData(detail("INVALID_OTP", "The OTP is invalid", target));
}

/** The activate request body, validated: an OTP of digits and an optional boolean oathResync. */
export function parseActivateBody(body: Record<string, unknown>): { otp: string; oathResync: boolean } {
    const { otp, oathResync } = body;
    if (otp === undefined || otp === null || otp === "") {
        throw invalidData(detail("REQUIRED_VALUE", "otp is required", "otp"));
    }
    if (typeof otp !== "string" || !/^\d{1,10}$/.test(otp)) {
        throw invalidData(
            detail("INVALID_VALUE", "otp must be a string of digits", "otp", { allowedPattern: "^[0-9]+$" }),
        );
    }
    if (oathResync !== undefined && oathResync !== null && typeof oathResync !== "boolean") {
        throw invalidData(detail("INVALID_VALUE", "oathResync must be a boolean", "oathResync"));
    }
    return { otp, oathResync: oathResync === true };
}

/** Activates the device or throws the PingOne error the attempt earns. Mutates device and token. */
export function activateDevice(
    checker: OtpChecker,
    device: DeviceRecord,
    token: OathTokenRecord,
    otp: string,
    oathResync: boolean,
): void {
    if (device.status !== "ACTIVATION_REQUIRED") {
        // PingOne documents no answer for activating an ACTIVE device, only that ACTIVATION_REQUIRED ones are
        // activated. The emulator refuses with 400 REQUEST_FAILED and no details (nothing in the body is wrong;
        // the device's state is), and spends no OTP.
        throw requestFailed(`The device cannot be activated: its status is ${device.status}.`);
    }

    if (device.pendingResync !== null) {
        // Second call of a resync. Whatever it carries, the pending state is consumed: a wrong
        // second OTP must not leave a half-open resync behind.
        const pending = device.pendingResync;
        device.pendingResync = null;
        if (!oathResync || !checker.isNextAfter(token, pending, otp)) throw invalidOtp("otp");
        accept(checker, device, token, pending + 1);
        return;
    }

    const decision = checker.check(token, otp, oathResync);
    switch (decision.kind) {
        case "accept":
            accept(checker, device, token, decision.position);
            return;
        case "resync":
            device.pendingResync = decision.position;
            device.updatedAt = timestamp();
            throw extraOtpRequired();
        case "reject":
            throw invalidOtp("otp");
    }
}

function accept(checker: OtpChecker, device: DeviceRecord, token: OathTokenRecord, position: number): void {
    checker.commit(token, position);
    const now = timestamp();
    token.updatedAt = now;
    device.status = "ACTIVE";
    device.updatedAt = now;
}
