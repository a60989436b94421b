// PSKC beyond RFC 6030's happy path, one test per point of issue 9: pre-RFC layouts, every
// transport cipher and MAC variant, Version, Policy (dates, KeyUsage, re-keyed tokens), short
// secrets, base64 integers. Files come from the shared corpus; values are python-pskc's
// readings (expected.json) or the RFC 4226 vectors.

import { strict as assert } from "node:assert";
import { createCipheriv, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { HOTP, Secret } from "otpauth";
import { loadSeedFile, parsePskc, type SeedFileOptions, type SeedLoadResult } from "../../../provider/seeds";
import { rfc3394Unwrap } from "../../../provider/seeds/keyWrap";
import {
    RFC4226_CODES,
    RFC4226_CODES_8,
    RFC4226_SECRET_HEX,
    expectSeedFileError,
    hotpCodes,
    describeWithSharedFixtures,
    rfcFigure,
    sharedFixturePath,
} from "../../support/seedFixtures";

const corpus = (...parts: string[]): string => sharedFixturePath("pskc-corpus", ...parts);
const expected = (
    existsSync(corpus()) ? JSON.parse(readFileSync(corpus("expected.json"), "utf8")).files : {}
) as Record<
    string,
    { options: { preSharedKeyHex?: string; passphrase?: string; iv?: string }; keys: Array<{ secret_hex: string }> }
>;
const errors = (result: SeedLoadResult) => result.problems.filter((p) => p.severity !== "warning");
const warnings = (result: SeedLoadResult) => result.problems.filter((p) => p.severity === "warning");

describeWithSharedFixtures("seeds/pskc: pre-RFC layouts", () => {
    it("draft-ietf-keyprov-pskc-02 (<Device>, KeyId, KeyAlgorithm, Usage/ResponseFormat): figure 2 loads", () => {
        const result = loadSeedFile(corpus("original/draft-ietf-keyprov-pskc-02/figure2.pskcxml"));
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.type, t.otpLength, t.counter, t.manufacturer]),
            [["987654321", "HOTP", 8, 0, "Manufacturer"]],
        );
        assert.deepEqual(hotpCodes(result.tokens[0]!, 8), RFC4226_CODES_8);
        assert.deepEqual(errors(result), []);
    });

    it("draft-ietf-keyprov-pskc-02 figure 4: pre-shared key with MACAlgorithm and the transport key as MAC key", () => {
        const result = loadSeedFile(corpus("original/draft-ietf-keyprov-pskc-02/figure4.pskcxml"), {
            preSharedKeyHex: "12345678901234567890123456789012",
        });
        assert.equal(result.tokens[0]?.secret, RFC4226_SECRET_HEX);
        assert.deepEqual(errors(result), []);
    });

    it("draft-ietf-keyprov-pskc-02 figure 5: PBKDF2 with an EncryptionScheme inside EncryptionMethod", () => {
        const result = loadSeedFile(corpus("original/draft-ietf-keyprov-pskc-02/figure5.pskcxml"), {
            passphrase: "qwerty",
        });
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.secret, t.otpLength]),
            [["987654321", RFC4226_SECRET_HEX, 8]],
        );
    });

    it('draft-hoyer <SecretContainer> (version 1.2 of its own schema) with <Data Name="SECRET"><Value>', () => {
        const result = loadSeedFile(
            corpus("original/draft-hoyer-keyprov-portable-symmetric-key-container-00/non-encrypted.pskcxml"),
        );
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.secret, t.type, t.otpLength, t.counter, t.manufacturer]),
            [["98765432187", "5a57634c7670466f584e4841472b6c78332b5277", "HOTP", 6, 12, "Token Manufacturer"]],
        );
        // The device's own Expiry (01/01/2008) is passed on as a warning, not a refusal.
        assert.match(warnings(result)[0]?.message ?? "", /device expired on 01\/01\/2008/);
    });

    it("draft-hoyer-01 password-encrypted: PBE-3DES112-CBC (2-key 3DES from PBKDF2), digest under the transport key", () => {
        const result = loadSeedFile(
            corpus("original/draft-hoyer-keyprov-portable-symmetric-key-container-01/password-encrypted.pskcxml"),
            {
                passphrase: "qwerty",
            },
        );
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.secret, t.counter]),
            [["98765432187", "65670bbe91685cd1c01be971dfe470", 100]],
        );
        // 15 bytes: loaded, but RFC 4226 section 4 asks for 128 bits at least.
        assert.ok(
            warnings(result).some((w) => /only 120 bits; RFC 4226 section 4 requires at least 128/.test(w.message)),
        );
    });

    it("ActivIdentity export: IV in the header, MAC over the plaintext under the transport key, base64 big-endian counter", () => {
        const file = "original/actividentity/test.pskcxml";
        const result = loadSeedFile(corpus(file), { preSharedKeyHex: expected[file]!.options.preSharedKeyHex! });
        const [token] = result.tokens;
        assert.deepEqual(
            [token?.serialNumber, token?.secret, token?.otpLength, token?.counter],
            ["0950380269", "dce70c2a0c1f5806f316ca8d09456eb4765ad053", 8, 837830147],
        );
        const secret = Secret.fromHex(token!.secret);
        assert.deepEqual(
            [0, 1].map((step) => HOTP.generate({ secret, counter: 837830147 + step, digits: 8 })),
            ["79623123", "22405054"],
        );
    });
});

