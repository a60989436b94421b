// OTP verification with server-side windows. Codes come from otpauth (real RFC 4226 HMAC
// truncation); the windows are ours: otpauth's validate() also searches backwards, and a server
// must never accept a counter behind its own (that would let a replayed code in).
import { timingSafeEqual } from "node:crypto";
import { HOTP, Secret } from "otpauth";
import type { HotpTokenRecord, OathTokenRecord, TotpTokenRecord } from "./store";
import type { HashAlgorithm } from "./types";

export interface OtpWindows {
    hotpLookAhead: number;
    hotpResyncWindow: number;
    totpSkewSteps: number;
    totpResyncSteps: number;
}

export interface OtpKey {
    secretHex: string;
    otpLength: 6 | 8;
    hashAlgorithm: HashAlgorithm;
}

/** A counter value (HOTP) or time step (TOTP) at which an OTP matched. */
export type OtpDecision =
    | { kind: "accept"; position: number }
    /** Matched only inside the resync window: a second, consecutive OTP must confirm it. */
    | { kind: "resync"; position: number }
    | { kind: "reject" };

const OTPAUTH_ALGORITHM: Record<HashAlgorithm, string> = {
    HmacSHA1: "SHA1",
    HmacSHA256: "SHA256",
    HmacSHA512: "SHA512",
};

/**
 * The OTP for a counter. TOTP is HOTP over the time step (RFC 6238 §4), so one function serves
 * both: pass the step as the counter.
 */
export function generateOtp(key: OtpKey, counter: number): string {
    return HOTP.generate({
        secret: Secret.fromHex(key.secretHex),
        counter,
        digits: key.otpLength,
        algorithm: OTPAUTH_ALGORITHM[key.hashAlgorithm],
    });
}

/** RFC 6238 T = floor(unixSeconds / X). */
export function timeStepAt(nowMs: number, timeStep: number): number {
    return Math.floor(nowMs / 1000 / timeStep);
}

function sameCode(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}

/** Inclusive-exclusive range of positions, lowest first. */
interface Range {
    from: number;
    to: number;
}

export class OtpChecker {
    constructor(
        private readonly windows: OtpWindows,
        private readonly now: () => number,
    ) {}

    /** Checks one OTP. allowResync: the caller asked for oathResync, so the wide window is searched too. */
    check(token: OathTokenRecord, otp: string, allowResync: boolean): OtpDecision {
        const direct = this.findMatch(token, otp, this.directRange(token));
        if (direct !== null) return { kind: "accept", position: direct };
        if (!allowResync) return { kind: "reject" };
        const wide = this.findMatch(token, otp, this.resyncRange(token));
        return wide !== null ? { kind: "resync", position: wide } : { kind: "reject" };
    }

    /** Second half of an activation resync: is otp the code right after `position`, and still unused? */
    isNextAfter(token: OathTokenRecord, position: number, otp: string): boolean {
        const next = position + 1;
        if (next < this.lowestUsable(token)) return false;
        return sameCode(generateOtp(token, next), otp);
    }

    /** Resync endpoint: the position of `first` when first and second are consecutive codes inside the resync window. */
    findConsecutivePair(token: OathTokenRecord, first: string, second: string): number | null {
        const range = this.resyncRange(token);
        for (let k = Math.max(range.from, 0); k + 1 < range.to; k++) {
            if (sameCode(generateOtp(token, k), first) && sameCode(generateOtp(token, k + 1), second)) return k;
        }
        return null;
    }

    /** Records an accepted position: HOTP counter moves past it; TOTP remembers it and the drift. */
    commit(token: OathTokenRecord, position: number): void {
        if (token.type === "HOTP") {
            token.counter = position + 1;
        } else {
            token.lastAcceptedStep = position;
            token.drift = position - this.currentStep(token);
        }
    }

    currentStep(token: TotpTokenRecord): number {
        return timeStepAt(this.now(), token.timeStep);
    }

    private lowestUsable(token: OathTokenRecord): number {
        if (token.type === "HOTP") return token.counter;
        return token.lastAcceptedStep === null ? Number.NEGATIVE_INFINITY : token.lastAcceptedStep + 1;
    }

    private directRange(token: OathTokenRecord): Range {
        if (token.type === "HOTP") return this.hotpRange(token, this.windows.hotpLookAhead);
        return this.totpRange(token, this.windows.totpSkewSteps);
    }

    private resyncRange(token: OathTokenRecord): Range {
        if (token.type === "HOTP") return this.hotpRange(token, this.windows.hotpResyncWindow);
        return this.totpRange(token, this.windows.totpResyncSteps);
    }

    private hotpRange(token: HotpTokenRecord, size: number): Range {
        return { from: token.counter, to: token.counter + size };
    }

    /** Steps around T + drift, never at or below the last accepted step. */
    private totpRange(token: TotpTokenRecord, radius: number): Range {
        const centre = this.currentStep(token) + token.drift;
        const from = Math.max(centre - radius, this.lowestUsable(token));
        return { from, to: centre + radius + 1 };
    }

    private findMatch(token: OathTokenRecord, otp: string, range: Range): number | null {
        for (let k = Math.max(range.from, 0); k < range.to; k++) {
            if (sameCode(generateOtp(token, k), otp)) return k;
        }
        return null;
    }
}
