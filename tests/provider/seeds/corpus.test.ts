// The PSKC corpus (python-pskc's test files and patched variants, in ../shared/fixtures beside
// the clone) through loadSeedFile, checked file by file against what python-pskc reads from
// them (expected.json), by the corpus README's rule:
// - every HOTP/TOTP key python-pskc decodes, that PingOne can hold and whose Policy allows OTP
//   use now, loads with the same serial, secret, type, digits, hash, counter or time step;
// - every other key is reported as a problem naming the file, the KeyPackage and the serial,
//   and, when the key decrypted fine, the message does not blame the key;
// - a file python-pskc refuses is refused with a message that says what is wrong.

import { strict as assert } from "node:assert";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import * as path from "node:path";
import { HOTP, Secret } from "otpauth";
import {
    SeedFileError,
    loadSeedFile,
    type SeedFileOptions,
    type SeedLoadResult,
    type TokenSeed,
} from "../../../provider/seeds";
import { describeWithSharedFixtures, sharedFixturePath } from "../../support/seedFixtures";

interface ExpectedKey {
    algorithm: string;
    algorithm_uri: string | null;
    package: number;
    serial: string | null;
    key_id: string | null;
    secret_hex: string | null;
    secret_error: string | null;
    digits: number | null;
    hash_algorithm: string | null;
    counter: number | null;
    time_interval: number | null;
    policy_start_date: string | null;
    policy_expiry_date: string | null;
    policy_key_usage: string[];
    policy_unknown_elements: boolean;
    otp_first_two?: string[];
}

interface ExpectedFile {
    error: string | null;
    options: { preSharedKeyHex?: string; passphrase?: string; iv?: string };
    keys?: ExpectedKey[];
}

const CORPUS = sharedFixturePath("pskc-corpus");
// Read when the module loads, since a test is generated per file; empty where the fixtures are missing
// (the suite is then skipped, see describeWithSharedFixtures).
const expected = (
    existsSync(CORPUS) ? JSON.parse(readFileSync(path.join(CORPUS, "expected.json"), "utf8")).files : {}
) as Record<string, ExpectedFile>;

function corpusFiles(dir = CORPUS): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return corpusFiles(full);
        return ["README.md", "expected.json"].includes(entry.name) ? [] : [path.relative(CORPUS, full)];
    });
}

function optionsFor(entry: ExpectedFile | undefined): SeedFileOptions {
    const options: SeedFileOptions = {};
    if (entry?.options.preSharedKeyHex) options.preSharedKeyHex = entry.options.preSharedKeyHex;
    if (entry?.options.passphrase) options.passphrase = entry.options.passphrase;
    if (entry?.options.iv) options.ivHex = entry.options.iv;
    return options;
}

const HASHES: Record<string, TokenSeed["hashAlgorithm"]> = {
    SHA1: "HmacSHA1",
    SHA256: "HmacSHA256",
    SHA512: "HmacSHA512",
};
const now = Date.now();

/** The serial PingOne gets: DeviceInfo/SerialNo, else the Key Id (as the loader documents). */
const serialOf = (key: ExpectedKey): string | null => key.serial ?? key.key_id;

/** Why python-pskc's key cannot be a PingOne token now; undefined when it must load. */
function whyNotLoadable(key: ExpectedKey): string | undefined {
    if (key.algorithm !== "hotp" && key.algorithm !== "totp") return "not HOTP/TOTP";
    if (!key.secret_hex || key.secret_error) return "no decodable secret";
    const serial = serialOf(key);
    if (!serial || !/^[A-Za-z0-9]{1,50}$/.test(serial)) return "serial PingOne refuses";
    if (key.digits !== null && key.digits !== 6 && key.digits !== 8) return "digits";
    const hash = key.hash_algorithm ?? "SHA1";
    if (!HASHES[hash] || (key.algorithm === "hotp" && hash !== "SHA1")) return "hash";
    if (key.algorithm === "totp" && key.time_interval !== null && key.time_interval !== 30 && key.time_interval !== 60)
        return "time step";
    if (key.algorithm === "hotp" && key.counter !== null && !Number.isSafeInteger(key.counter)) return "counter";
    if (key.policy_unknown_elements) return "policy";
    if (key.policy_key_usage.length > 0 && !key.policy_key_usage.includes("OTP")) return "policy";
    if (key.policy_start_date && Date.parse(key.policy_start_date) > now) return "policy";
    if (key.policy_expiry_date && Date.parse(key.policy_expiry_date) < now) return "policy";
    return undefined;
}

