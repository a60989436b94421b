import { strict as assert } from "node:assert";
import { Secret } from "otpauth";
import { base32ToHex, hexSecretToHex } from "../../../provider/seeds";

describe("seeds/secretEncoding", () => {
    describe("base32ToHex", () => {
        const known: Array<[string, string]> = [
            ["GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "3132333435363738393031323334353637383930"], // "12345678901234567890"
            ["JBSWY3DPEHPK3PXP", "48656c6c6f21deadbeef"],
            // RFC 4648 section 10 vectors ("f", "fo", "foo", "foob", "fooba", "foobar").
            ["MY======", "66"],
            ["MZXQ====", "666f"],
            ["MZXW6===", "666f6f"],
            ["MZXW6YQ=", "666f6f62"],
            ["MZXW6YTB", "666f6f6261"],
            ["MZXW6YTBOI======", "666f6f626172"],
        ];
        for (const [base32, hex] of known) {
            it(`${base32} -> ${hex}`, () => {
                assert.deepEqual(base32ToHex(base32), { hex });
                assert.equal(Secret.fromBase32(base32.replace(/=+$/, "")).hex.toLowerCase(), hex); // agrees with otpauth
            });
        }

        it("accepts lowercase, missing padding and spaces", () => {
            assert.deepEqual(base32ToHex("gezd gnbv gy3t qojq gezd gnbv gy3t qojq"), {
                hex: "3132333435363738393031323334353637383930",
            });
            assert.deepEqual(base32ToHex("MZXW6"), { hex: "666f6f" });
        });

        it("rejects characters outside the alphabet (0, 1, 8, 9, symbols)", () => {
            assert.match(errorOf(base32ToHex("1234567abcdef1234567abcdef")), /not base32/);
            assert.match(errorOf(base32ToHex("JBSWY3DP+HPK3PXP")), /not base32/);
        });

        it("rejects impossible lengths and empty input", () => {
            assert.match(errorOf(base32ToHex("JBSWY3DPE")), /impossible length \(9 characters\)/);
            assert.match(errorOf(base32ToHex("")), /empty/);
        });
    });

    describe("hexSecretToHex", () => {
        it("lowercases and strips whitespace and a 0x prefix", () => {
            assert.deepEqual(hexSecretToHex(" 0xDEAD BEEF "), { hex: "deadbeef" });
        });

        it("rejects odd length, non-hex and empty input", () => {
            assert.match(errorOf(hexSecretToHex("abc")), /odd number of digits \(3\)/);
            assert.match(errorOf(hexSecretToHex("xyz1")), /not hex/);
            assert.match(errorOf(hexSecretToHex("JBSWY3DPEHPK3PXP")), /looks like base32/);
            assert.match(errorOf(hexSecretToHex("")), /empty/);
        });
    });
});

function errorOf(result: { hex: string } | { error: string }): string {
    assert.ok("error" in result, `expected an error, got ${JSON.stringify(result)}`);
    return result.error;
}
