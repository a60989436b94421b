// The sample tenant the CLI starts with when no --seed is given; exported so tests and demos can
// reuse the same fixed ids. Every token uses the RFC 4226/6238 test secret, so expected OTPs can
// be checked against the RFC tables.
import type { EmulatorSeed } from "./types";

export const SAMPLE_ENVIRONMENT_ID = "5f0d5a4e-1c2b-4e7a-9b3d-8a6f2c1e0d9b";
export const SAMPLE_CLIENT_ID = "emulator-client";
export const SAMPLE_CLIENT_SECRET = "emulator-secret";
/** ASCII "12345678901234567890" in hex: the RFC 4226 Appendix D / RFC 6238 Appendix B SHA1 key. */
export const RFC_TEST_SECRET_HEX = "3132333435363738393031323334353637383930";

export const SAMPLE_USER_IDS = {
    alice: "a11ce000-0000-4000-8000-000000000001",
    bob: "b0b00000-0000-4000-8000-000000000002",
    carol: "ca201000-0000-4000-8000-000000000003",
} as const;

/** A fresh copy each call, so callers may change it freely. */
export function sampleSeed(): EmulatorSeed {
    return {
        environments: [
            {
                id: SAMPLE_ENVIRONMENT_ID,
                clients: [{ clientId: SAMPLE_CLIENT_ID, clientSecret: SAMPLE_CLIENT_SECRET }],
                users: [
                    { id: SAMPLE_USER_IDS.alice, username: "alice" },
                    { id: SAMPLE_USER_IDS.bob, username: "bob" },
                    { id: SAMPLE_USER_IDS.carol, username: "carol" },
                ],
                tokens: [
                    { serialNumber: "HOTP0001", secret: RFC_TEST_SECRET_HEX, type: "HOTP", otpLength: 6, counter: 0 },
                    { serialNumber: "HOTP0002", secret: RFC_TEST_SECRET_HEX, type: "HOTP", otpLength: 6, counter: 0 },
                    { serialNumber: "HOTP0003", secret: RFC_TEST_SECRET_HEX, type: "HOTP", otpLength: 8, counter: 0 },
                    { serialNumber: "TOTP0001", secret: RFC_TEST_SECRET_HEX, type: "TOTP", otpLength: 6, timeStep: 30 },
                    {
                        serialNumber: "TOTP0002",
                        secret: RFC_TEST_SECRET_HEX,
                        type: "TOTP",
                        otpLength: 8,
                        timeStep: 30,
                        hashAlgorithm: "HmacSHA1",
                    },
                    {
                        serialNumber: "TOTP0003",
                        secret: RFC_TEST_SECRET_HEX,
                        type: "TOTP",
                        otpLength: 6,
                        timeStep: 60,
                        hashAlgorithm: "HmacSHA256",
                    },
                ],
                maxAllowedDevices: 5,
            },
        ],
    };
}
