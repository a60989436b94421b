import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { loadSeedFile, parseSeedCsv, type SeedLoadResult } from "../../../provider/seeds";
import {
    RFC4226_CODES,
    RFC4226_SECRET_HEX,
    expectSeedFileError,
    fixturePath,
    hotpCodes,
    readFixture,
    readSharedFixture,
    totpCode,
    describeWithSharedFixtures,
} from "../../support/seedFixtures";

/** Lines of the refused rows (warnings, e.g. about assumed values, left out). */
const problemLines = (result: SeedLoadResult) => errors(result).map((p) => p.location.line);
const errors = (result: SeedLoadResult) => result.problems.filter((p) => p.severity !== "warning");

describe("seeds/csv: PingID layout", () => {
    const result = parseSeedCsv(readFixture("seeds", "pingid.csv"), { file: "pingid.csv", format: "pingid" });

    it("loads good rows as HOTP/SHA1/6 digits, keeping leading zeros and lowercasing hex", () => {
        assert.deepEqual(
            result.tokens.map((t) => [
                t.serialNumber,
                t.secret,
                t.counter,
                t.type,
                t.hashAlgorithm,
                t.otpLength,
                t.location.line,
            ]),
            [
                ["000123456", RFC4226_SECRET_HEX, 0, "HOTP", "HmacSHA1", 6, 3],
                ["000123457", RFC4226_SECRET_HEX, 5, "HOTP", "HmacSHA1", 6, 4],
                ["000123460", "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef", 0, "HOTP", "HmacSHA1", 6, 8],
            ],
        );
        assert.deepEqual(hotpCodes(result.tokens[0]!), RFC4226_CODES);
    });

    it("reports the malformed rows by line and serial: base32 where hex belongs, odd hex length", () => {
        assert.deepEqual(problemLines(result), [6, 7]);
        assert.equal(errors(result)[0]?.location.serialNumber, "000123458");
        assert.equal(errors(result)[0]?.location.file, "pingid.csv");
        assert.match(errors(result)[0]?.message ?? "", /not hex.*looks like base32/);
        assert.match(errors(result)[1]?.message ?? "", /odd number of digits \(39\)/);
    });

    it("is auto-detected", () => {
        const auto = parseSeedCsv(readFixture("seeds", "pingid.csv"), { file: "pingid.csv" });
        assert.deepEqual(auto, result);
    });

    it("rejects a non-numeric counter and too many columns", () => {
        const text =
            "0001,3132333435363738393031323334353637383930,abc\n0002,3132333435363738393031323334353637383930,1,2\n";
        const bad = parseSeedCsv(text, { format: "pingid" });
        assert.deepEqual(bad.tokens, []);
        assert.match(errors(bad)[0]?.message ?? "", /counter "abc" is not a whole number/);
        assert.match(errors(bad)[1]?.message ?? "", /expected serial,hexsecret\[,counter\] but the row has 4 column/);
    });
});

