import * as OTPAuth from "otpauth";

/** A token's seed, from which its codes can be computed. All of it is secret. */
export interface OtpSeed {
    /** The shared secret, hex. */
    secret: string;
    type: "HOTP" | "TOTP";
    /** 6 (default) or 8. */
    digits?: number;
    /** `HmacSHA1` (default), `HmacSHA256` or `HmacSHA512`. */
    algorithm?: string;
    /** HOTP: the counter PingOne expects next (default 0). */
    counter?: number;
    /** TOTP: 30 (default) or 60 seconds. */
    timeStep?: number;
}

export interface SeedCodes {
    /** The code to send first. */
    otp: string;
    /** The code after it, sent only if PingOne asks for a resync. */
    nextOtp: string;
}

const otpauthAlgorithm: Record<string, string> = { HmacSHA1: "SHA1", HmacSHA256: "SHA256", HmacSHA512: "SHA512" };

/**
 * Computes the codes the physical token would show. This proves possession of the seed file, not of
 * the token itself. HOTP: the codes at the expected counter and the one after. TOTP: the current
 * time step's code and the next step's.
 */
export function codesFromSeed(seed: OtpSeed, nowMs: number = Date.now()): SeedCodes {
    const secret = OTPAuth.Secret.fromHex(seed.secret);
    const digits = seed.digits ?? 6;
    const algorithm = otpauthAlgorithm[seed.algorithm ?? "HmacSHA1"] ?? "SHA1";
    if (seed.type === "HOTP") {
        const counter = seed.counter ?? 0;
        return {
            otp: OTPAuth.HOTP.generate({ secret, counter, digits, algorithm }),
            nextOtp: OTPAuth.HOTP.generate({ secret, counter: counter + 1, digits, algorithm }),
        };
    }
    const period = seed.timeStep ?? 30;
    return {
        otp: OTPAuth.TOTP.generate({ secret, period, digits, algorithm, timestamp: nowMs }),
        nextOtp: OTPAuth.TOTP.generate({ secret, period, digits, algorithm, timestamp: nowMs + period * 1000 }),
    };
}
