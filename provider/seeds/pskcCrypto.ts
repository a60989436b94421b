// PSKC (RFC 6030 section 6) encryption: the transport key comes either from a pre-shared key
// or from a passphrase through PBKDF2; every EncryptedValue is IV || CBC ciphertext with
// PKCS#7 padding, and its ValueMAC is an HMAC over IV || ciphertext under a MAC key that the
// file itself carries, encrypted with the transport key (MACMethod/MACKey).
//
// The MAC is checked before decrypting (encrypt-then-MAC), so a wrong key or a tampered value
// is reported as such rather than as garbage secrets.

import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { base64ToBytes } from "./secretEncoding";
import { SeedFileError, type PskcOptions } from "./types";
import { attr, child, children, textAt, type XmlElement } from "./xmlTree";

interface CipherSpec {
  name: string;
  label: string;
  keyLength: number;
  ivLength: number;
  blockLength: number;
}

// XML Encryption block ciphers; key wrap (kw-aes*) is not supported.
const CIPHERS: Record<string, CipherSpec> = {
  "aes128-cbc": { name: "aes-128-cbc", label: "aes128-cbc", keyLength: 16, ivLength: 16, blockLength: 16 },
  "aes192-cbc": { name: "aes-192-cbc", label: "aes192-cbc", keyLength: 24, ivLength: 16, blockLength: 16 },
  "aes256-cbc": { name: "aes-256-cbc", label: "aes256-cbc", keyLength: 32, ivLength: 16, blockLength: 16 },
  "tripledes-cbc": { name: "des-ede3-cbc", label: "tripledes-cbc", keyLength: 24, ivLength: 8, blockLength: 8 },
};

// HMAC algorithm URIs (xmldsig#hmac-sha1, xmldsig-more#hmac-sha256 ...) by their fragment.
const HMACS: Record<string, string> = {
  "hmac-sha1": "sha1",
  "hmac-sha224": "sha224",
  "hmac-sha256": "sha256",
  "hmac-sha384": "sha384",
  "hmac-sha512": "sha512",
};

const PBKDF2 = "pbkdf2";

function fragment(uri: string | undefined): string {
  if (!uri) return "";
  const hash = uri.lastIndexOf("#");
  return (hash >= 0 ? uri.slice(hash + 1) : uri).toLowerCase();
}

/** Why a value could not be opened; `keyRelated` marks failures a wrong key would cause. */
export interface DecryptFailure {
  error: string;
  keyRelated: boolean;
}

export type DecryptOutcome = { bytes: Buffer } | DecryptFailure;

/** True when some key's Data holds an EncryptedValue, so a transport key is needed at all. */
export function needsTransportKey(root: XmlElement): boolean {
  return children(root, "KeyPackage").some((pkg) =>
    children(pkg, "Key").some((key) => hasEncryptedValue(child(key, "Data"))),
  );
}

function hasEncryptedValue(element: XmlElement | undefined): boolean {
  if (element === undefined || typeof element === "string") return false;
  return Object.entries(element).some(
    ([name, value]) => Array.isArray(value) && (name === "EncryptedValue" || value.some(hasEncryptedValue)),
  );
}

export class PskcDecryptor {
  private constructor(
    private readonly key: Buffer,
    private readonly keySource: string,
    private readonly macKey: Buffer,
    private readonly macHash: string,
  ) {}

  /**
   * Work out the transport key and MAC key for a container; throws SeedFileError when no
   * usable key was given (saying which option to pass) or the MAC key will not decrypt.
   */
  static fromContainer(root: XmlElement, options: PskcOptions, file: string): PskcDecryptor {
    const fail = (message: string): never => {
      throw new SeedFileError(`${file}: ${message}`, [{ location: { file }, message, severity: "error" }]);
    };
    const encryptionKey = child(root, "EncryptionKey");
    const derived = child(encryptionKey, "DerivedKey");
    let key: Buffer;
    let keySource: string;

    if (child(encryptionKey, "X509Data")) {
      return fail("the secrets are encrypted to a certificate (asymmetric PSKC); only pre-shared keys and passphrases are supported");
    }
    if (derived) {
      const name = textAt(derived, "MasterKeyName");
      if (options.passphrase !== undefined) {
        key = deriveKey(derived, options.passphrase, fail);
        keySource = "passphrase";
      } else if (options.preSharedKeyHex !== undefined) {
        // The already-derived key works too (it is what PBKDF2 would produce).
        key = parseKeyHex(options.preSharedKeyHex, fail);
        keySource = "preSharedKeyHex";
      } else {
        return fail(
          `the secrets are encrypted with a passphrase-derived key (PBKDF2${name ? `, key name "${name}"` : ""}): pass the passphrase option`,
        );
      }
    } else {
      const name = textAt(encryptionKey, "KeyName");
      if (options.preSharedKeyHex === undefined) {
        const hint = options.passphrase !== undefined ? " (this file does not use a passphrase)" : "";
        return fail(
          `the secrets are encrypted with a pre-shared key${name ? ` ("${name}")` : ""}: pass the preSharedKeyHex option with that key in hex${hint}`,
        );
      }
      key = parseKeyHex(options.preSharedKeyHex, fail);
      keySource = "preSharedKeyHex";
    }

    const macMethod = child(root, "MACMethod");
    const macAlgorithm = attr(macMethod, "Algorithm") ?? "http://www.w3.org/2000/09/xmldsig#hmac-sha1";
    const macHash = HMACS[fragment(macAlgorithm)];
    if (!macHash) return fail(`MACMethod algorithm "${macAlgorithm}" is not supported (HMAC-SHA1/224/256/384/512 are)`);

    const macKeyElement = child(macMethod, "MACKey");
    // Without a MACKey, early PSKC drafts MACed with the transport key itself (python-pskc
    // does the same); RFC 6030 files always carry a MACKey.
    let macKey = key;
    if (macKeyElement) {
      const opened = decryptWith(key, keySource, macKeyElement);
      if ("error" in opened) {
        return fail(`could not decrypt MACMethod/MACKey with the given ${keySource}: ${opened.error}`);
      }
      macKey = opened.bytes;
    }
    return new PskcDecryptor(key, keySource, macKey, macHash);
  }