describeWithSharedFixtures("seeds/pskc: transport ciphers and MACs", () => {
    // The P1 variants give each encryption/ original a HOTP Algorithm; the key is the original's.
    const variants = [
        "aes128-cbc",
        "aes192-cbc",
        "aes256-cbc",
        "tripledes-cbc", // 16-byte key: 2-key 3DES
        "camellia128-cbc",
        "camellia192-cbc",
        "camellia256-cbc",
        "kw-aes128",
        "kw-aes192",
        "kw-aes256",
        "kw-camellia128",
        "kw-camellia192",
        "kw-camellia256",
        "kw-tripledes",
        "mac-over-plaintext",
        "no-mac-key",
        "aes128-cbc-noiv",
    ];
    for (const name of variants) {
        it(`${name}: decrypts to the secret python-pskc reads`, () => {
            const original = expected[`original/encryption/${name}.pskcxml`]!;
            const options: SeedFileOptions = { preSharedKeyHex: original.options.preSharedKeyHex! };
            if (original.options.iv) options.ivHex = original.options.iv;
            const result = loadSeedFile(corpus(`variants/P1-alg/encryption/${name}.pskcxml`), options);
            assert.deepEqual(errors(result), []);
            assert.equal(result.tokens[0]?.secret, original.keys[0]!.secret_hex);
        });
    }

    it("3-key 3DES given as K1K2K1 (48 hex digits) reads the same as the 2-key form", () => {
        const result = loadSeedFile(corpus("variants/P1b-3des-k1k2k1/encryption/tripledes-cbc.pskcxml"), {
            preSharedKeyHex: "123456789012345678901234567890121234567890123456",
        });
        assert.deepEqual(hotpCodes(result.tokens[0]!, 6), RFC4226_CODES);
    });

    it("3-key 3DES with three different keys (built here with node:crypto)", () => {
        const key = randomBytes(24);
        const iv = randomBytes(8);
        const cipher = createCipheriv("des-ede3-cbc", key, iv);
        const value = Buffer.concat([
            iv,
            cipher.update(Buffer.from(RFC4226_SECRET_HEX, "hex")),
            cipher.final(),
        ]).toString("base64");
        const xml = `<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">
      <EncryptionKey><KeyName>k</KeyName></EncryptionKey>
      <KeyPackage><DeviceInfo><SerialNo>3DES0001</SerialNo></DeviceInfo>
        <Key Id="1" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp"><Data><Secret><EncryptedValue>
          <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#tripledes-cbc"/>
          <xenc:CipherData><xenc:CipherValue>${value}</xenc:CipherValue></xenc:CipherData>
        </EncryptedValue></Secret></Data></Key></KeyPackage></KeyContainer>`;
        const result = parsePskc(xml, { preSharedKeyHex: key.toString("hex") });
        assert.equal(result.tokens[0]?.secret, RFC4226_SECRET_HEX);
    });

    it("an IV given outside the CipherValue: without it the MAC fails and the message points at the IV; with it the secret loads", () => {
        const file = corpus("variants/P1-alg/encryption/aes128-cbc-noiv.pskcxml");
        const key = "12345678901234567890123456789012";
        const without = loadSeedFile(file, { preSharedKeyHex: key });
        assert.deepEqual(without.tokens, []);
        assert.match(errors(without)[0]?.message ?? "", /expects a CBC IV given separately.*pass the ivHex option/);
        assert.equal(
            loadSeedFile(file, { preSharedKeyHex: key, ivHex: "000102030405060708090a0b0c0d0e0f" }).tokens[0]?.secret,
            RFC4226_SECRET_HEX,
        );
    });

    it("a wrong key for a key-wrap cipher is refused for the whole file as a wrong key", () => {
        expectSeedFileError(
            () =>
                loadSeedFile(corpus("variants/P1-alg/encryption/kw-aes128.pskcxml"), {
                    preSharedKeyHex: "ffffffffffffffffffffffffffffffff",
                }),
            /no secret could be decrypted: the preSharedKeyHex is wrong/,
        );
    });

    it("an unknown cipher names the algorithm and does not blame the key", () => {
        const result = loadSeedFile(corpus("original/invalid/unknown-encryption.pskcxml"), {
            preSharedKeyHex: "12345678901234567890123456789012",
        });
        const [problem] = errors(result);
        assert.match(
            problem?.message ?? "",
            /encryption algorithm "http:\/\/www.w3.org\/2001\/04\/xmlenc#unknown" is not supported/,
        );
        assert.doesNotMatch(problem?.message ?? "", /wrong/);
        assert.equal(problem?.cause, "unsupported-cipher");
    });

    it("a ValueMAC that does not match a cleanly decrypting value blames the value, not the key", () => {
        const result = loadSeedFile(corpus("original/invalid/mac-value.pskcxml"), {
            preSharedKeyHex: "12345678901234567890123456789012",
        });
        assert.deepEqual(result.tokens, []);
        assert.match(
            errors(result)[0]?.message ?? "",
            /ValueMAC does not match, though the value decrypts cleanly: the value or its MAC was altered/,
        );
        assert.equal(errors(result)[0]?.location.serialNumber, "987654321");
    });

    it("a ValueMAC without any MACMethod, and an unknown MAC algorithm, say so", () => {
        const key = { preSharedKeyHex: "12345678901234567890123456789012" };
        assert.match(
            errors(loadSeedFile(corpus("original/invalid/no-mac-method.pskcxml"), key))[0]?.message ?? "",
            /names no MAC algorithm/,
        );
        assert.match(
            errors(loadSeedFile(corpus("original/invalid/mac-algorithm.pskcxml"), key))[0]?.message ?? "",
            /MAC algorithm ".*hmac-zha9" is not supported/,
        );
    });
});

