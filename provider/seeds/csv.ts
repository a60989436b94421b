// Seed CSV reader: picks the layout (given, or detected from the header and the shape of the
// rows), reads every row with that layout's reader and applies PingOne's rules. Bad rows
// become problems naming their line. The file is refused when its layout cannot be
// determined: rows of two different layouts, or of none, are never settled by a guess.
//
// Detection is one pass over the rows with a tally per layout (linear in the file; the
// earlier per-vote array copies made 100,000 rows take over a minute).

import {
    ENTRA_DEFAULT_COLUMNS,
    LAYOUT_LABELS,
    columnCount,
    entraColumnsFromHeader,
    guessLayout,
    isEntraHeader,
    isHeaderRow,
    readEntraRow,
    readLinOtpRow,
    readPingIdRow,
    readPrivacyIdeaExportRow,
    readPrivacyIdeaRow,
    readYubicoRow,
    readYubikeyLogRow,
    type EntraColumns,
    type RowRead,
} from "./csvLayouts";
import { readCsvText, type CsvRow } from "./csvText";
import { TokenCollector, resolveDefaults } from "./tokenRules";
import { seedFileError, type SeedCsvFormat, type SeedCsvOptions, type SeedLoadResult } from "./types";

export const CSV_FORMATS: readonly SeedCsvFormat[] = [
    "pingid",
    "privacyidea",
    "privacyidea-export",
    "linotp",
    "entra",
    "yubikey-log",
    "yubico",
];

/** Why a layout leaves values out, for the file's "assumed" warning. */
const ASSUMED_REASONS: Partial<Record<SeedCsvFormat, string>> = {
    pingid: "the PingID layout (serial,hexsecret[,counter]) has no type, digits or hash column (PingID asks for them at import)",
    privacyidea: "privacyIDEA rows may leave out type, digits and the step/counter column",
    linotp: "LinOTP rows may leave out type, digits and the time step",
    "yubikey-log": "the YubiKey Personalization Tool log does not give the OTP length or the starting counter",
    yubico: "Yubico's serial-format export does not give the OTP length or the starting counter",
};

export function parseSeedCsv(text: string, options: SeedCsvOptions = {}): SeedLoadResult {
    const file = options.file ?? "<csv>";
    const requested = options.format ?? "auto";
    if (requested !== "auto" && !CSV_FORMATS.includes(requested)) {
        throw seedFileError(
            file,
            `unknown CSV format "${String(requested)}": use one of ${CSV_FORMATS.join(", ")} or "auto"`,
            "layout",
        );
    }
    const defaults = resolveDefaults(file, options.defaults);
    const csv = readCsvText(text);
    const rows = csv.entries.filter((entry): entry is CsvRow => "cells" in entry);
    const header = rows[0] && isHeaderRow(rows[0].cells) ? rows[0] : undefined;
    const dataRows = header ? rows.slice(1) : rows;

    const unreadable = csv.entries.length - rows.length;
    if (dataRows.length === 0 && unreadable === 0) {
        const empty = new TokenCollector({ file });
        empty.reject({ file }, ["the file has no token rows"], undefined, "layout");
        return empty.result();
    }
    if (dataRows.length === 0 && requested === "auto") {
        throw seedFileError(
            file,
            `none of its ${unreadable} line(s) could be read as CSV rows; check quotes and delimiters`,
            "layout",
        );
    }

    const format = requested === "auto" ? detectLayout(file, header, dataRows, csv.version) : requested;
    const collectorOptions: ConstructorParameters<typeof TokenCollector>[0] = { file, defaults };
    if (options.maxTokens !== undefined) collectorOptions.maxTokens = options.maxTokens;
    const reason = ASSUMED_REASONS[format];
    if (reason) collectorOptions.assumedReason = reason;
    const collector = new TokenCollector(collectorOptions);

    let entraColumns: EntraColumns = ENTRA_DEFAULT_COLUMNS;
    if (format === "entra" && header) {
        const found = entraColumnsFromHeader(header.cells);
        if (!found) {
            throw seedFileError(
                file,
                `the header on line ${header.line} has no "serial number" and "secret key" columns, which the Microsoft Entra layout needs`,
                "layout",
            );
        }
        entraColumns = found;
    }

    for (const entry of csv.entries) {
        if (entry === header) continue;
        const location = { file, line: entry.line };
        if ("error" in entry) {
            collector.reject(location, [entry.error], undefined, "layout");
            continue;
        }
        const read = readRow(format, entry.cells, entraColumns, csv.version);
        if (read.skip) continue;
        const serial = read.draft?.serialNumber;
        const rowLocation = serial ? { ...location, serialNumber: serial } : location;
        const looksLike = guessLayout(entry.cells, csv.version);
        const compatible =
            looksLike === undefined ||
            family(looksLike) === family(format) ||
            (looksLike === "pingid" && columnCount(entry.cells) === 2 && family(format) === "privacyidea");
        const hint =
            looksLike && !compatible
                ? `this row looks like ${LAYOUT_LABELS[looksLike]} but the file is read as ${LAYOUT_LABELS[format]}; ` +
                  `pass the format option if that is wrong`
                : undefined;
        if (read.draft) {
            collector.accept(read.draft, rowLocation, read.issues, hint);
        } else {
            collector.reject(
                rowLocation,
                read.issues,
                hint,
                format === "yubikey-log" || format === "yubico" ? "not-otp" : undefined,
            );
        }
    }
    return collector.result();
}