  /**
   * Open the encrypted value of a Data child (Secret, Counter ...): `holder` contains
   * EncryptedValue and, normally, ValueMAC.
   */
  open(holder: XmlElement): DecryptOutcome {
    const encrypted = child(holder, "EncryptedValue");
    if (!encrypted) return { error: "there is no EncryptedValue", keyRelated: false };
    const macText = textAt(holder, "ValueMAC");
    if (macText !== undefined) {
      const cipherBytes = cipherValue(encrypted);
      if ("error" in cipherBytes) return cipherBytes;
      const expected = base64ToBytes(macText);
      if ("error" in expected) return { error: `ValueMAC: ${expected.error}`, keyRelated: false };
      const actual = createHmac(this.macHash, this.macKey).update(cipherBytes.bytes).digest();
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
        return { error: `ValueMAC does not match: wrong key or tampered file (check the ${this.keySource})`, keyRelated: true };
      }
    }
    return decryptWith(this.key, this.keySource, encrypted);
  }
}

function parseKeyHex(hex: string, fail: (message: string) => never): Buffer {
  const text = hex.replace(/\s+/g, "");
  if (!/^([0-9a-f]{2})+$/i.test(text)) {
    return fail("the preSharedKeyHex option is not hex (expected an even number of hex digits, e.g. 32 for an AES-128 key)");
  }
  return Buffer.from(text, "hex");
}

function deriveKey(derived: XmlElement, passphrase: string, fail: (message: string) => never): Buffer {
  const method = child(derived, "KeyDerivationMethod");
  const algorithm = attr(method, "Algorithm");
  if (fragment(algorithm) !== PBKDF2) {
    return fail(`key derivation "${algorithm ?? "(none)"}" is not supported; only PBKDF2 (PKCS #5 v2.0) is`);
  }
  const params = child(method, "PBKDF2-params");
  const saltText = textAt(params, "Salt", "Specified");
  const salt = saltText === undefined ? undefined : base64ToBytes(saltText);
  if (salt === undefined || "error" in salt) return fail("PBKDF2-params has no usable Salt/Specified value (base64)");
  const iterations = Number(textAt(params, "IterationCount"));
  if (!Number.isSafeInteger(iterations) || iterations < 1) return fail("PBKDF2-params has no usable IterationCount");
  // KeyLength is optional in PKCS #5; AES-128 is PSKC's mandatory cipher, hence 16.
  const lengthText = textAt(params, "KeyLength");
  const keyLength = lengthText ? Number(lengthText) : 16;
  if (!Number.isSafeInteger(keyLength) || keyLength < 1) return fail("PBKDF2-params has an unusable KeyLength");
  const prfAlgorithm = attr(child(params, "PRF"), "Algorithm");
  const prf = prfAlgorithm ? HMACS[fragment(prfAlgorithm)] : "sha1";
  if (!prf) return fail(`PBKDF2 PRF "${prfAlgorithm}" is not supported (HMAC-SHA1/224/256/384/512 are)`);
  return pbkdf2Sync(passphrase, salt, iterations, keyLength, prf);
}

function cipherValue(encrypted: XmlElement): { bytes: Buffer } | DecryptFailure {
  const text = textAt(encrypted, "CipherData", "CipherValue");
  if (text === undefined) return { error: "EncryptedValue has no CipherData/CipherValue", keyRelated: false };
  const bytes = base64ToBytes(text);
  if ("error" in bytes) return { error: `CipherValue: ${bytes.error}`, keyRelated: false };
  return { bytes };
}

/** Decrypt an EncryptedValue-shaped element (EncryptionMethod + CipherData). */
function decryptWith(key: Buffer, keySource: string, encrypted: XmlElement): DecryptOutcome {
  const algorithm = attr(child(encrypted, "EncryptionMethod"), "Algorithm");
  const spec = CIPHERS[fragment(algorithm)];
  if (!spec) {
    return {
      error: `encryption algorithm "${algorithm ?? "(none)"}" is not supported (supported: ${Object.keys(CIPHERS).join(", ")})`,
      keyRelated: false,
    };
  }
  if (key.length !== spec.keyLength) {
    return {
      error: `${spec.label} needs a ${spec.keyLength}-byte key (${spec.keyLength * 2} hex digits) but the ${keySource} gives ${key.length} bytes`,
      keyRelated: true,
    };
  }
  const data = cipherValue(encrypted);
  if ("error" in data) return data;
  const body = data.bytes.length - spec.ivLength;
  if (body <= 0 || body % spec.blockLength !== 0) {
    return { error: `CipherValue is ${data.bytes.length} bytes: not an IV followed by whole ${spec.label} blocks`, keyRelated: false };
  }
  try {
    const decipher = createDecipheriv(spec.name, key, data.bytes.subarray(0, spec.ivLength));
    const plain = Buffer.concat([decipher.update(data.bytes.subarray(spec.ivLength)), decipher.final()]);
    return { bytes: plain };
  } catch {
    return { error: `decryption failed (bad padding): wrong ${keySource} or damaged file`, keyRelated: true };
  }
}