describe("seeds/csv: privacyIDEA layout", () => {
    const result = parseSeedCsv(readFixture("seeds", "privacyidea.csv"), { file: "pi.csv", format: "privacyidea" });

    it("reads type, otplen and the 5th column (time step for TOTP, counter for HOTP)", () => {
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.type, t.otpLength, t.timeStep, t.counter, t.location.line]),
            [
                ["PI00001", "TOTP", 8, 60, undefined, 2],
                ["PI00002", "HOTP", 6, undefined, 7, 3],
                ["PI00003", "HOTP", 6, undefined, 0, 4],
            ],
        );
        assert.ok(result.tokens.every((t) => t.secret === RFC4226_SECRET_HEX && t.hashAlgorithm === "HmacSHA1"));
    });

    it("reports an OTP length of 7 and a serial with a dash", () => {
        assert.deepEqual(problemLines(result), [5, 6]);
        assert.match(errors(result)[0]?.message ?? "", /OTP length 7 is not supported: PingOne accepts 6 or 8 digits/);
        assert.match(
            errors(result)[1]?.message ?? "",
            /serial number "PI-0005" is not accepted by PingOne: it must be 1 to 50 letters and digits/i,
        );
    });

    it("is auto-detected", () => {
        assert.deepEqual(parseSeedCsv(readFixture("seeds", "privacyidea.csv"), { file: "pi.csv" }), result);
    });

    it("reads the version 2 layout (user, resolver, realm first) and assigns the user", () => {
        const text = "# version: 2\nalice,ldap,corp,PI0100,3132333435363738393031323334353637383930,totp,6,30\n";
        const v2 = parseSeedCsv(text, {});
        assert.equal(v2.tokens[0]?.serialNumber, "PI0100");
        assert.deepEqual(v2.tokens[0]?.assignedTo, { username: "alice" });
        assert.equal(v2.tokens[0]?.type, "TOTP");
    });

    it("rejects an unsupported token type", () => {
        const bad = parseSeedCsv("PI0200,3132333435363738393031323334353637383930,ocra,OCRA-1:HOTP-SHA1-6:QN08\n", {
            format: "privacyidea",
        });
        assert.deepEqual(bad.tokens, []);
        assert.match(errors(bad)[0]?.message ?? "", /token type "ocra" is not supported/);
    });
});

describe("seeds/csv: LinOTP layout", () => {
    const result = parseSeedCsv(readFixture("seeds", "linotp.csv"), { file: "linotp.csv", format: "linotp" });

    it("reads the hash column, and infers SHA256 for a 32-byte key when it is empty (LinOTP's rule)", () => {
        assert.deepEqual(
            result.tokens.map((t) => [
                t.serialNumber,
                t.type,
                t.otpLength,
                t.hashAlgorithm,
                t.timeStep,
                t.counter,
                t.location.line,
            ]),
            [
                ["LO0001", "TOTP", 8, "HmacSHA1", 30, undefined, 2],
                ["LO0002", "HOTP", 6, "HmacSHA1", undefined, 0, 3],
                ["LO0005", "TOTP", 8, "HmacSHA256", 30, undefined, 6],
            ],
        );
        // RFC 6238 Appendix B SHA256 vector with the 32-byte key.
        assert.equal(totpCode(result.tokens[2]!, 59), "46119246");
        assert.equal(totpCode(result.tokens[0]!, 1234567890), "89005924");
    });

    it("reports HOTP with an inferred SHA256 and an unknown hash, by line", () => {
        assert.deepEqual(problemLines(result), [4, 5]);
        assert.match(errors(result)[0]?.message ?? "", /HOTP tokens use HmacSHA1 only: write sha1 in the 6th column/);
        assert.match(errors(result)[1]?.message ?? "", /hash "md5" is not one of sha1, sha256, sha512/i);
    });

    it("is auto-detected (6-column rows make the whole file LinOTP)", () => {
        assert.deepEqual(parseSeedCsv(readFixture("seeds", "linotp.csv"), { file: "linotp.csv" }), result);
    });

    it("an explicit sha256 HOTP row is refused (PingOne HOTP is SHA1 only)", () => {
        const bad = parseSeedCsv("LO0009,3132333435363738393031323334353637383930,hotp,6,,sha256\n", {
            format: "linotp",
        });
        assert.deepEqual(bad.tokens, []);
        assert.match(errors(bad)[0]?.message ?? "", /HOTP with HmacSHA256 is not supported/);
    });
});

