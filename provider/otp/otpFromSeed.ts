import * as OTPAuth from "otpauth";
import { oathTokenDefaults, withOathTokenDefaults, type OathTokenParameters } from "../model/oathToken";

/**
 * A token's seed, from which its codes can be computed: the token model's parameters, with PingOne's
 * defaults for what is left out (6 digits, HmacSHA1, counter 0, 30 s). All of it is secret.
 */
export type OtpSeed = Pick<OathTokenParameters, "secret" | "type"> &
    Partial<Pick<OathTokenParameters, "otpLength" | "hashAlgorithm" | "counter" | "timeStep">>;

export interface SeedCodes {
    /** The code to send first. */
    otp: string;
    /** The code after it, sent only if PingOne asks for a resync. */
    nextOtp: string;
}

/**
 * Computes the codes the physical token would show (RFC 4226 HOTP, RFC 6238 TOTP, with `otpauth`). This
 * proves possession of the seed file, not of the token itself. HOTP: the codes at the expected counter and
 * the one after. TOTP: the code of the time step holding `nowMs` (milliseconds) and the next step's.
 */
export function codesFromSeed(seed: OtpSeed, nowMs: number = Date.now()): SeedCodes {
    const token = withOathTokenDefaults(seed);
    const options = {
        secret: OTPAuth.Secret.fromHex(token.secret),
        digits: token.otpLength,
        algorithm: token.hashAlgorithm.replace(/^Hmac/, ""), // otpauth's "SHA1", "SHA256", "SHA512"
    };
    if (token.type === "HOTP") {
        const counter = token.counter ?? oathTokenDefaults.counter;
        return {
            otp: OTPAuth.HOTP.generate({ ...options, counter }),
            nextOtp: OTPAuth.HOTP.generate({ ...options, counter: counter + 1 }),
        };
    }
    const period = token.timeStep ?? oathTokenDefaults.timeStep;
    return {
        otp: OTPAuth.TOTP.generate({ ...options, period, timestamp: nowMs }),
        nextOtp: OTPAuth.TOTP.generate({ ...options, period, timestamp: nowMs + period * 1000 }),
    };
}