describe("seeds/pskc: key unwrapping built from node:crypto primitives", () => {
    const kek = Buffer.from("000102030405060708090a0b0c0d0e0f", "hex");

    it("RFC 3394 over an ECB cipher gives the RFC's own vector (section 4.1) and agrees with OpenSSL's id-aes128-wrap", () => {
        const wrapped = Buffer.from("1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5", "hex");
        assert.deepEqual(rfc3394Unwrap("aes-128-ecb", kek, wrapped), {
            bytes: Buffer.from("00112233445566778899aabbccddeeff", "hex"),
        });
        const openssl = createCipheriv("id-aes128-wrap", kek, Buffer.from("a6a6a6a6a6a6a6a6", "hex"));
        const data = randomBytes(24);
        const ours = rfc3394Unwrap("aes-128-ecb", kek, Buffer.concat([openssl.update(data), openssl.final()]));
        assert.deepEqual(ours, { bytes: data });
    });

    it("RFC 5649 padding (a 20-byte secret) is removed, and a wrong key fails the integrity check", () => {
        const padded = createCipheriv("id-aes128-wrap-pad", kek, Buffer.from("a65959a6", "hex"));
        const wrapped = Buffer.concat([padded.update(Buffer.from(RFC4226_SECRET_HEX, "hex")), padded.final()]);
        assert.deepEqual(rfc3394Unwrap("aes-128-ecb", kek, wrapped), { bytes: Buffer.from(RFC4226_SECRET_HEX, "hex") });
        assert.equal(Object.hasOwn(rfc3394Unwrap("aes-128-ecb", Buffer.alloc(16), wrapped), "error"), true);
    });
});

