// Shared helpers for the seed loader tests: fixture paths, RFC vectors, and a tiny PSKC
// encryptor so tests can build encrypted files the way a vendor would.

import { strict as assert } from "node:assert";
import { createCipheriv, createHmac } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { HOTP, Secret, TOTP } from "otpauth";
import { SeedFileError, type TokenSeed } from "../../provider/seeds";

// Compiled helpers live in dist/tests/support (or another outDir: set REPO_ROOT); fixtures stay in
// the source tree. The project's own seed files are in tests/fixtures; shared test data (the
// RFC 6030 figures, the PSKC corpus) is read from ../shared/fixtures beside the clone, never copied.
export const REPO_ROOT = process.env.REPO_ROOT
    ? path.resolve(process.env.REPO_ROOT)
    : path.resolve(__dirname, "../../..");
const FIXTURES = path.join(REPO_ROOT, "tests/fixtures");
const SHARED_FIXTURES = path.resolve(process.env.SHARED_FIXTURES ?? path.join(REPO_ROOT, "../shared/fixtures"));

/**
 * `describe` for suites that read the shared fixtures. Where they are missing (a clone without the
 * shared folder beside it) such suites are skipped with one message, except in CI, where they must run.
 */
export const describeWithSharedFixtures: Mocha.SuiteFunction | Mocha.PendingSuiteFunction =
    existsSync(SHARED_FIXTURES) || process.env.CI ? describe : describe.skip;
if (!existsSync(SHARED_FIXTURES) && !process.env.CI) {
    const notice = `    skipped the suites that read ${SHARED_FIXTURES} (not found; set SHARED_FIXTURES to its path)`;
    console.log(notice);
    // Said again at the end, next to mocha's "pending" count, where a reader looks.
    after(() => console.log(`\n${notice}`));
}

export function fixturePath(...parts: string[]): string {
    return path.join(FIXTURES, ...parts);
}

export function readFixture(...parts: string[]): string {
    return readFileSync(fixturePath(...parts), "utf8");
}

export function sharedFixturePath(...parts: string[]): string {
    return path.join(SHARED_FIXTURES, ...parts);
}

export function readSharedFixture(...parts: string[]): string {
    return readFileSync(sharedFixturePath(...parts), "utf8");
}

/** An RFC 6030 figure (2 to 7) from the shared fixtures. */
export function rfcFigure(n: number): string {
    return readSharedFixture("pskc-rfc6030", `figure${n}.pskcxml`);
}

/** RFC 4226 Appendix D: secret ASCII "12345678901234567890", its codes at counters 0-9 (one copy, in fixtures). */
export { rfc4226Codes as RFC4226_CODES, rfcSecretHex as RFC4226_SECRET_HEX } from "./fixtures";
/** The same truncated values, 8 digits (from Appendix D's "Truncated" column). */
export const RFC4226_CODES_8 = [
    "84755224",
    "94287082",
    "37359152",
    "26969429",
    "40338314",
    "68254676",
    "18287922",
    "82162583",
    "73399871",
    "45520489",
];

export const FIGURE6_KEY_HEX = "12345678901234567890123456789012";
const FIGURE6_MAC_KEY_HEX = "1122334455667788990011223344556677889900";

/** HOTP codes for counters 0..n-1 computed from what the loader produced. */
export function hotpCodes(token: TokenSeed, digits: number = token.otpLength, count = 10): string[] {
    const secret = Secret.fromHex(token.secret);
    return Array.from({ length: count }, (_, counter) => HOTP.generate({ secret, counter, digits }));
}

export function totpCode(token: TokenSeed, unixSeconds: number): string {
    const algorithm = token.hashAlgorithm.replace("Hmac", ""); // otpauth says "SHA256"
    return TOTP.generate({
        secret: Secret.fromHex(token.secret),
        algorithm,
        digits: token.otpLength,
        period: token.timeStep ?? 30,
        timestamp: unixSeconds * 1000,
    });
}

/** AES-128-CBC + HMAC-SHA1, as RFC 6030 section 6.1: returns CipherValue and ValueMAC (base64). */
function encryptPskcValue(plain: Buffer, ivHex: string, keyHex = FIGURE6_KEY_HEX, macKeyHex = FIGURE6_MAC_KEY_HEX) {
    const iv = Buffer.from(ivHex, "hex");
    const cipher = createCipheriv("aes-128-cbc", Buffer.from(keyHex, "hex"), iv);
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final()]);
    const mac = createHmac("sha1", Buffer.from(macKeyHex, "hex")).update(data).digest();
    return { cipherValue: data.toString("base64"), valueMac: mac.toString("base64") };
}

/** An EncryptedValue + ValueMAC pair for a Data child. */
export function encryptedXml(plain: Buffer, ivHex: string): string {
    const { cipherValue, valueMac } = encryptPskcValue(plain, ivHex);
    return `<EncryptedValue>
      <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
      <xenc:CipherData><xenc:CipherValue>${cipherValue}</xenc:CipherValue></xenc:CipherData>
    </EncryptedValue>
    <ValueMAC>${valueMac}</ValueMAC>`;
}

/** A container encrypted with figure 6's pre-shared key, holding the given KeyPackages. */
export function preSharedKeyContainer(keyPackages: string): string {
    // Figure 6's MACKey element: the MAC key 1122...9900 under the pre-shared key.
    return `<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc"
    xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:xenc="http://www.w3.org/2001/04/xmlenc#">
  <EncryptionKey><ds:KeyName>Pre-shared-key</ds:KeyName></EncryptionKey>
  <MACMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1">
    <MACKey>
      <xenc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes128-cbc"/>
      <xenc:CipherData><xenc:CipherValue>ESIzRFVmd4iZABEiM0RVZgKn6WjLaTC1sbeBMSvIhRejN9vJa2BOlSaMrR7I5wSX</xenc:CipherValue></xenc:CipherData>
    </MACKey>
  </MACMethod>
  ${keyPackages}
</KeyContainer>`;
}

/** Flip one character of a base64 text (keeps it valid base64 of the same length). */
export function tamperBase64(text: string, index: number): string {
    const char = text[index];
    const replacement = char === "A" ? "B" : "A";
    return text.slice(0, index) + replacement + text.slice(index + 1);
}

/** Runs `run`, which must throw a SeedFileError whose message matches `pattern`; returns the error. */
export function expectSeedFileError(run: () => unknown, pattern: RegExp): SeedFileError {
    try {
        run();
    } catch (error) {
        assert.ok(error instanceof SeedFileError, `expected SeedFileError, got ${String(error)}`);
        assert.match(error.message, pattern);
        return error;
    }
    assert.fail(`expected a SeedFileError matching ${pattern}`);
}
