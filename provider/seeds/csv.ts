// Seed CSV reader: picks the layout (given, or detected from the header and rows), reads
// every row with that layout's reader and applies PingOne's rules. Bad rows become problems
// naming their line; the file is refused only when its layout cannot be determined.

import {
  ENTRA_DEFAULT_COLUMNS,
  LAYOUT_LABELS,
  entraColumnsFromHeader,
  guessLayout,
  isEntraHeader,
  isHeaderRow,
  readEntraRow,
  readLinOtpRow,
  readPingIdRow,
  readPrivacyIdeaRow,
  type EntraColumns,
  type RowRead,
} from "./csvLayouts";
import { readCsvText, type CsvRow } from "./csvText";
import { TokenCollector } from "./tokenRules";
import { SeedFileError, type SeedCsvFormat, type SeedCsvOptions, type SeedLoadResult } from "./types";

const FORMATS: readonly SeedCsvFormat[] = ["pingid", "privacyidea", "linotp", "entra"];

export function parseSeedCsv(text: string, options: SeedCsvOptions = {}): SeedLoadResult {
  const file = options.file ?? "<csv>";
  const requested = options.format ?? "auto";
  if (requested !== "auto" && !FORMATS.includes(requested)) {
    throw fileError(file, `unknown CSV format "${String(requested)}": use one of ${FORMATS.join(", ")} or "auto"`);
  }
  const csv = readCsvText(text);
  const rows = csv.entries.filter((entry): entry is CsvRow => "cells" in entry);
  const header = rows[0] && isHeaderRow(rows[0].cells) ? rows[0] : undefined;
  const dataRows = rows.filter((row) => row !== header);

  const collector = new TokenCollector();
  const unreadable = csv.entries.filter((entry) => "error" in entry).length;
  if (dataRows.length === 0 && unreadable === 0) {
    collector.reject({ file }, ["the file has no token rows"]);
    return collector.result();
  }
  if (dataRows.length === 0 && requested === "auto") {
    throw fileError(file, `none of its ${unreadable} line(s) could be read as CSV rows; check quotes and delimiters`);
  }

  const format = requested === "auto" ? detectLayout(file, header, dataRows, csv.version) : requested;
  let entraColumns: EntraColumns = ENTRA_DEFAULT_COLUMNS;
  if (format === "entra" && header) {
    const found = entraColumnsFromHeader(header.cells);
    if (!found) {
      throw fileError(file, `the header on line ${header.line} has no "serial number" and "secret key" columns, which the Microsoft Entra layout needs`);
    }
    entraColumns = found;
  }

  for (const entry of csv.entries) {
    if (entry === header) continue;
    const location = { file, line: entry.line };
    if ("error" in entry) {
      collector.reject(location, [entry.error]);
      continue;
    }
    const read = readRow(format, entry.cells, entraColumns, csv.version);
    const serial = read.draft?.serialNumber;
    const rowLocation = serial ? { ...location, serialNumber: serial } : location;
    const looksLike = guessLayout(entry.cells, csv.version);
    const hint =
      looksLike && family(looksLike) !== family(format)
        ? `this row looks like ${LAYOUT_LABELS[looksLike]} but the file is read as ${LAYOUT_LABELS[format]}; pass the format option if that is wrong`
        : undefined;
    if (read.draft) collector.accept(read.draft, rowLocation, read.issues, hint);
    else collector.reject(rowLocation, read.issues, hint);
  }
  return collector.result();
}

function readRow(format: SeedCsvFormat, cells: string[], entraColumns: EntraColumns, version?: number): RowRead {
  switch (format) {
    case "pingid":
      return readPingIdRow(cells);
    case "privacyidea":
      return readPrivacyIdeaRow(cells, version);
    case "linotp":
      return readLinOtpRow(cells);
    case "entra":
      return readEntraRow(cells, entraColumns);
  }
}

/** privacyIDEA and LinOTP rows share their first five columns. */
function family(format: SeedCsvFormat): string {
  return format === "linotp" ? "privacyidea" : format;
}

/**
 * The Entra header decides at once; otherwise every data row votes. A LinOTP row (6 columns)
 * makes shorter privacyIDEA-looking rows LinOTP too. A tie is refused as ambiguous, and no
 * recognisable row at all as an unknown layout.
 */
function detectLayout(file: string, header: CsvRow | undefined, rows: CsvRow[], version?: number): SeedCsvFormat {
  if (header && isEntraHeader(header.cells)) return "entra";
  const votes = new Map<SeedCsvFormat, number[]>();
  for (const row of rows) {
    const guess = guessLayout(row.cells, version);
    if (guess) votes.set(guess, [...(votes.get(guess) ?? []), row.line]);
  }
  const linotp = votes.get("linotp");
  const privacyidea = votes.get("privacyidea");
  if (linotp && privacyidea) {
    votes.set("linotp", [...linotp, ...privacyidea].sort((a, b) => a - b));
    votes.delete("privacyidea");
  }
  const ranked = [...votes.entries()].sort((a, b) => b[1].length - a[1].length);
  const [first, second] = ranked;
  const accepted = `accepted layouts: ${FORMATS.map((format) => LAYOUT_LABELS[format]).join("; ")}`;
  if (!first) {
    const sample = rows[0];
    throw fileError(
      file,
      `unknown CSV layout: line ${sample?.line ?? "?"} (${sample?.cells.length ?? 0} columns) matches none of the known layouts; ${accepted}`,
    );
  }
  if (second && second[1].length === first[1].length) {
    throw fileError(
      file,
      `ambiguous CSV layout: lines ${first[1].join(", ")} look like ${LAYOUT_LABELS[first[0]]} but lines ${second[1].join(", ")} look like ${LAYOUT_LABELS[second[0]]}; pass the format option`,
    );
  }
  return first[0];
}

function fileError(file: string, message: string): SeedFileError {
  return new SeedFileError(`${file}: ${message}`, [{ location: { file }, message, severity: "error" }]);
}
