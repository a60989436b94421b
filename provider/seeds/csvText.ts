// Splits a seed/assignments CSV into rows with their line numbers. Each physical line is
// parsed on its own (with csv-parse) so one broken line (say, a stray quote) becomes one
// problem instead of derailing the parser for the rest of the file. Seed files never need
// quoted fields that span lines, so nothing is lost.

import { parse } from "csv-parse/sync";

export interface CsvRow {
    line: number;
    cells: string[];
}

interface CsvLineError {
    line: number;
    error: string;
}

export interface CsvText {
    /** Rows and unreadable lines, in file order; blank and `#` comment lines are left out. */
    entries: Array<CsvRow | CsvLineError>;
    /** `# version: N` from a leading comment (privacyIDEA marks its user-column layout so). */
    version?: number;
}

export function readCsvText(text: string): CsvText {
    const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
    const result: CsvText = { entries: [] };
    let delimiter: string | undefined;

    lines.forEach((raw, index) => {
        const trimmed = raw.trim();
        if (trimmed === "") return;
        if (trimmed.startsWith("#")) {
            const version = /^#\s*version:\s*(\d+)/i.exec(trimmed);
            if (version && result.entries.length === 0) result.version = Number(version[1]);
            return;
        }
        delimiter ??= sniffDelimiter(trimmed);
        const line = index + 1;
        try {
            const records = parse(trimmed, {
                delimiter,
                trim: true,
                relax_column_count: true,
                skip_empty_lines: true,
            }) as string[][];
            const cells = records[0] ?? [];
            if (cells.every((cell) => cell === "")) return; // a line of bare delimiters
            result.entries.push({ line, cells });
        } catch (error) {
            // csv-parse quotes the offending field ("value is ..."), which may be a secret: cut it.
            const reason = (error instanceof Error ? error.message : String(error)).replace(
                /,?\s*value is[\s\S]*$/i,
                "",
            );
            result.entries.push({
                line,
                error: `the line is not valid CSV (${reason}); check its quotes and delimiters`,
            });
        }
    });
    return result;
}

/** Comma unless the first row clearly uses semicolons or tabs (spreadsheet exports). */
function sniffDelimiter(line: string): string {
    if (line.includes(",")) return ",";
    if (line.includes(";")) return ";";
    if (line.includes("\t")) return "\t";
    return ",";
}

/** Header cells compared loosely: case, spaces, dashes and underscores do not matter. */
export function normalizeHeader(cell: string): string {
    return cell.toLowerCase().replace(/[\s_-]+/g, "");
}
