import assert from "node:assert/strict";
import { codesFromSeed } from "../../../provider/otp/otpFromSeed";
import { rfc4226Codes, rfcSecretHex } from "../../support/fixtures";

describe("codes from a seed", () => {
    it("gives the RFC 4226 HOTP codes at the counter and the one after", () => {
        for (let c = 0; c < 9; c++)
            assert.deepEqual(codesFromSeed({ secret: rfcSecretHex, type: "HOTP", counter: c }), {
                otp: rfc4226Codes[c],
                nextOtp: rfc4226Codes[c + 1],
            });
    });

    it("gives the RFC 6238 TOTP codes for SHA1, SHA256 and SHA512, and the next step's", () => {
        const sha256 = Buffer.from("12345678901234567890123456789012").toString("hex");
        const sha512 = Buffer.from("1234567890".repeat(6) + "1234").toString("hex");
        assert.equal(codesFromSeed({ secret: rfcSecretHex, type: "TOTP", otpLength: 8 }, 59_000).otp, "94287082");
        assert.equal(
            codesFromSeed({ secret: sha256, type: "TOTP", otpLength: 8, hashAlgorithm: "HmacSHA256" }, 1111111109_000)
                .otp,
            "68084774",
        );
        assert.equal(
            codesFromSeed({ secret: sha512, type: "TOTP", otpLength: 8, hashAlgorithm: "HmacSHA512" }, 1234567890_000)
                .otp,
            "93441116",
        );
        // 1111111109 and 1111111111 are in consecutive 30 s steps.
        assert.equal(
            codesFromSeed({ secret: rfcSecretHex, type: "TOTP", otpLength: 8 }, 1111111109_000).nextOtp,
            "14050471",
        );
    });
});