describe("seeds/csv: Microsoft Entra layout", () => {
    const result = parseSeedCsv(readFixture("seeds", "entra.csv"), { file: "entra.csv", format: "entra" });

    it("converts base32 secrets to hex and assigns the upn", () => {
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.secret, t.timeStep, t.assignedTo?.username, t.location.line]),
            [
                // GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ is base32 of ASCII "12345678901234567890".
                ["1234567", RFC4226_SECRET_HEX, 30, "helga@contoso.com", 2],
                // JBSWY3DPEHPK3PXP is base32 of "Hello!" followed by de ad be ef.
                ["1234568", "48656c6c6f21deadbeef", 60, "kim@contoso.com", 3],
                // Lowercase base32 and an empty upn: loaded, not assigned.
                ["1234570", RFC4226_SECRET_HEX, 30, undefined, 5],
            ],
        );
        const [first] = result.tokens;
        assert.equal(first?.type, "TOTP");
        assert.equal(first?.otpLength, 6);
        assert.equal(first?.hashAlgorithm, "HmacSHA1");
        assert.equal(first?.manufacturer, "Contoso");
        assert.equal(first?.model, "HardwareKey");
        assert.equal("assignedTo" in (result.tokens[2] ?? {}), false);
        assert.equal(totpCode(first!, 59), "287082"); // RFC 4226 counter 1 = T 59 with 30 s step
    });

    it("reports the non-base32 secret (Microsoft's own doc example) by line", () => {
        assert.deepEqual(problemLines(result), [4]);
        assert.equal(errors(result)[0]?.location.serialNumber, "1234569");
        assert.match(errors(result)[0]?.message ?? "", /not base32: only the letters A-Z and the digits 2-7/);
    });

    it("is auto-detected from its header", () => {
        assert.deepEqual(parseSeedCsv(readFixture("seeds", "entra.csv"), { file: "entra.csv" }), result);
    });

    it("finds columns by header name when they are reordered", () => {
        const text = "serial number,secret key,upn,time interval\n777,JBSWY3DPEHPK3PXP,ann@x.org,60\n";
        const reordered = parseSeedCsv(text, {});
        assert.deepEqual(
            reordered.tokens.map((t) => [t.serialNumber, t.secret, t.assignedTo?.username, t.timeStep]),
            [["777", "48656c6c6f21deadbeef", "ann@x.org", 60]],
        );
    });

    it("rejects a time interval PingOne does not support", () => {
        const bad = parseSeedCsv(
            "upn,serial number,secret key,time interval,manufacturer,model\na@b.c,1,JBSWY3DPEHPK3PXP,45,X,Y\n",
            {},
        );
        assert.match(errors(bad)[0]?.message ?? "", /time step 45 s is not supported/i);
    });
});