/** Of several loadable keys for one serial, one that differs from the others makes all of them unloadable. */
function loadableKeys(keys: ExpectedKey[]): ExpectedKey[] {
    const candidates = keys.filter((key) => whyNotLoadable(key) === undefined);
    const print = (key: ExpectedKey) =>
        JSON.stringify([
            key.algorithm,
            key.secret_hex,
            key.digits ?? 6,
            key.hash_algorithm ?? "SHA1",
            key.counter ?? 0,
            key.time_interval ?? 30,
        ]);
    return candidates.filter((key) => {
        const group = candidates.filter((other) => serialOf(other) === serialOf(key));
        if (group.length === 1) return true;
        return group.every((other) => print(other) === print(group[0]!)) && group[0] === key;
    });
}

const blamesKey = /wrong (key|preSharedKeyHex|passphrase)|key is wrong/i;

describeWithSharedFixtures("seeds/corpus: every file of the shared PSKC corpus", () => {
    const files = existsSync(CORPUS) ? corpusFiles() : [];

    it("finds the corpus beside the clone (../shared/fixtures/pskc-corpus)", () => {
        assert.ok(files.length >= 90, `expected the corpus files, found ${files.length}`);
        assert.ok(Object.keys(expected).length >= 70);
    });

    it("reads every file without crashing: tokens and problems, or a SeedFileError naming the file", () => {
        for (const file of files) {
            const full = path.join(CORPUS, file);
            try {
                const result = loadSeedFile(full, optionsFor(expected[file]));
                for (const problem of result.problems) assert.equal(problem.location.file, full, file);
            } catch (error) {
                assert.ok(error instanceof SeedFileError, `${file}: ${String(error)}`);
                assert.ok(error.message.startsWith(full), `${file}: ${error.message}`);
            }
        }
    });

    for (const [file, entry] of Object.entries(expected)) {
        const full = path.join(CORPUS, file);
        if (entry.error) {
            it(`${file}: refused as python-pskc refuses it (${entry.error})`, () => {
                assert.throws(
                    () => loadSeedFile(full, optionsFor(entry)),
                    (error: unknown) => {
                        assert.ok(error instanceof SeedFileError, String(error));
                        assert.ok(error.message.startsWith(`${full}: `), error.message);
                        assert.doesNotMatch(error.message, blamesKey);
                        assert.ok(error.problems.length > 0);
                        return true;
                    },
                );
            });
            continue;
        }
        it(`${file}: loads what python-pskc decodes and PingOne can hold, reports the rest`, () => {
            const result: SeedLoadResult = loadSeedFile(full, optionsFor(entry));
            const keys = entry.keys ?? [];
            const loadable = loadableKeys(keys);
            assert.equal(
                result.tokens.length,
                loadable.length,
                `${file}: tokens ${result.tokens.map((t) => t.serialNumber).join(",")}`,
            );
            for (const key of keys) {
                const serial = serialOf(key);
                // A KeyPackage may hold two keys for one serial (an HOTP key and its PIN key): match the secret too.
                const token = result.tokens.find(
                    (t) =>
                        t.location.keyPackage === key.package &&
                        t.serialNumber === serial &&
                        (key.secret_hex === null || t.secret === key.secret_hex),
                );
                if (loadable.includes(key)) {
                    assert.ok(token, `${file} KeyPackage ${key.package}: expected token ${serial}`);
                    assert.equal(token.secret, key.secret_hex);
                    assert.equal(token.type, key.algorithm.toUpperCase());
                    assert.equal(token.otpLength, key.digits ?? 6);
                    assert.equal(token.hashAlgorithm, HASHES[key.hash_algorithm ?? "SHA1"]);
                    if (key.algorithm === "hotp") assert.equal(token.counter, key.counter ?? 0);
                    else assert.equal(token.timeStep, key.time_interval ?? 30);
                    if (key.otp_first_two) {
                        const secret = Secret.fromHex(token.secret);
                        const codes = [0, 1].map((step) =>
                            HOTP.generate({ secret, counter: (token.counter ?? 0) + step, digits: token.otpLength }),
                        );
                        assert.deepEqual(codes, key.otp_first_two, `${file} KeyPackage ${key.package}: codes`);
                    }
                    continue;
                }
                assert.equal(
                    token,
                    undefined,
                    `${file} KeyPackage ${key.package}: must not load (${whyNotLoadable(key) ?? "serial clash"})`,
                );
                const problems = result.problems.filter(
                    (p) =>
                        p.location.keyPackage === key.package &&
                        (p.location.serialNumber === undefined || p.location.serialNumber === serial),
                );
                assert.ok(
                    problems.length > 0,
                    `${file} KeyPackage ${key.package} (${serial}): a problem must say why it was not loaded`,
                );
                if (serial && /^[A-Za-z0-9]{1,50}$/.test(serial)) {
                    assert.ok(
                        problems.some((p) => p.location.serialNumber === serial),
                        `${file} KeyPackage ${key.package}: ` + `the problem names serial ${serial}`,
                    );
                }
                if (!key.secret_error) {
                    for (const problem of problems)
                        assert.doesNotMatch(problem.message, blamesKey, `${file}: ${problem.message}`);
                }
            }
        });
    }
});