function readRow(format: SeedCsvFormat, cells: string[], entraColumns: EntraColumns, version?: number): RowRead {
    switch (format) {
        case "pingid":
            return readPingIdRow(cells);
        case "privacyidea":
            return readPrivacyIdeaRow(cells, version);
        case "privacyidea-export":
            return readPrivacyIdeaExportRow(cells);
        case "linotp":
            return readLinOtpRow(cells);
        case "entra":
            return readEntraRow(cells, entraColumns);
        case "yubikey-log":
            return readYubikeyLogRow(cells);
        case "yubico":
            return readYubicoRow(cells);
    }
}

/** privacyIDEA and LinOTP rows share their first five columns. */
function family(format: SeedCsvFormat): string {
    return format === "linotp" ? "privacyidea" : format;
}

interface Tally {
    count: number;
    /** The first few line numbers, for the message. */
    lines: number[];
}

/**
 * The Entra header decides at once. Otherwise every data row's shape names at most one
 * layout; rows that fit none are left to the reader (they become row problems). Shapes that
 * are compatible are merged: a LinOTP file may hold privacyIDEA-shaped rows (empty trailing
 * columns), and `serial,hexsecret` rows are valid privacyIDEA and LinOTP rows. Anything else
 * mixed is refused with the candidates named, and so is a file no row of which fits.
 */
function detectLayout(file: string, header: CsvRow | undefined, rows: CsvRow[], version?: number): SeedCsvFormat {
    if (header && isEntraHeader(header.cells)) return "entra";
    const tallies = new Map<SeedCsvFormat, Tally>();
    let pingIdTwoColumn = 0;
    for (const row of rows) {
        const layout = guessLayout(row.cells, version);
        if (!layout) continue;
        let tally = tallies.get(layout);
        if (!tally) {
            tally = { count: 0, lines: [] };
            tallies.set(layout, tally);
        }
        tally.count += 1;
        if (tally.lines.length < 5) tally.lines.push(row.line);
        if (layout === "pingid" && columnCount(row.cells) === 2) pingIdTwoColumn += 1;
    }
    const merge = (from: SeedCsvFormat, into: SeedCsvFormat): void => {
        const source = tallies.get(from);
        const target = tallies.get(into);
        if (!source || !target) return;
        target.count += source.count;
        target.lines = [...target.lines, ...source.lines].sort((a, b) => a - b).slice(0, 5);
        tallies.delete(from);
    };
    merge("privacyidea", "linotp");
    const pingid = tallies.get("pingid");
    if (pingid && pingid.count === pingIdTwoColumn) {
        merge("pingid", "linotp");
        merge("pingid", "privacyidea");
    }

    const accepted = `accepted layouts: ${CSV_FORMATS.map((format) => LAYOUT_LABELS[format]).join("; ")}`;
    const candidates = [...tallies.entries()];
    const [only] = candidates;
    if (!only) {
        const sample = rows[0];
        throw seedFileError(
            file,
            `unknown CSV layout: line ${sample?.line ?? "?"} (${sample?.cells.length ?? 0} columns) matches none of the known layouts; ` +
                `${accepted}; ` +
                "pass the format option if the file is one of them",
            "layout",
        );
    }
    if (candidates.length > 1) {
        const described = candidates
            .sort((a, b) => b[1].count - a[1].count)
            .map(
                ([format, tally]) =>
                    `${tally.count} row(s) look like ${LAYOUT_LABELS[format]} ` +
                    `(line${tally.lines.length > 1 ? "s" : ""} ${tally.lines.join(", ")}${tally.count > tally.lines.length ? ", ..." : ""})`,
            );
        throw seedFileError(
            file,
            `ambiguous CSV layout: ${described.join("; ")}; pass the format option (${candidates.map(([format]) => format).join(" or ")}) ` +
                "to say which layout the file is, or split the file",
            "layout",
        );
    }
    return only[0];
}
