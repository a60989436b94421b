// CSV layouts and defaults from issue 9: PingID's missing type, privacyIDEA's key-length hash
// rule and its own export layout, YubiKey Personalization Tool logs and Yubico's serial
// export, and detection that never guesses between layouts.

import { strict as assert } from "node:assert";
import { parseSeedCsv, type SeedLoadResult } from "../../../provider/seeds";
import {
    RFC4226_CODES,
    RFC4226_SECRET_HEX,
    expectSeedFileError,
    hotpCodes,
    totpCode,
} from "../../support/seedFixtures";

const errors = (result: SeedLoadResult) => result.problems.filter((p) => p.severity !== "warning");
const assumedWarning = (result: SeedLoadResult) => result.problems.find((p) => p.cause === "assumed-values");

// RFC 6238 Appendix B seeds in hex: 32 bytes for SHA256, 64 bytes for SHA512.
const SHA256_SEED = "3132333435363738393031323334353637383930313233343536373839303132";
const SHA512_SEED = `${"31323334353637383930".repeat(6)}31323334`;

describe("seeds/csv: PingID rows carry no type", () => {
    const text =
        "2308734700388,3132333435363738393031323334353637383930\n2308734700389,3132333435363738393031323334353637383930\n";

    it("without defaults they load as HOTP, and one warning per file says the type was assumed", () => {
        const result = parseSeedCsv(text, { file: "pingid.csv" });
        assert.deepEqual(
            result.tokens.map((t) => [t.type, t.otpLength, t.counter, t.assumed]),
            [
                ["HOTP", 6, 0, ["type", "otpLength", "counter"]],
                ["HOTP", 6, 0, ["type", "otpLength", "counter"]],
            ],
        );
        const warnings = result.problems.filter((p) => p.severity === "warning");
        assert.equal(warnings.length, 1);
        assert.equal(warnings[0]?.location.file, "pingid.csv");
        assert.match(
            warnings[0]?.message ?? "",
            /PingID layout .* has no type.*assumed: type HOTP \(2 tokens\), digits 6 \(2 tokens\), counter 0 \(2 tokens\)/,
        );
        assert.match(warnings[0]?.message ?? "", /set the defaults option/);
    });

    it("with defaults { type: TOTP, timeStep: 60 } they load as TOTP-60, still with the warning naming the values", () => {
        const result = parseSeedCsv(text, { file: "pingid.csv", defaults: { type: "TOTP", timeStep: 60 } });
        assert.deepEqual(
            result.tokens.map((t) => [t.type, t.timeStep, t.hashAlgorithm, t.counter]),
            [
                ["TOTP", 60, "HmacSHA1", undefined],
                ["TOTP", 60, "HmacSHA1", undefined],
            ],
        );
        // T = 119 s with a 60 s step is counter 1: RFC 4226's second code.
        assert.equal(totpCode(result.tokens[0]!, 119), RFC4226_CODES[1]);
        assert.match(
            assumedWarning(result)?.message ?? "",
            /type TOTP \(2 tokens, from the defaults option\), digits 6 \(2 tokens\), hash HmacSHA1 \(2 tokens\), time step 60 \(2 tokens, from the defaults option\)/,
        );
    });

    it("defaults for digits, hash and counter apply too; a bad default is refused as an option error", () => {
        const result = parseSeedCsv(text, { defaults: { digits: 8, counter: 5 } });
        assert.deepEqual(
            result.tokens.map((t) => [t.otpLength, t.counter]),
            [
                [8, 5],
                [8, 5],
            ],
        );
        expectSeedFileError(
            () => parseSeedCsv(text, { file: "p.csv", defaults: { timeStep: 45 } }),
            /p\.csv: the defaults option is wrong: timeStep 45 must be 30 or 60/,
        );
        expectSeedFileError(
            () => parseSeedCsv(text, { defaults: { hash: "md5" } }),
            /hash "md5" must be SHA1, SHA256 or SHA512/,
        );
    });

    it("a value the file gives is never overridden by a default", () => {
        const result = parseSeedCsv("0001,3132333435363738393031323334353637383930,7\n", { defaults: { counter: 5 } });
        assert.equal(result.tokens[0]?.counter, 7);
        assert.deepEqual(result.tokens[0]?.assumed, ["type", "otpLength"]);
    });
});

describe("seeds/csv: privacyIDEA's key-length convention", () => {
    it("a 64-hex-digit TOTP key is SHA256 and a 128-hex-digit one SHA512, as privacyIDEA's importer reads them", () => {
        const text = `PISHA256T,${SHA256_SEED},totp,8,30\nPISHA512T,${SHA512_SEED},totp,8,30\nPISHA1T,${RFC4226_SECRET_HEX},totp,8,30\n`;
        const result = parseSeedCsv(text, { file: "pi.csv" });
        assert.deepEqual(errors(result), []);
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.hashAlgorithm]),
            [
                ["PISHA256T", "HmacSHA256"],
                ["PISHA512T", "HmacSHA512"],
                ["PISHA1T", "HmacSHA1"],
            ],
        );
        // RFC 6238 Appendix B, T = 59: SHA256 46119246, SHA512 90693936.
        assert.equal(totpCode(result.tokens[0]!, 59), "46119246");
        assert.equal(totpCode(result.tokens[1]!, 59), "90693936");
    });

    it("a HOTP row with such a key is refused (PingOne's HOTP is SHA1 only), saying what to do", () => {
        const result = parseSeedCsv(`PISHA256H,${SHA256_SEED},hotp,6,0\n`, { file: "pi.csv" });
        assert.deepEqual(result.tokens, []);
        assert.match(
            errors(result)[0]?.message ?? "",
            /privacyIDEA reads a 64-hex-digit key as HmacSHA256, but PingOne's HOTP tokens use HmacSHA1 only/,
        );
        assert.deepEqual(errors(result)[0]?.location, { file: "pi.csv", line: 1, serialNumber: "PISHA256H" });
    });
});

