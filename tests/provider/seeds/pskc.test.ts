import { strict as assert } from "node:assert";
import { parsePskc, loadSeedFile, type SeedFileError, type SeedLoadResult } from "../../../provider/seeds";
import {
    FIGURE6_KEY_HEX,
    RFC4226_CODES,
    RFC4226_CODES_8,
    RFC4226_SECRET_HEX,
    encryptedXml,
    expectSeedFileError,
    fixturePath,
    hotpCodes,
    preSharedKeyContainer,
    readFixture,
    describeWithSharedFixtures,
    rfcFigure,
    sharedFixturePath,
    tamperBase64,
    totpCode,
} from "../../support/seedFixtures";

const figure = rfcFigure;
const errors = (result: SeedLoadResult) => result.problems.filter((p) => p.severity !== "warning");
const warnings = (result: SeedLoadResult) => result.problems.filter((p) => p.severity === "warning");

/** As the shared helper, and a PSKC SeedFileError must carry at least one problem. */
function expectPskcFileError(run: () => unknown, pattern: RegExp): SeedFileError {
    const error = expectSeedFileError(run, pattern);
    assert.ok(error.problems.length > 0, "a SeedFileError carries at least one problem");
    return error;
}

/** The RFC figures 3, 5, 6, 7 token: serial 987654321, RFC 4226 secret, HOTP, 8 digits. */
function assertRfcToken(result: SeedLoadResult, manufacturer: string): void {
    assert.deepEqual(errors(result), []);
    assert.equal(result.tokens.length, 1);
    const [token] = result.tokens;
    assert.ok(token);
    assert.equal(token.serialNumber, "987654321");
    assert.equal(token.secret, RFC4226_SECRET_HEX);
    assert.equal(token.type, "HOTP");
    assert.equal(token.otpLength, 8);
    assert.equal(token.hashAlgorithm, "HmacSHA1");
    assert.equal(token.counter, 0);
    assert.equal(token.timeStep, undefined);
    assert.equal(token.manufacturer, manufacturer);
    assert.equal(token.location.keyPackage, 1);
    // The loaded secret really is the RFC 4226 test secret: Appendix D vectors, 6 and 8 digits.
    assert.deepEqual(hotpCodes(token, 6), RFC4226_CODES);
    assert.deepEqual(hotpCodes(token, 8), RFC4226_CODES_8);
}

describeWithSharedFixtures("seeds/pskc: RFC 6030 figures", () => {
    it("figure 2: loads the 4-byte secret, with the Key Id as serial and a warning that SerialNo is missing", () => {
        const result = parsePskc(figure(2), { file: "figure2.pskcxml" });
        assert.deepEqual(result.tokens, [
            {
                serialNumber: "12345678",
                secret: "31323334", // "1234"
                type: "HOTP",
                otpLength: 6,
                hashAlgorithm: "HmacSHA1",
                counter: 0,
                location: { file: "figure2.pskcxml", keyPackage: 1, serialNumber: "12345678" },
                assumed: ["otpLength", "counter"],
            },
        ]);
        assert.deepEqual(errors(result), []);
        const messages = warnings(result).map((w) => w.message);
        assert.equal(messages.length, 3);
        // The 32-bit secret is loaded (the RFC's own example) but flagged: RFC 4226 asks for 128 bits.
        assert.match(messages[0] ?? "", /the secret is only 32 bits; RFC 4226 section 4 requires at least 128/);
        assert.match(messages[1] ?? "", /no DeviceInfo\/SerialNo/);
        assert.match(messages[1] ?? "", /Key Id "12345678"/);
        assert.equal(warnings(result)[1]?.location.keyPackage, 1);
        // No ResponseFormat and no Counter: 6 digits and counter 0 are assumed, and said once for the file.
        assert.match(messages[2] ?? "", /assumed: digits 6 \(1 token\), counter 0 \(1 token\)/);
    });

    it("figure 2 without Key/@Id: no serial at all is a problem, not a token", () => {
        const xml = figure(2).replace('Id="12345678"', "");
        const result = parsePskc(xml, { file: "f2" });
        assert.equal(result.tokens.length, 0);
        assert.equal(errors(result).length, 1);
        assert.match(errors(result)[0]?.message ?? "", /serial number is missing/i);
        assert.equal(errors(result)[0]?.location.keyPackage, 1);
    });

    it("figure 3: plain HOTP with DeviceInfo, 8-digit ResponseFormat and Counter", () => {
        assertRfcToken(parsePskc(figure(3)), "Manufacturer");
    });

    it("figure 4: no secret (key derivation) is a problem naming the KeyPackage and serial", () => {
        const result = parsePskc(figure(4), { file: "figure4.pskcxml" });
        assert.deepEqual(result.tokens, []);
        assert.equal(result.problems.length, 1);
        const [problem] = result.problems;
        assert.match(problem?.message ?? "", /no secret in file, key derivation not supported/i);
        assert.deepEqual(problem?.location, { file: "figure4.pskcxml", keyPackage: 1, serialNumber: "987654321" });
    });

    it("figure 5: loads the HOTP key; the pskc:pin key is not loaded, with a warning saying it is a PIN", () => {
        const result = parsePskc(figure(5));
        assertRfcToken(result, "Manufacturer");
        assert.deepEqual(
            result.problems.map((p) => [p.severity, p.location.keyPackage, p.location.serialNumber, p.cause]),
            [["warning", 2, "987654321", "not-otp"]],
        );
        assert.match(result.problems[0]?.message ?? "", /Key "123456781" is a PIN key \(pskc:pin\).*not an OTP token/);
    });

    it("figure 6: decrypts with the pre-shared key and verifies the ValueMAC", () => {
        assertRfcToken(parsePskc(figure(6), { preSharedKeyHex: FIGURE6_KEY_HEX }), "Manufacturer");
    });

    it("figure 7: derives the key from the passphrase (PBKDF2) and decrypts", () => {
        assertRfcToken(parsePskc(figure(7), { passphrase: "qwerty" }), "TokenVendorAcme");
    });

    it("figure 7: the already-derived key also works as preSharedKeyHex", () => {
        assertRfcToken(
            parsePskc(figure(7), { preSharedKeyHex: "651e63cd57008476af1ff6422cd02e41" }),
            "TokenVendorAcme",
        );
    });
});