describeWithSharedFixtures("seeds/pskc: Version, Policy, secrets and integers", () => {
    it('Version 1.2 is refused naming the version; Version "1" (draft figures) is read', () => {
        expectSeedFileError(
            () => loadSeedFile(corpus("original/invalid/wrongversion.pskcxml")),
            /unsupported PSKC Version "1.2"/,
        );
        const figure8 = loadSeedFile(corpus("original/draft-ietf-keyprov-pskc-02/figure8.pskcxml"));
        assert.equal(figure8.tokens[0]?.serialNumber, "0755225266");
    });

    it("RFC 6030 figure 10 (a re-keyed token): the KeyPackage valid now is kept, the other reported", () => {
        const file = corpus("original/rfc6030/figure10.pskcxml");
        const april = loadSeedFile(file, { now: new Date("2006-04-15T12:00:00Z") });
        assert.deepEqual(
            april.tokens.map((t) => [t.serialNumber, t.location.keyPackage]),
            [["9999999", 4]],
        );
        const march = errors(april).find((p) => p.location.keyPackage === 3);
        assert.match(
            march?.message ?? "",
            /expired: its Policy ExpiryDate is 2006-03-31T00:00:00Z.*KeyPackage 4 holds the key valid now/,
        );
        assert.equal(march?.cause, "policy");
        assert.match(
            errors(april).find((p) => p.location.keyPackage === 1)?.message ?? "",
            /not valid yet: its Policy StartDate is 2006-05-01/,
        );

        const march15 = loadSeedFile(file, { now: new Date("2006-03-15T00:00:00Z") });
        assert.deepEqual(
            march15.tokens.map((t) => [t.serialNumber, t.location.keyPackage]),
            [["9999999", 3]],
        );
        const may = loadSeedFile(file, { now: new Date("2006-05-15T00:00:00Z") });
        assert.deepEqual(
            may.tokens.map((t) => t.serialNumber),
            ["654321", "123456"],
        );
        // Today every key of figure 10 has expired: nothing loads, four problems say why.
        const today = loadSeedFile(file);
        assert.deepEqual(today.tokens, []);
        assert.deepEqual(
            errors(today).map((p) => p.cause),
            ["policy", "policy", "policy", "policy"],
        );
    });

    it("a Policy ExpiryDate in the past refuses the key (Feitian file, expired 2022-09-01)", () => {
        const result = loadSeedFile(corpus("original/feitian/20120919-test001-4282.xml"));
        assert.deepEqual(result.tokens, []);
        assert.match(errors(result)[0]?.message ?? "", /expired: its Policy ExpiryDate is 2022-09-01T00:00:00Z/);
    });

    it("a KeyUsage without OTP refuses the key", () => {
        const xml = rfcFigure(3).replace("<Data>", "<Policy><KeyUsage>CR</KeyUsage></Policy><Data>");
        const result = parsePskc(xml, { file: "cr.pskcxml" });
        assert.deepEqual(result.tokens, []);
        assert.match(errors(result)[0]?.message ?? "", /Policy allows CR only, not OTP/);
        assert.deepEqual(errors(result)[0]?.location, { file: "cr.pskcxml", keyPackage: 1, serialNumber: "987654321" });
    });

    it("Policy elements the loader does not understand refuse the key (RFC 6030 section 5)", () => {
        const result = loadSeedFile(corpus("variants/P9-policy/misc/policy.pskcxml"));
        assert.deepEqual(result.tokens, []);
        const messages = errors(result).map((p) => [p.location.serialNumber, p.message.replace(/;.*/, "")]);
        assert.deepEqual(messages.slice(1), [
            ["PROBE2", "the key's Policy holds what this loader does not understand (PINPolicy@OnWeekDaysOnly)"],
            ["PROBE3", "the key's Policy holds what this loader does not understand (PINPolicy/Foo)"],
            ["PROBE4", "the key's Policy holds what this loader does not understand (Foo)"],
        ]);
    });

    it("a secret shorter than 128 bits loads with a warning naming its size", () => {
        const result = parsePskc(rfcFigure(2), { file: "f2" });
        assert.equal(result.tokens[0]?.secret, "31323334");
        const weak = warnings(result).find((w) => w.cause === "weak-secret");
        assert.match(weak?.message ?? "", /only 32 bits/);
        assert.equal(weak?.location.serialNumber, "12345678");
    });

    it("counters as decimal, base64 ASCII, base64 big-endian and encrypted (both forms) are read as numbers", () => {
        const result = loadSeedFile(corpus("variants/P3-int/misc/integers.pskcxml"), {
            preSharedKeyHex: "12345678901234567890123456789012",
        });
        assert.deepEqual(
            result.tokens.map((t) => t.counter),
            [831791, 709791, 405834, 298507, 961392],
        );
    });

    it("a counter beyond 2^53 is refused with its value, not rounded", () => {
        const result = loadSeedFile(corpus("original/multiotp/tokens_hotp_aes.pskc"), {
            preSharedKeyHex: "12345678901234567890123456789012",
        });
        assert.match(errors(result)[0]?.message ?? "", /Counter 16887061004979670 is above 9007199254740991/);
    });

    it("a typed value that breaks the schema refuses the file, naming the KeyPackage and the value", () => {
        expectSeedFileError(
            () => loadSeedFile(corpus("original/invalid/not-integer.pskcxml")),
            /KeyPackage 1: Policy\/NumberOfTransactions "TWELVE" is not a whole number/,
        );
        expectSeedFileError(
            () => loadSeedFile(corpus("original/invalid/not-boolean.pskcxml")),
            /CheckDigits="not really" is not a boolean/,
        );
    });

    it("a Key without Algorithm is not loaded, unless the defaults option gives the type (and the file's warning says so)", () => {
        const xml = rfcFigure(3).replace('Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp"', "");
        const plain = parsePskc(xml, { file: "noalg.pskcxml" });
        assert.deepEqual(plain.tokens, []);
        assert.match(errors(plain)[0]?.message ?? "", /no Algorithm attribute, so it is not known to be HOTP or TOTP/);
        const typed = parsePskc(xml, { file: "noalg.pskcxml", defaults: { type: "HOTP" } });
        assert.deepEqual(hotpCodes(typed.tokens[0]!, 8), RFC4226_CODES_8);
        assert.deepEqual(typed.tokens[0]?.assumed, ["type"]);
        assert.match(warnings(typed).at(-1)?.message ?? "", /type HOTP \(1 token, from the defaults option\)/);
    });
});