describe("seeds/csv: privacyIDEA's own export (owner, serial, hexkey, type, digits, step)", () => {
    const text =
        "bob@realm1, PITO0001, 3132333435363738393031323334353637383930, totp, 6, 30\n" +
        "alice@realm1, PIHO0002, 3132333435363738393031323334353637383930, hotp, 8, 3\n" +
        `, PITO0003, ${SHA256_SEED}, totp, 8, 60\n`;

    it("is detected (not taken for Microsoft Entra) and read column by column", () => {
        const result = parseSeedCsv(text, { file: "export.csv" });
        assert.deepEqual(errors(result), []);
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.type, t.otpLength, t.hashAlgorithm, t.timeStep, t.counter]),
            [
                ["PITO0001", "TOTP", 6, "HmacSHA1", 30, undefined],
                ["PIHO0002", "HOTP", 8, "HmacSHA1", undefined, 3],
                ["PITO0003", "TOTP", 8, "HmacSHA256", 60, undefined],
            ],
        );
        assert.equal(result.tokens[0]?.secret, RFC4226_SECRET_HEX);
    });
});

describe("seeds/csv: YubiKey Personalization Tool log and Yubico's serial export", () => {
    it("the log's OATH-HOTP rows load with the public id as serial; other slot types are refused by name", () => {
        const log =
            "LOGGING START,12/11/2013 11:09\n" +
            "OATH-HOTP,11.12.13 18:55,1,cccccccccccb,,3132333435363738393031323334353637383930,,,0,0,0,6,0,0,0,0,0,0\n" +
            "Yubico OTP,12/11/2013 11:10,1,vvgutbiedkvi,ab86c04de6a3,d26a7c0f85fdda28bd816e406342b214,,,0,0,0,0,0,0,0,0,0,0\n" +
            "Static Password,11.12.13 19:08,2,,d5a3d50327dc,0e8e37b0e38b314a56748c030f58d21d,,,0,0,0,0,0,0,0,0,0,0\n";
        const result = parseSeedCsv(log, { file: "configuration_log.csv" });
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.type, t.counter, t.location.line]),
            [["cccccccccccb", "HOTP", 0, 2]],
        );
        assert.deepEqual(hotpCodes(result.tokens[0]!), RFC4226_CODES);
        const refused = errors(result);
        assert.deepEqual(
            refused.map((p) => p.location.line),
            [3, 4],
        );
        assert.match(
            refused[0]?.message ?? "",
            /programmed as "Yubico OTP"; only OATH-HOTP slots can be PingOne OATH tokens/,
        );
        assert.match(
            refused[1]?.message ?? "",
            /programmed as (\(a 15-character value, not shown\)|"Static Password")/,
        );
        // The log does not give the OTP length: assumed, and said.
        assert.match(assumedWarning(result)?.message ?? "", /digits 6 \(1 token\)/);
    });

    it("Yubico's serial,,0,hexkey,,timestamp rows load; Yubico OTP and static rows are refused by name", () => {
        const text =
            "508326,,0,3132333435363738393031323334353637383930,,2013-12-12T08:41:07,\n" +
            "1382042,cccccccccccc,83cebdfb7b93,a47c5bf9c152202f577be6721c0113af,,2013-12-12T08:43:17,\n" +
            "508327,,,9e2fd386224a7f77e9b5aee775464033,,2013-12-12T08:44:34,\n";
        const result = parseSeedCsv(text, { file: "yubico.csv" });
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.secret]),
            [["508326", RFC4226_SECRET_HEX]],
        );
        assert.deepEqual(
            errors(result).map((p) => [p.location.line, p.cause]),
            [
                [2, "not-otp"],
                [3, "not-otp"],
            ],
        );
        assert.match(errors(result)[0]?.message ?? "", /Yubico OTP mode/);
        assert.match(errors(result)[1]?.message ?? "", /static password mode/);
    });
});

describe("seeds/csv: detection never guesses", () => {
    it("rows of two layouts are refused with both named; rows of none with the accepted layouts listed", () => {
        const entraAndPingId =
            "a@b.c,1234567,GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ,30,X,Y\n0001,3132333435363738393031323334353637383930\n";
        expectSeedFileError(
            () => parseSeedCsv(entraAndPingId, { file: "two.csv" }),
            /ambiguous CSV layout: .*Microsoft Entra.*PingID|ambiguous CSV layout: .*PingID.*Microsoft Entra/,
        );
        expectSeedFileError(
            () => parseSeedCsv("x;y;z;w;v\n", { file: "none.csv" }),
            /unknown CSV layout: .*accepted layouts: .*YubiKey Personalization Tool log.*Yubico serial format/,
        );
    });

    it("an explicit format is taken as told", () => {
        const result = parseSeedCsv("0001,3132333435363738393031323334353637383930,totp,8,60\n", { format: "linotp" });
        assert.deepEqual(
            result.tokens.map((t) => [t.type, t.otpLength, t.timeStep]),
            [["TOTP", 8, 60]],
        );
    });

    it("a cell quoted in a message is shown only when short: a shifted secret never reaches the log", () => {
        const result = parseSeedCsv(`PI1,${RFC4226_SECRET_HEX},${RFC4226_SECRET_HEX}\n`, { format: "privacyidea" });
        assert.match(
            errors(result)[0]?.message ?? "",
            /token type \(a 40-character value, not shown\) is not supported/,
        );
        assert.ok(!result.problems.some((p) => p.message.includes(RFC4226_SECRET_HEX)));
    });
});
