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

export type SeedFileOptions = Omit<PskcOptions, "keyPackagePositions"> & {
    /** "auto" (default) detects from the content; "pskc" or a CSV layout forces one. */
    format?: SeedFileFormat | "auto";
    /**
     * Only the tokens whose serial it accepts are wanted (a fleet's shard). The result holds only those, and
     * their problems (plus problems that name no serial); a PSKC file's other KeyPackages are not parsed at
     * all, so a shard's time and memory follow its share of the file, not the whole file. KeyPackages keep
     * their positions in the file in every location.
     */
    serialFilter?: (serialNumber: string) => boolean;
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
        const subset = options.serialFilter && pskcSubset(text, options.serialFilter);
        if (subset) pskcOptions.keyPackagePositions = subset.positions;
        return onlySerials(parsePskc(subset ? subset.text : text, pskcOptions), options.serialFilter);
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
    return onlySerials(parseSeedCsv(text, csvOptions), options.serialFilter);
}

function onlySerials(result: SeedLoadResult, keep: ((serialNumber: string) => boolean) | undefined): SeedLoadResult {
    if (!keep) return result;
    const wanted = (serial: string | undefined) => serial === undefined || keep(serial);
    return {
        ...result,
        tokens: result.tokens.filter((t) => keep(t.serialNumber)),
        problems: result.problems.filter((p) => wanted(p.location.serialNumber)),
    };
}

const KEY_PACKAGE_OPEN = /<(?:([A-Za-z_][\w.-]*):)?KeyPackage(?=[\s>])/g;
/** A serial the filter may judge unparsed: plain printable ASCII, no entity, no space to trim. */
const SERIAL_NO = /<(?:[A-Za-z_][\w.-]*:)?SerialNo>([\x21-\x25\x27-\x3b\x3d-\x7e]+)<\/(?:[A-Za-z_][\w.-]*:)?SerialNo>/g;

/**
 * The PSKC text with only the KeyPackages `keep` may want: the container's header (namespaces, encryption
 * and MAC keys) and footer as they are, and each KeyPackage whose one DeviceInfo/SerialNo the filter
 * rejects left out. Undefined (parse the whole file) when the text is not plain enough to cut safely:
 * comments or CDATA (which could hold tag-like text), or a KeyPackage whose end is not found. A KeyPackage
 * whose serial cannot be read this way is kept; the parse decides, and the result is filtered again.
 */
function pskcSubset(
    text: string,
    keep: (serialNumber: string) => boolean,
): { text: string; positions: number[] } | undefined {
    if (text.includes("<!--") || text.includes("<![CDATA[")) return undefined;
    const kept: string[] = [];
    const positions: number[] = [];
    let first = -1;
    let end = -1;
    let position = 0;
    KEY_PACKAGE_OPEN.lastIndex = 0;
    for (let open = KEY_PACKAGE_OPEN.exec(text); open; open = KEY_PACKAGE_OPEN.exec(text)) {
        if (open.index < end) return undefined; // a KeyPackage inside another: not a layout to cut
        const close = `</${open[1] ? `${open[1]}:` : ""}KeyPackage>`;
        const at = text.indexOf(close, open.index);
        if (at < 0) return undefined;
        // Only white space between KeyPackages: anything else there (a draft Device, a signature) stays
        // whole, so the file is parsed whole.
        if (first < 0) first = open.index;
        else if (text.slice(end, open.index).trim() !== "") return undefined;
        end = at + close.length;
        KEY_PACKAGE_OPEN.lastIndex = end;
        position++;
        const chunk = text.slice(open.index, end);
        const serials = [...chunk.matchAll(SERIAL_NO)].map((m) => m[1]!);
        if (serials.length === 1 && !keep(serials[0]!)) continue;
        kept.push(chunk);
        positions.push(position);
    }
    if (first < 0) return undefined;
    return { text: text.slice(0, first) + kept.join("\n") + text.slice(end), positions };
}
