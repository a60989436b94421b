// Loads a vendor seed file from disk. The content says what a file is, the extension is only
// a hint: any XML document is read as PSKC (multiOTP ships PSKC as .txt), anything else as
// CSV, whose layout is detected from its header and rows. An explicit `format` skips the
// guessing; a file that fits two layouts or none is refused with the candidates named.

import { extname } from "node:path";
import { CSV_FORMATS, parseSeedCsv } from "./csv";
import { DEFAULT_MAX_FILE_BYTES, readTextFile } from "./files";
import { parsePskc } from "./pskc";
import { seedFileError, type PskcOptions, type SeedCsvFormat, type SeedCsvOptions, type SeedLoadResult } from "./types";

export type SeedFileFormat = SeedCsvFormat | "pskc";

export type SeedFileOptions = PskcOptions & {
    /** "auto" (default) detects from the content; "pskc" or a CSV layout forces one. */
    format?: SeedFileFormat | "auto";
};

export const SEED_FILE_FORMATS: readonly SeedFileFormat[] = ["pskc", ...CSV_FORMATS];

const PSKC_EXTENSIONS = new Set([".xml", ".pskc", ".pskcxml"]);

/**
 * Reads a vendor seed file (PSKC, RFC 6030 and its drafts; or a CSV layout), decided by content unless
 * `options.format` says. A bad token or row never stops the others: it becomes a `problem` naming the file,
 * line or KeyPackage and serial. Secrets come out as lowercase hex, PingOne's format.
 *
 * @example
 * const { tokens, problems } = loadSeedFile("batch.pskcxml", { passphrase: process.env.PSKC_PASSPHRASE });
 * @throws SeedFileError when the whole file is unusable (unreadable, too large, not a known layout, wrong key
 *   for every value); `problems` says why.
 */
export function loadSeedFile(path: string, options: SeedFileOptions = {}): SeedLoadResult {
    const file = options.file ?? path;
    const format = options.format ?? "auto";
    if (format !== "auto" && !SEED_FILE_FORMATS.includes(format)) {
        throw seedFileError(
            file,
            `unknown seed file format "${String(format)}": ` + `use one of ${SEED_FILE_FORMATS.join(", ")} or "auto"`,
            "layout",
        );
    }
    const text = readTextFile(path, "seed", options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES);
    return parseSeedText(text, { ...options, file, format }, extname(path).toLowerCase());
}

/** The same decision on text already in memory (the extension, if known, only sharpens messages). */
function parseSeedText(text: string, options: SeedFileOptions = {}, extension = ""): SeedLoadResult {
    const file = options.file ?? "<seeds>";
    const format = options.format ?? "auto";
    const isXml = /^\s*</.test(text.replace(/^\uFEFF/, ""));
    if (format === "pskc" || (format === "auto" && isXml)) {
        const pskcOptions: PskcOptions = { file };
        for (const key of ["preSharedKeyHex", "passphrase", "ivHex", "now", "defaults", "maxTokens"] as const) {
            if (options[key] !== undefined) (pskcOptions as Record<string, unknown>)[key] = options[key];
        }
        return parsePskc(text, pskcOptions);
    }
    if (format === "auto" && PSKC_EXTENSIONS.has(extension)) {
        throw seedFileError(
            file,
            `the file is named ${extension} but its content is not XML, so it is not PSKC; if it is a CSV seed file, ` +
                `rename it or pass the format option`,
            "layout",
        );
    }
    const csvOptions: SeedCsvOptions = { file, format };
    if (options.defaults !== undefined) csvOptions.defaults = options.defaults;
    if (options.maxTokens !== undefined) csvOptions.maxTokens = options.maxTokens;
    return parseSeedCsv(text, csvOptions);
}