describeWithSharedFixtures("seeds/pskc: encryption errors", () => {
    it("an encrypted file without a key says to pass preSharedKeyHex", () => {
        const error = expectPskcFileError(
            () => parsePskc(figure(6), { file: "f6" }),
            /pass the preSharedKeyHex option/,
        );
        assert.match(error.message, /"Pre-shared-key"/);
    });

    it("a passphrase file without a passphrase says to pass passphrase", () => {
        expectPskcFileError(
            () => parsePskc(figure(7)),
            /passphrase-derived key .*"My Password 1".*pass the passphrase option/,
        );
    });

    it("a passphrase given to a pre-shared-key file is called out", () => {
        expectPskcFileError(
            () => parsePskc(figure(6), { passphrase: "qwerty" }),
            /preSharedKeyHex.*does not use a passphrase/,
        );
    });

    it("a wrong pre-shared key is refused for the whole file", () => {
        expectPskcFileError(
            () => parsePskc(figure(6), { preSharedKeyHex: "00112233445566778899aabbccddeeff" }),
            /could not decrypt MACMethod\/MACKey with the given preSharedKeyHex.*wrong preSharedKeyHex/,
        );
    });

    it("a wrong key whose padding happens to pass is caught by the ValueMAC", () => {
        // This key decrypts figure 6's MACKey with valid PKCS#7 padding (found by search), so
        // only the MAC check can tell that it is wrong.
        const error = expectPskcFileError(
            () => parsePskc(figure(6), { preSharedKeyHex: "0000000000000000000000000000011a" }),
            /no secret could be decrypted/,
        );
        assert.match(
            error.problems[0]?.message ?? "",
            /ValueMAC does not match and the value does not decrypt: wrong preSharedKeyHex/,
        );
        assert.equal(error.problems[0]?.location.keyPackage, 1);
    });

    it("a wrong passphrase is refused for the whole file", () => {
        expectPskcFileError(() => parsePskc(figure(7), { passphrase: "QWERTY" }), /given passphrase.*wrong passphrase/);
    });

    it("a pre-shared key of the wrong length says how long it must be", () => {
        expectPskcFileError(
            () => parsePskc(figure(6), { preSharedKeyHex: "1234567890123456789012345678901234" }),
            /aes128-cbc needs a 16-byte key \(32 hex digits\)/,
        );
    });

    it("a non-hex pre-shared key is refused", () => {
        expectPskcFileError(
            () => parsePskc(figure(6), { preSharedKeyHex: "not a key" }),
            /preSharedKeyHex option is not hex/,
        );
    });

    it("a tampered CipherValue fails the MAC; the other KeyPackage still loads", () => {
        const original = figure(6);
        const cipher = "AAECAwQFBgcICQoLDA0OD+cIHItlB3Wra1DUpxVvOx2lef1VmNPCMl8jwZqIUqGv";
        const start = original.indexOf("<KeyPackage>");
        const end = original.indexOf("</KeyPackage>") + "</KeyPackage>".length;
        const good = original.slice(start, end);
        const tampered = good.replace("987654321", "987654322").replace(cipher, tamperBase64(cipher, 30));
        const xml = original.slice(0, end) + tampered + original.slice(end);

        const result = parsePskc(xml, { preSharedKeyHex: FIGURE6_KEY_HEX, file: "tampered.pskcxml" });
        assert.deepEqual(
            result.tokens.map((t) => t.serialNumber),
            ["987654321"],
        );
        assert.equal(result.problems.length, 1);
        const [problem] = result.problems;
        // The other value verified with the same key, so the key is right: the value is blamed, not the key.
        assert.match(
            problem?.message ?? "",
            /does not decrypt, though other values in this file do with the same key: this value is damaged/,
        );
        assert.doesNotMatch(problem?.message ?? "", /wrong/);
        assert.deepEqual(problem?.location, { file: "tampered.pskcxml", keyPackage: 2, serialNumber: "987654322" });
    });

    it("a file whose only secret is tampered is unusable as a whole", () => {
        const cipher = "AAECAwQFBgcICQoLDA0OD+cIHItlB3Wra1DUpxVvOx2lef1VmNPCMl8jwZqIUqGv";
        const xml = figure(6).replace(cipher, tamperBase64(cipher, 40));
        const error = expectPskcFileError(
            () => parsePskc(xml, { preSharedKeyHex: FIGURE6_KEY_HEX }),
            /no secret could be decrypted/,
        );
        assert.match(error.problems[0]?.message ?? "", /ValueMAC does not match/);
    });

    it("decrypts an encrypted Counter (8-byte big-endian) and an encrypted TimeInterval", () => {
        const secret = encryptedXml(Buffer.from("12345678901234567890"), "000102030405060708090a0b0c0d0e0f");
        const counter = Buffer.alloc(8);
        counter.writeBigUInt64BE(5n);
        const interval = Buffer.alloc(8);
        interval.writeBigUInt64BE(60n);
        const xml = preSharedKeyContainer(`
      <KeyPackage>
        <DeviceInfo><SerialNo>00042</SerialNo></DeviceInfo>
        <Key Id="a" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp">
          <Data>
            <Secret>${secret}</Secret>
            <Counter>${encryptedXml(counter, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")}</Counter>
          </Data>
        </Key>
      </KeyPackage>
      <KeyPackage>
        <DeviceInfo><SerialNo>00043</SerialNo></DeviceInfo>
        <Key Id="b" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
          <Data>
            <Secret>${secret}</Secret>
            <TimeInterval>${encryptedXml(interval, "a0a1a2a3a4a5a6a7a8a9aaabacadaeaf")}</TimeInterval>
          </Data>
        </Key>
      </KeyPackage>`);
        const result = parsePskc(xml, { preSharedKeyHex: FIGURE6_KEY_HEX });
        assert.deepEqual(errors(result), []);
        assert.match(warnings(result)[0]?.message ?? "", /assumed: digits 6 \(2 tokens\)/);
        const [hotp, totp] = result.tokens;
        assert.equal(hotp?.serialNumber, "00042");
        assert.equal(hotp?.counter, 5);
        assert.equal(hotp?.secret, RFC4226_SECRET_HEX);
        assert.deepEqual(hotpCodes(hotp!, 6, 10).slice(5), RFC4226_CODES.slice(5));
        assert.equal(totp?.serialNumber, "00043");
        assert.equal(totp?.type, "TOTP");
        assert.equal(totp?.timeStep, 60);
    });
});

