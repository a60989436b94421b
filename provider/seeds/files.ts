// Reading seed and assignment files from disk: any failure to read is a SeedFileError, so
// callers handle one error type for "this file is unusable". The size is checked before the
// file is read (a 50 MB file is a mistake or an attack, never a token order), and the bytes
// are decoded strictly: invalid UTF-8 is refused with its line instead of becoming U+FFFD in a
// username, and UTF-16 with a byte-order mark (some Windows tools save CSV so) is decoded.

import { readFileSync, statSync } from "node:fs";
import { SeedFileError, seedFileError } from "./types";

/** 20 MB: a PSKC file of 100,000 plain tokens is about 45 MB only with very verbose XML. */
export const DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024;
/** PingOne holds at most 100,000 OATH tokens per environment. */
export const DEFAULT_MAX_TOKENS = 100_000;

export function readTextFile(path: string, what: string, maxBytes: number = DEFAULT_MAX_FILE_BYTES): string {
    let bytes: Buffer;
    try {
        const size = statSync(path).size;
        if (size > maxBytes) {
            throw seedFileError(
                path,
                `the ${what} file is ${formatBytes(size)}, above the ${formatBytes(maxBytes)} limit; check it is the right file, ` +
                    "or raise the limit (maxFileBytes option, --max-bytes)",
            );
        }
        bytes = readFileSync(path);
    } catch (error) {
        if (error instanceof SeedFileError) throw error;
        const reason = error instanceof Error ? error.message : String(error);
        throw seedFileError(path, `cannot read the ${what} file: ${reason}`);
    }
    return decodeText(bytes, path, what);
}

/** UTF-8 (BOM optional) or UTF-16 with a BOM; anything else is refused with its line. */
function decodeText(bytes: Buffer, file: string, what = "seed"): string {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes.subarray(2), "le", file, what);
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes.subarray(2), "be", file, what);
    const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
    // NUL bytes in the first characters mean UTF-16 (or UTF-32) saved without a BOM.
    const head = body.subarray(0, 64);
    if (head.length >= 4 && head.includes(0)) {
        throw seedFileError(
            file,
            `the ${what} file contains NUL bytes near its start: it looks like UTF-16 or UTF-32 without a byte-order mark; save it as UTF-8`,
        );
    }
    try {
        return new TextDecoder("utf-8", { fatal: true }).decode(body);
    } catch {
        const offset = firstInvalidUtf8(body);
        const line = lineOf(body, offset);
        throw seedFileError(
            file,
            `line ${line} is not valid UTF-8 (byte ${offset + 1} of the file, 0x${(body[offset] ?? 0).toString(16).padStart(2, "0")}): ` +
                "the file was probably saved in another encoding (e.g. Windows-1252); save it as UTF-8",
        );
    }
}

function decodeUtf16(body: Buffer, order: "le" | "be", file: string, what: string): string {
    if (body.length % 2 !== 0) {
        throw seedFileError(
            file,
            `the ${what} file starts with a UTF-16 byte-order mark but has an odd number of bytes: it is truncated`,
        );
    }
    const little = order === "le" ? body : swapBytes(body);
    try {
        return new TextDecoder("utf-16le", { fatal: true }).decode(little);
    } catch {
        throw seedFileError(
            file,
            `the ${what} file starts with a UTF-16 byte-order mark but is not valid UTF-16; save it as UTF-8`,
        );
    }
}

function swapBytes(bytes: Buffer): Buffer {
    const copy = Buffer.from(bytes);
    copy.swap16();
    return copy;
}

/** Offset of the first byte that breaks UTF-8 (only called once the strict decoder failed). */
function firstInvalidUtf8(bytes: Buffer): number {
    let i = 0;
    while (i < bytes.length) {
        const b = bytes[i] ?? 0;
        const need =
            b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
        if (need < 0) return i;
        if (need > 0) {
            const sequence = bytes.subarray(i, i + need + 1);
            if (sequence.length !== need + 1) return i;
            try {
                new TextDecoder("utf-8", { fatal: true }).decode(sequence);
            } catch {
                return i;
            }
        }
        i += need + 1;
    }
    return Math.max(0, bytes.length - 1);
}

function lineOf(bytes: Buffer, offset: number): number {
    let line = 1;
    for (let i = 0; i < offset; i += 1) if (bytes[i] === 0x0a) line += 1;
    return line;
}

function formatBytes(bytes: number): string {
    return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${bytes} bytes`;
}