describe("seeds/csv: general rules and auto-detection", () => {
    it("skips comments and blank lines, and counts lines from 1 with CRLF endings", () => {
        const text =
            "# comment\r\n\r\n   # indented comment\r\n0001,3132333435363738393031323334353637383930\r\n0001,3132333435363738393031323334353637383930\r\n";
        const result = parseSeedCsv(text, { file: "crlf.csv" });
        assert.deepEqual(
            result.tokens.map((t) => t.location.line),
            [4],
        );
        assert.deepEqual(problemLines(result), [5]);
        assert.match(errors(result)[0]?.message ?? "", /serial number 0001 already appeared at line 4/);
    });

    it("reads semicolon-separated files (spreadsheet exports)", () => {
        const result = parseSeedCsv("serial;secret\n0001;3132333435363738393031323334353637383930\n", {});
        assert.equal(result.tokens[0]?.serialNumber, "0001");
    });

    it("a line with a broken quote is a problem; the other rows load", () => {
        const text =
            '0001,3132333435363738393031323334353637383930\n"0002"x,3132\n0003,3132333435363738393031323334353637383930\n';
        const result = parseSeedCsv(text, {});
        assert.deepEqual(
            result.tokens.map((t) => t.serialNumber),
            ["0001", "0003"],
        );
        assert.deepEqual(problemLines(result), [2]);
        assert.match(errors(result)[0]?.message ?? "", /not valid CSV/);
    });

    it("serial,hexsecret rows beside privacyIDEA rows are read as privacyIDEA (they are valid privacyIDEA rows)", () => {
        const text =
            "0001,3132333435363738393031323334353637383930\n0002,3132333435363738393031323334353637383930\n0003,3132333435363738393031323334353637383930,totp,6,30\n";
        const result = parseSeedCsv(text, {});
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.type]),
            [
                ["0001", "HOTP"],
                ["0002", "HOTP"],
                ["0003", "TOTP"],
            ],
        );
        // The two rows without a type column loaded as HOTP by assumption, and the file says so.
        assert.match(result.problems.at(-1)?.message ?? "", /type HOTP \(2 tokens\)/);
    });

    it("with an explicit format, a row that looks like another layout says so", () => {
        const text =
            "0001,3132333435363738393031323334353637383930,5\n0003,3132333435363738393031323334353637383930,totp,6,30\n";
        const result = parseSeedCsv(text, { format: "pingid" });
        assert.deepEqual(
            result.tokens.map((t) => t.serialNumber),
            ["0001"],
        );
        assert.match(errors(result)[0]?.message ?? "", /looks like privacyIDEA .* read as PingID/);
        assert.equal(errors(result)[0]?.location.line, 2);
    });

    it("a file whose rows fit two layouts is refused, naming both and their lines (no majority vote)", () => {
        const text =
            "0001,3132333435363738393031323334353637383930,5\n0002,3132333435363738393031323334353637383930,6\n" +
            "0003,3132333435363738393031323334353637383930,totp,6,30\n";
        const error = expectSeedFileError(
            () => parseSeedCsv(text, { file: "mixed.csv" }),
            /mixed\.csv: ambiguous CSV layout: 2 row\(s\) look like PingID .*lines 1, 2.*1 row\(s\) look like privacyIDEA .*line 3.*pass the format option \(pingid or privacyidea\)/,
        );
        assert.equal(error.problems[0]?.location.file, "mixed.csv");
        // With the format given, the file loads as told.
        const pingid = parseSeedCsv(text, { file: "mixed.csv", format: "pingid" });
        assert.deepEqual(
            pingid.tokens.map((t) => t.serialNumber),
            ["0001", "0002"],
        );
    });

    it("an unknown layout is a SeedFileError listing the accepted ones", () => {
        expectSeedFileError(
            () => parseSeedCsv("a,b,c,d\ne,f,g,h\n", { file: "odd.csv" }),
            /odd\.csv: unknown CSV layout: line 1 \(4 columns\).*PingID.*privacyIDEA.*LinOTP.*Microsoft Entra/,
        );
    });

    it("an unknown format option is a SeedFileError", () => {
        expectSeedFileError(() => parseSeedCsv("a,b", { format: "rsa" as never }), /unknown CSV format "rsa"/);
    });

    it("a file with no rows is a problem, not a token", () => {
        const result = parseSeedCsv("# nothing here\nserial,secret\n", { file: "empty.csv" });
        assert.deepEqual(result.tokens, []);
        assert.match(errors(result)[0]?.message ?? "", /no token rows/);
    });

    it("serials longer than 50 characters are refused", () => {
        const serial = "A".repeat(51);
        const result = parseSeedCsv(`${serial},3132333435363738393031323334353637383930\n`, {});
        assert.deepEqual(result.tokens, []);
        assert.match(errors(result)[0]?.message ?? "", /1 to 50 letters and digits/);
    });
});

describeWithSharedFixtures("seeds/loadSeedFile: CSV", () => {
    it("loads .csv by extension with auto-detection and the path as file name", () => {
        const file = fixturePath("seeds", "entra.csv");
        const result = loadSeedFile(file);
        assert.equal(result.tokens.length, 3);
        assert.equal(result.tokens[0]?.location.file, file);
    });

    it("honours an explicit format", () => {
        const result = loadSeedFile(fixturePath("seeds", "privacyidea.csv"), { format: "privacyidea" });
        assert.equal(result.tokens.length, 3);
    });

    it("sniffs the content when the extension says nothing (XML -> PSKC, else CSV)", () => {
        const dir = mkdtempSync(path.join(tmpdir(), "seeds-"));
        try {
            const xmlFile = path.join(dir, "seeds.dat");
            writeFileSync(xmlFile, readSharedFixture("pskc-rfc6030", "figure3.pskcxml"));
            assert.equal(loadSeedFile(xmlFile).tokens[0]?.otpLength, 8);
            const csvFile = path.join(dir, "seeds");
            writeFileSync(csvFile, "0001,3132333435363738393031323334353637383930,9\n");
            assert.equal(loadSeedFile(csvFile).tokens[0]?.counter, 9);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