describe("seeds/pskc: vendor-style TOTP file", () => {
    const result = parsePskc(readFixture("seeds", "vendor-totp.pskcxml"), { file: "vendor-totp.pskcxml" });

    it("loads the good KeyPackages with serial leading zeros kept", () => {
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.type, t.hashAlgorithm, t.otpLength, t.timeStep, t.counter]),
            [
                ["0012345679", "TOTP", "HmacSHA256", 8, 30, undefined],
                ["0012345680", "TOTP", "HmacSHA512", 8, 30, undefined],
            ],
        );
        assert.equal(result.tokens[0]?.manufacturer, "Feitian");
    });

    it("the loaded secrets give the RFC 6238 Appendix B codes", () => {
        const [sha256, sha512] = result.tokens;
        assert.equal(totpCode(sha256!, 59), "46119246");
        assert.equal(totpCode(sha256!, 1111111109), "68084774");
        assert.equal(totpCode(sha512!, 59), "90693936");
        assert.equal(totpCode(sha512!, 2000000000), "38618901");
    });

    it("reports each rejected KeyPackage with its number, serial and reason", () => {
        const summary = errors(result).map((p) => [p.location.keyPackage, p.location.serialNumber, p.cause]);
        assert.deepEqual(summary, [
            [1, "0012345678", "duplicate"],
            [4, "0012345681", "pingone-limit"],
            [5, "0012345682", "not-otp"],
            [6, "0012345678", "duplicate"],
            [7, "0012345683", "pingone-limit"],
        ]);
        const messages = errors(result).map((p) => p.message);
        // KeyPackages 1 and 6 share a serial but differ (60 s vs 30 s): which one the fob holds cannot be told.
        assert.match(
            messages[0] ?? "",
            /serial number 0012345678 is in KeyPackages 1 and 6 with different keys or settings.*none was loaded/,
        );
        assert.equal(messages[3], messages[0]);
        assert.match(messages[1] ?? "", /HOTP with HmacSHA256 is not supported.*HmacSHA1 only/);
        assert.match(messages[2] ?? "", /OCRA-1" is not HOTP or TOTP/);
        assert.match(messages[4] ?? "", /time step 45 s is not supported/i);
    });

    it("two KeyPackages with one serial and the same key keep the first, refusing the duplicate", () => {
        const [head, tail] = readFixture("seeds", "vendor-totp.pskcxml").split('Id="k6"') as [string, string];
        const interval = "</pskc:Secret><pskc:TimeInterval><pskc:PlainValue>60</pskc:PlainValue></pskc:TimeInterval>";
        const xml = `${head}Id="k6"${tail.replace("</pskc:Secret>", interval)}`;
        const same = parsePskc(xml, { file: "v.pskcxml" });
        assert.equal(same.tokens[0]?.serialNumber, "0012345678");
        assert.equal(same.tokens[0]?.location.keyPackage, 1);
        const duplicate = errors(same).find((p) => p.location.keyPackage === 6);
        assert.match(duplicate?.message ?? "", /already appeared at KeyPackage 1 with the same key/);
    });
});

