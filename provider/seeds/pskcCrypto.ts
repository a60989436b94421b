// PSKC encryption (RFC 6030 section 6 and the drafts before it). The transport key is a
// pre-shared key or comes from a passphrase through PBKDF2; values are encrypted with a CBC
// cipher (AES, 3DES with 2 or 3 keys, Camellia: IV || ciphertext, PKCS#7, or an IV given
// once for the file) or wrapped (KW-AES, KW-Camellia: RFC 3394; KW-TripleDES: RFC 3217).
// A ValueMAC is an HMAC under the MAC key the file carries (MACMethod/MACKey, itself
// encrypted) or, in older drafts, under the transport key itself; RFC 6030 MACs the
// ciphertext, older drafts the plaintext, and both are accepted (as python-pskc does).
//
// Failures say what went wrong without guessing: "wrong key" only where a wrong key is a
// likely cause (padding or unwrap check failed), never when the cipher is merely unsupported.

import { createDecipheriv, createHmac, getCiphers, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { rfc3217Unwrap, rfc3394Unwrap } from "./keyWrap";
import { base64ToBytes } from "./secretEncoding";
import { seedFileError, type PskcOptions } from "./types";
import { attr, attrOf, child, childOf, textAt, type XmlElement } from "./xmlTree";

type Family = "cbc" | "kw" | "kw-3des";

interface CipherSpec {
    label: string;
    family: Family;
    keyLengths: number[];
    blockLength: number;
    /** node:crypto name used for this cipher (CBC, wrap, or the ECB primitive for RFC 3394). */
    node: string;
    /** True when `node` is an ECB primitive that RFC 3394 is built on. */
    ecb?: boolean;
}

const cbc = (label: string, node: string, keyLength: number, blockLength = 16): CipherSpec => ({
    label,
    family: "cbc",
    keyLengths: [keyLength],
    blockLength,
    node,
});

const SPECS: Record<string, CipherSpec> = {
    "aes128-cbc": cbc("aes128-cbc", "aes-128-cbc", 16),
    "aes192-cbc": cbc("aes192-cbc", "aes-192-cbc", 24),
    "aes256-cbc": cbc("aes256-cbc", "aes-256-cbc", 32),
    // 2-key 3DES (16 bytes, K1 K2 K1) and 3-key 3DES (24 bytes) share the XML Encryption URI.
    "tripledes-cbc": {
        label: "tripledes-cbc",
        family: "cbc",
        keyLengths: [16, 24],
        blockLength: 8,
        node: "des-ede3-cbc",
    },
    "camellia128-cbc": cbc("camellia128-cbc", "camellia-128-cbc", 16),
    "camellia192-cbc": cbc("camellia192-cbc", "camellia-192-cbc", 24),
    "camellia256-cbc": cbc("camellia256-cbc", "camellia-256-cbc", 32),
    "kw-aes128": { label: "kw-aes128", family: "kw", keyLengths: [16], blockLength: 8, node: "id-aes128-wrap" },
    "kw-aes192": { label: "kw-aes192", family: "kw", keyLengths: [24], blockLength: 8, node: "id-aes192-wrap" },
    "kw-aes256": { label: "kw-aes256", family: "kw", keyLengths: [32], blockLength: 8, node: "id-aes256-wrap" },
    "kw-camellia128": {
        label: "kw-camellia128",
        family: "kw",
        keyLengths: [16],
        blockLength: 8,
        node: "camellia-128-ecb",
        ecb: true,
    },
    "kw-camellia192": {
        label: "kw-camellia192",
        family: "kw",
        keyLengths: [24],
        blockLength: 8,
        node: "camellia-192-ecb",
        ecb: true,
    },
    "kw-camellia256": {
        label: "kw-camellia256",
        family: "kw",
        keyLengths: [32],
        blockLength: 8,
        node: "camellia-256-ecb",
        ecb: true,
    },
    "kw-tripledes": {
        label: "kw-tripledes",
        family: "kw-3des",
        keyLengths: [16, 24],
        blockLength: 8,
        node: "des-ede3-cbc",
    },
};

// Names older drafts and vendors use for the same algorithms (python-pskc's table).
const ALIASES: Record<string, string> = {
    "3des-cbc": "tripledes-cbc",
    "3des112-cbc": "tripledes-cbc",
    "3des168-cbc": "tripledes-cbc",
    "pbe-3des112-cbc": "tripledes-cbc",
    "pbe-3des168-cbc": "tripledes-cbc",
    "pbe-aes128-cbc": "aes128-cbc",
    "pbe-aes192-cbc": "aes192-cbc",
    "pbe-aes256-cbc": "aes256-cbc",
    camellia128: "camellia128-cbc",
    camellia192: "camellia192-cbc",
    camellia256: "camellia256-cbc",
    "kw-3des": "kw-tripledes",
    "hmac-sha-1": "hmac-sha1",
    "hmac-sha-224": "hmac-sha224",
    "hmac-sha-256": "hmac-sha256",
    "hmac-sha-384": "hmac-sha384",
    "hmac-sha-512": "hmac-sha512",
};

const HMACS: Record<string, string> = {
    "hmac-sha1": "sha1",
    "hmac-sha224": "sha224",
    "hmac-sha256": "sha256",
    "hmac-sha384": "sha384",
    "hmac-sha512": "sha512",
};

const ASYMMETRIC = new Set(["rsa_1_5", "rsa-1_5", "rsa-oaep-mgf1p", "rsa-oaep"]);

/** An algorithm URI (or bare name) to its canonical short name; undefined for none/"NONE". */
export function algorithmName(uri: string | undefined): string | undefined {
    if (!uri || uri.trim().toLowerCase() === "none") return undefined;
    const text = uri.trim().toLowerCase();
    const short = text.includes("#") ? text.slice(text.lastIndexOf("#") + 1) : text;
    return ALIASES[short] ?? short;
}

let available: Set<string> | undefined;
function runtimeHas(cipher: string): boolean {
    available ??= new Set(getCiphers().map((name) => name.toLowerCase()));
    return available.has(cipher.toLowerCase());
}

/** An encrypted value as the file gives it. */
export interface EncryptedData {
    cipher: Buffer;
    mac?: Buffer;
    /** The value's own EncryptionMethod (or EncryptionScheme) algorithm URI. */
    algorithm?: string;
}

type FailureKind =
    | "check" // padding or unwrap check failed: wrong key, or damaged value
    | "mac" // decrypted cleanly, but the ValueMAC does not match: altered value
    | "data" // the value is malformed (lengths)
    | "unsupported" // the cipher, MAC or scheme is not one this loader (or this Node) has
    | "missing" // no algorithm named anywhere
    | "key-length"; // the given key has the wrong length for the cipher

export interface DecryptFailure {
    error: string;
    kind: FailureKind;
}

export type DecryptOutcome = { bytes: Buffer; verified: boolean } | DecryptFailure;

/** What the container header says about encryption (RFC 6030 EncryptionKey or a draft's EncryptionMethod). */
export interface ContainerEncryption {
    algorithmUri?: string;
    iv?: Buffer;
    keyName?: string;
    asymmetric: boolean;
    derived: boolean;
    derivation?: XmlElement;
    legacyPbe?: { salt?: Buffer; iterations?: number; keyLength?: number };
    macAlgorithmUri?: string;
    macKey?: EncryptedData;
}

export function readContainerEncryption(root: XmlElement): ContainerEncryption {
    const keyInfo = childOf(root, "EncryptionKey", "EncryptionMethod");
    const algorithmUri = attrOf(keyInfo, "Algorithm", "algorithm");
    const name = algorithmName(algorithmUri);
    const ivText = textAt(keyInfo, "IV");
    const iv = ivText ? base64ToBytes(ivText) : undefined;
    const derived = child(keyInfo, "DerivedKey");
    const encryption: ContainerEncryption = {
        asymmetric: child(keyInfo, "X509Data") !== undefined || (name !== undefined && ASYMMETRIC.has(name)),
        derived: derived !== undefined || (algorithmUri ?? "").toLowerCase().startsWith("pbe"),
    };
    if (algorithmUri) encryption.algorithmUri = algorithmUri;
    if (iv && !("error" in iv)) encryption.iv = iv;
    const keyName = textAt(keyInfo, "KeyName") ?? textAt(derived, "MasterKeyName") ?? textAt(derived, "CarriedKeyName");
    if (keyName) encryption.keyName = keyName;
    if (derived) {
        const method = child(derived, "KeyDerivationMethod");
        if (method) encryption.derivation = method;
    }
    if ((algorithmUri ?? "").toLowerCase().startsWith("pbe")) {
        const salt = textAt(keyInfo, "PBESalt");
        const saltBytes = salt ? base64ToBytes(salt) : undefined;
        const iterations = Number(textAt(keyInfo, "PBEIterationCount"));
        const spec = name ? SPECS[name] : undefined;
        encryption.legacyPbe = {};
        if (saltBytes && !("error" in saltBytes)) encryption.legacyPbe.salt = saltBytes;
        if (Number.isSafeInteger(iterations) && iterations > 0) encryption.legacyPbe.iterations = iterations;
        if (spec) encryption.legacyPbe.keyLength = spec.keyLengths[0];
    }
    const macMethod = childOf(root, "MACMethod", "DigestMethod");
    const macAlgorithm = attrOf(macMethod, "Algorithm", "algorithm") ?? textAt(root, "MACAlgorithm");
    if (macAlgorithm) encryption.macAlgorithmUri = macAlgorithm;
    const macKey = child(macMethod, "MACKey");
    if (macKey) {
        const data = readEncryptedData(macKey);
        if (!("error" in data)) encryption.macKey = data;
    }
    return encryption;
}

/** CipherData/CipherValue and algorithm of an EncryptedValue-shaped element. */
export function readEncryptedData(element: XmlElement): EncryptedData | { error: string } {
    const text = textAt(element, "CipherData", "CipherValue");
    if (text === undefined) return { error: "EncryptedValue has no CipherData/CipherValue" };
    const bytes = base64ToBytes(text);
    if ("error" in bytes) return { error: `CipherValue: ${bytes.error}` };
    const method = child(element, "EncryptionMethod");
    const algorithm = attr(child(method, "EncryptionScheme"), "Algorithm") ?? attr(method, "Algorithm");
    const data: EncryptedData = { cipher: bytes };
    if (algorithm) data.algorithm = algorithm;
    return data;
}

export class PskcDecryptor {
    private macKey: Buffer | undefined;
    private macProblem: string | undefined;
    private macHash: string | undefined;
    /** Values whose MAC or unwrap check passed: proof that the transport key is right. */
    verified = 0;

    private constructor(
        private readonly key: Buffer,
        private readonly keySource: string,
        private readonly encryption: ContainerEncryption,
        private readonly iv: Buffer | undefined,
    ) {}

    /**
     * The transport key for a container whose values are encrypted. Throws SeedFileError when no
     * usable key was given (saying which option to pass) or the MAC key will not decrypt.
     */
    static create(encryption: ContainerEncryption, options: PskcOptions, file: string): PskcDecryptor {
        const fail = (message: string): never => {
            throw seedFileError(file, message, "decryption");
        };
        let key: Buffer;
        let keySource: string;
        if (encryption.derived) {
            if (options.passphrase !== undefined) {
                key = deriveKey(encryption, options.passphrase, fail);
                keySource = "passphrase";
            } else if (options.preSharedKeyHex !== undefined) {
                // The already-derived key works too (it is what PBKDF2 would produce).
                key = parseKeyHex(options.preSharedKeyHex, "preSharedKeyHex", fail);
                keySource = "preSharedKeyHex";
            } else {
                const name = encryption.keyName ? `, key name "${encryption.keyName}"` : "";
                return fail(
                    `the secrets are encrypted with a passphrase-derived key (PBKDF2${name}): pass the passphrase option`,
                );
            }
        } else {
            if (options.preSharedKeyHex === undefined) {
                const name = encryption.keyName ? ` ("${encryption.keyName}")` : "";
                const hint = options.passphrase !== undefined ? " (this file does not use a passphrase)" : "";
                return fail(
                    `the secrets are encrypted with a pre-shared key${name}: pass the preSharedKeyHex option with that key in hex${hint}`,
                );
            }
            key = parseKeyHex(options.preSharedKeyHex, "preSharedKeyHex", fail);
            keySource = "preSharedKeyHex";
        }
        let iv = encryption.iv;
        if (options.ivHex !== undefined) iv = parseKeyHex(options.ivHex, "ivHex", fail);
        const decryptor = new PskcDecryptor(key, keySource, encryption, iv);
        decryptor.setUpMac(fail);
        return decryptor;
    }

    private setUpMac(fail: (message: string) => never): void {
        const uri = this.encryption.macAlgorithmUri;
        const name = algorithmName(uri);
        const hash = name ? HMACS[name] : undefined;
        if (uri === undefined) {
            this.macProblem =
                "the value carries a ValueMAC but the file names no MAC algorithm (MACMethod), so it cannot be checked";
        } else if (!hash) {
            this.macProblem =
                `the file's MAC algorithm "${uri}" is not supported (HMAC-SHA1/224/256/384/512 are), ` +
                `so the ValueMAC cannot be checked`;
        } else {
            this.macHash = hash;
        }
        const macKey = this.encryption.macKey;
        if (!macKey) {
            // Early drafts MAC with the transport key itself (python-pskc does the same).
            this.macKey = this.key;
            return;
        }
        const opened = this.decrypt(macKey);
        if ("error" in opened) {
            const blame = opened.kind === "check" || opened.kind === "key-length" ? `: wrong ${this.keySource}?` : "";
            fail(`could not decrypt MACMethod/MACKey with the given ${this.keySource}: ${opened.error}${blame}`);
            return;
        }
        this.macKey = opened.bytes;
    }

    /** Decrypt a value and check its ValueMAC (over the ciphertext, or over the plaintext as older drafts did). */
    open(data: EncryptedData): DecryptOutcome {
        const outcome = this.decrypt(data);
        if (data.mac === undefined) {
            if (!("error" in outcome) && this.isWrap(data)) this.verified += 1; // unwrap has its own integrity check
            return "error" in outcome ? outcome : { bytes: outcome.bytes, verified: this.isWrap(data) };
        }
        if (!this.macHash || !this.macKey) {
            return { error: this.macProblem ?? "the ValueMAC cannot be checked", kind: "unsupported" };
        }
        const overCipher = createHmac(this.macHash, this.macKey).update(data.cipher).digest();
        if (sameBytes(overCipher, data.mac)) {
            if ("error" in outcome) return outcome;
            this.verified += 1;
            return { bytes: outcome.bytes, verified: true };
        }
        if ("error" in outcome) {
            // Neither the MAC nor the padding: the classic sign of a wrong key (or a damaged value).
            return outcome.kind === "check"
                ? {
                      error:
                          `the ValueMAC does not match and the value does not decrypt: wrong ${this.keySource}, ` +
                          `or a damaged value`,
                      kind: "check",
                  }
                : outcome;
        }
        const overPlain = createHmac(this.macHash, this.macKey).update(outcome.bytes).digest();
        if (sameBytes(overPlain, data.mac)) {
            this.verified += 1;
            return { bytes: outcome.bytes, verified: true };
        }
        // A CBC value read with the wrong IV also decrypts "cleanly" (only its first block differs).
        const ivHint =
            this.iv === undefined && !this.isWrap(data)
                ? ", or the file expects a CBC IV given separately (some producers leave it out of the CipherValue: pass the ivHex option)"
                : "";
        return {
            error:
                `the ValueMAC does not match, though the value decrypts cleanly: ` +
                `the value or its MAC was altered after the vendor wrote the file${ivHint}; ` +
                "ask the vendor for a fresh file",
            kind: "mac",
        };
    }

    /** How failures should read once the whole file is known (a key proven right is never blamed). */
    get keySourceName(): string {
        return this.keySource;
    }

    private isWrap(data: EncryptedData): boolean {
        const spec = SPECS[algorithmName(data.algorithm ?? this.encryption.algorithmUri) ?? ""];
        return spec !== undefined && spec.family !== "cbc";
    }

    private decrypt(data: EncryptedData): { bytes: Buffer } | DecryptFailure {
        const uri = data.algorithm ?? this.encryption.algorithmUri;
        const name = algorithmName(uri);
        if (!name) {
            return {
                error: "the EncryptedValue names no encryption algorithm and the container names none either: ask the vendor which cipher was used",
                kind: "missing",
            };
        }
        if (ASYMMETRIC.has(name)) {
            return {
                error:
                    `the value is encrypted to a certificate (${uri}); ` +
                    `only pre-shared keys and passphrases are supported`,
                kind: "unsupported",
            };
        }
        const spec = SPECS[name];
        if (!spec) {
            return {
                error: `encryption algorithm "${uri}" is not supported (supported: ${Object.keys(SPECS).join(", ")})`,
                kind: "unsupported",
            };
        }
        if (!runtimeHas(spec.node)) {
            return {
                error:
                    `${spec.label} is not available in this Node.js build (its OpenSSL has no ${spec.node}); ` +
                    `decrypt the file elsewhere or use a Node.js with ${spec.node}`,
                kind: "unsupported",
            };
        }
        if (!spec.keyLengths.includes(this.key.length)) {
            const lengths = spec.keyLengths
                .map((length) => `${length}-byte key (${length * 2} hex digits)`)
                .join(" or a ");
            return {
                error: `${spec.label} needs a ${lengths} but the ${this.keySource} gives ${this.key.length} bytes`,
                kind: "key-length",
            };
        }
        // 2-key 3DES is K1 K2 K1.
        const key =
            spec.node === "des-ede3-cbc" && this.key.length === 16
                ? Buffer.concat([this.key, this.key.subarray(0, 8)])
                : this.key;
        if (spec.family === "kw") {
            if (spec.ecb) return rfc3394Unwrap(spec.node, key, data.cipher);
            return nodeUnwrap(spec, key, data.cipher);
        }
        if (spec.family === "kw-3des") return rfc3217Unwrap(key, data.cipher);
        const iv = this.iv ?? data.cipher.subarray(0, spec.blockLength);
        const body = this.iv ? data.cipher : data.cipher.subarray(spec.blockLength);
        if (iv.length !== spec.blockLength) {
            return { error: `the IV is ${iv.length} bytes; ${spec.label} needs ${spec.blockLength}`, kind: "data" };
        }
        if (body.length === 0 || body.length % spec.blockLength !== 0) {
            const shape = this.iv ? "whole" : "an IV followed by whole";
            return {
                error: `CipherValue is ${data.cipher.length} bytes: not ${shape} ${spec.label} blocks`,
                kind: "data",
            };
        }
        try {
            const decipher = createDecipheriv(spec.node, key, iv);
            return { bytes: Buffer.concat([decipher.update(body), decipher.final()]) };
        } catch {
            return {
                error: `decryption failed (bad padding): wrong ${this.keySource}, or a damaged value`,
                kind: "check",
            };
        }
    }
}

function nodeUnwrap(spec: CipherSpec, key: Buffer, wrapped: Buffer): { bytes: Buffer } | DecryptFailure {
    if (wrapped.length < 24 || wrapped.length % 8 !== 0) {
        return {
            error: `the wrapped value is ${wrapped.length} bytes: RFC 3394 output is a multiple of 8 bytes, at least 24`,
            kind: "data",
        };
    }
    try {
        const decipher = createDecipheriv(spec.node, key, Buffer.from("a6a6a6a6a6a6a6a6", "hex"));
        return { bytes: Buffer.concat([decipher.update(wrapped), decipher.final()]) };
    } catch {
        // Not RFC 3394: maybe RFC 5649 (padded wrap, any value length), which OpenSSL has as -pad.
    }
    try {
        const decipher = createDecipheriv(`${spec.node}-pad`, key, Buffer.from("a65959a6", "hex"));
        return { bytes: Buffer.concat([decipher.update(wrapped), decipher.final()]) };
    } catch {
        return { error: "the key-unwrap integrity check failed: wrong key, or a damaged value", kind: "check" };
    }
}

function sameBytes(a: Buffer, b: Buffer): boolean {
    return a.length === b.length && timingSafeEqual(a, b);
}

function parseKeyHex(hex: string, option: string, fail: (message: string) => never): Buffer {
    const text = hex.replace(/\s+/g, "");
    if (!/^([0-9a-f]{2})+$/i.test(text)) {
        return fail(
            `the ${option} option is not hex (expected an even number of hex digits, e.g. 32 for an AES-128 key)`,
        );
    }
    return Buffer.from(text, "hex");
}

function deriveKey(encryption: ContainerEncryption, passphrase: string, fail: (message: string) => never): Buffer {
    if (encryption.legacyPbe && !encryption.derivation) {
        const { salt, iterations, keyLength } = encryption.legacyPbe;
        if (!salt || !iterations || !keyLength) {
            return fail(
                "the passphrase-based encryption is incomplete (PBESalt, PBEIterationCount or a known algorithm is missing)",
            );
        }
        return pbkdf2Sync(passphrase, salt, iterations, keyLength, "sha1");
    }
    const method = encryption.derivation;
    const algorithm = attr(method, "Algorithm");
    if (algorithmName(algorithm) !== "pbkdf2") {
        return fail(`key derivation "${algorithm ?? "(none)"}" is not supported; only PBKDF2 (PKCS #5 v2.0) is`);
    }
    const params = child(method, "PBKDF2-params");
    const saltText = textAt(params, "Salt", "Specified");
    const salt = saltText === undefined ? undefined : base64ToBytes(saltText);
    if (salt === undefined || "error" in salt)
        return fail(
            "the PBKDF2 configuration is incomplete: " + "PBKDF2-params has no usable Salt/Specified value (base64)",
        );
    const iterations = Number(textAt(params, "IterationCount"));
    if (!Number.isSafeInteger(iterations) || iterations < 1)
        return fail("the PBKDF2 configuration is incomplete: no usable IterationCount");
    // KeyLength is optional in PKCS #5; AES-128 is PSKC's mandatory cipher, hence 16.
    const lengthText = textAt(params, "KeyLength");
    const keyLength = lengthText ? Number(lengthText) : 16;
    if (!Number.isSafeInteger(keyLength) || keyLength < 1) return fail("PBKDF2-params has an unusable KeyLength");
    const prfAlgorithm = attr(child(params, "PRF"), "Algorithm");
    const prf = prfAlgorithm ? HMACS[algorithmName(prfAlgorithm) ?? ""] : "sha1";
    if (!prf) return fail(`PBKDF2 PRF "${prfAlgorithm}" is not supported (HMAC-SHA1/224/256/384/512 are)`);
    return pbkdf2Sync(passphrase, salt, iterations, keyLength, prf);
}