describeWithSharedFixtures("seeds/loadSeedFile: content decides, not the extension", () => {
    it("a PSKC file named .txt (multiOTP) is read as PSKC", () => {
        const result = loadSeedFile(corpus("original/multiotp/pskc-hotp-aes.txt"), {
            preSharedKeyHex: "12345678901234567890123456789012",
        });
        assert.deepEqual(
            result.tokens.map((t) => [t.serialNumber, t.otpLength]),
            [
                ["ZZ0000000000", 6],
                ["ZZ0100000000", 8],
            ],
        );
    });

    it('the "pskc" format forces PSKC; a .pskcxml whose content is not XML is refused saying so', () => {
        expectSeedFileError(
            () => loadSeedFile(corpus("original/invalid/notxml.pskcxml"), { format: "pskc" }),
            /not a PSKC file: not well-formed XML/,
        );
        const dir = mkdtempSync(path.join(tmpdir(), "seeds-"));
        try {
            const file = path.join(dir, "tokens.pskcxml");
            writeFileSync(file, `0001,${RFC4226_SECRET_HEX}\n`);
            expectSeedFileError(
                () => loadSeedFile(file),
                /named \.pskcxml but its content is not XML, so it is not PSKC/,
            );
            assert.equal(loadSeedFile(file, { format: "pingid" }).tokens[0]?.serialNumber, "0001");
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