describeWithSharedFixtures("seeds/pskc: unusable documents", () => {
    it("text that is not XML is a SeedFileError", () => {
        expectPskcFileError(
            () => parsePskc("serial,secret\n1,2", { file: "x.xml" }),
            /x\.xml: not a PSKC file: not well-formed XML/,
        );
    });

    it("XML with another root element is a SeedFileError", () => {
        expectPskcFileError(
            () => parsePskc("<Tokens><Token/></Tokens>"),
            /root element is <Tokens>, expected <KeyContainer>/,
        );
    });

    it("a DOCTYPE (entity declarations) is refused", () => {
        const xml = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]><KeyContainer/>';
        expectPskcFileError(() => parsePskc(xml), /DOCTYPE/);
    });

    it("an empty KeyContainer is a problem, not a crash", () => {
        const result = parsePskc('<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"/>');
        assert.deepEqual(result.tokens, []);
        assert.match(result.problems[0]?.message ?? "", /no KeyPackage/);
    });

    it("a bad base64 PlainValue rejects only its KeyPackage", () => {
        const xml = figure(3).replace("MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=", "not*base64");
        const result = parsePskc(xml);
        assert.deepEqual(result.tokens, []);
        assert.match(result.problems[0]?.message ?? "", /Secret PlainValue: the value is not valid base64/);
    });
});

describeWithSharedFixtures("seeds/loadSeedFile: PSKC by extension", () => {
    it("loads a .pskcxml file with the path as the file name", () => {
        const file = sharedFixturePath("pskc-rfc6030", "figure6.pskcxml");
        const result = loadSeedFile(file, { preSharedKeyHex: FIGURE6_KEY_HEX });
        assert.equal(result.tokens[0]?.secret, RFC4226_SECRET_HEX);
        assert.equal(result.tokens[0]?.location.file, file);
    });

    it("a missing file is a SeedFileError", () => {
        expectPskcFileError(() => loadSeedFile(fixturePath("nope.pskcxml")), /cannot read the seed file/);
    });
});
