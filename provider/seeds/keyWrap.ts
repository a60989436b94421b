// Key unwrapping for PSKC values, composed from node:crypto block-cipher modes (no block
// cipher is written here): RFC 3394 over an ECB cipher (for KW-Camellia, which OpenSSL does
// not offer as a wrap mode; KW-AES uses OpenSSL's own id-aesNNN-wrap) and RFC 3217 for
// KW-TripleDES (two 3DES-CBC passes and a SHA-1 checksum).

import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";

const RFC3394_IV = Buffer.from("a6a6a6a6a6a6a6a6", "hex");
const RFC5649_PREFIX = Buffer.from("a65959a6", "hex");
const RFC3217_IV = Buffer.from("4adda22c79e82105", "hex");

export type UnwrapOutcome = { bytes: Buffer } | { error: string; kind: "check" | "data" };

/**
 * RFC 3394 unwrap with a 128-bit block cipher given by its node:crypto ECB name; a value
 * wrapped with RFC 5649's padding (any length, as a 20-byte OTP secret needs) is unpadded.
 */
export function rfc3394Unwrap(ecbCipher: string, key: Buffer, wrapped: Buffer): UnwrapOutcome {
    if (wrapped.length < 16 || wrapped.length % 8 !== 0) {
        return {
            error: `the wrapped value is ${wrapped.length} bytes: RFC 3394 output is a multiple of 8 bytes, at least 16`,
            kind: "data",
        };
    }
    const n = wrapped.length / 8 - 1;
    const decipher = createDecipheriv(ecbCipher, key, null).setAutoPadding(false);
    let a: Buffer;
    const r: Buffer[] = [];
    if (n === 1) {
        // RFC 5649 section 4.2: a single block is decrypted once.
        const block = decipher.update(wrapped);
        a = Buffer.from(block.subarray(0, 8));
        r[1] = Buffer.from(block.subarray(8, 16));
    } else {
        a = Buffer.from(wrapped.subarray(0, 8));
        for (let i = 1; i <= n; i += 1) r[i] = Buffer.from(wrapped.subarray(8 * i, 8 * i + 8));
        for (let j = 5; j >= 0; j -= 1) {
            for (let i = n; i >= 1; i -= 1) {
                const counter = Buffer.alloc(8);
                counter.writeBigUInt64BE(BigInt(n * j + i));
                for (let k = 0; k < 8; k += 1) a[k] = (a[k] ?? 0) ^ (counter[k] ?? 0);
                const block = decipher.update(Buffer.concat([a, r[i] as Buffer]));
                a = Buffer.from(block.subarray(0, 8));
                r[i] = Buffer.from(block.subarray(8, 16));
            }
        }
    }
    const plain = Buffer.concat(r.slice(1));
    if (n > 1 && timingSafeEqual(a, RFC3394_IV)) return { bytes: plain };
    if (a.subarray(0, 4).equals(RFC5649_PREFIX)) {
        const length = a.readUInt32BE(4);
        const padding = plain.subarray(length);
        if (length > 8 * (n - 1) && length <= 8 * n && padding.every((byte) => byte === 0))
            return { bytes: plain.subarray(0, length) };
    }
    return { error: "the key-unwrap integrity check failed", kind: "check" };
}

/** RFC 3217 Triple-DES key unwrap (24-byte key). */
export function rfc3217Unwrap(key: Buffer, wrapped: Buffer): UnwrapOutcome {
    if (wrapped.length < 16 || wrapped.length % 8 !== 0) {
        return {
            error: `the wrapped value is ${wrapped.length} bytes: RFC 3217 output is a multiple of 8 bytes`,
            kind: "data",
        };
    }
    const outer = createDecipheriv("des-ede3-cbc", key, RFC3217_IV).setAutoPadding(false);
    const temp3 = Buffer.concat([outer.update(wrapped), outer.final()]);
    const temp2 = Buffer.from(temp3).reverse();
    const inner = createDecipheriv("des-ede3-cbc", key, temp2.subarray(0, 8)).setAutoPadding(false);
    const cekIcv = Buffer.concat([inner.update(temp2.subarray(8)), inner.final()]);
    const cek = cekIcv.subarray(0, cekIcv.length - 8);
    const icv = cekIcv.subarray(cekIcv.length - 8);
    const expected = createHash("sha1").update(cek).digest().subarray(0, 8);
    if (!timingSafeEqual(icv, expected))
        return { error: "the CMS key checksum (RFC 3217) does not match", kind: "check" };
    return { bytes: Buffer.from(cek) };
}
