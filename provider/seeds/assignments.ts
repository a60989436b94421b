// Assignments file: which PingOne user gets which token. CSV with a header naming a serial
// column (serialNumber, serial) and a user column: `userId` (must be a UUID), `username`
// (also `upn`), or `user` (a UUID becomes userId, anything else username). Without a
// header, a two-column file is read as serial,user.

import { normalizeHeader, readCsvText, type CsvRow } from "./csvText";
import { readTextFile } from "./files";
import { describeLocation, serialIssue } from "./tokenRules";
import {
    SeedFileError,
    type Assignment,
    type AssignmentLoadResult,
    type SeedLocation,
    type SeedProblem,
} from "./types";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const SERIAL_NAMES = ["serialnumber", "serial", "serialno"];
const USERNAME_NAMES = ["username", "upn"];
const USER_ID_NAMES = ["userid"];
const USER_NAMES = ["user"];

interface Columns {
    serial: number;
    username?: number;
    userId?: number;
    user?: number;
}

export function parseAssignments(text: string, options: { file?: string } = {}): AssignmentLoadResult {
    const file = options.file ?? "<assignments>";
    const csv = readCsvText(text);
    const rows = csv.entries.filter((entry): entry is CsvRow => "cells" in entry);
    const columns = rows[0] ? columnsFromHeader(rows[0].cells) : undefined;
    const header = columns ? rows[0] : undefined;
    const dataRows = rows.filter((row) => row !== header);
    const layout = columns ?? headerlessColumns(file, dataRows);
    if (columns && columns.username === undefined && columns.userId === undefined && columns.user === undefined) {
        const message = `the header on line ${header?.line ?? 1} has no user column: add username (or userId) after serialNumber`;
        throw new SeedFileError(`${file}: ${message}`, [{ location: { file }, message, severity: "error" }]);
    }

    const assignments: Assignment[] = [];
    const problems: SeedProblem[] = [];
    const seen = new Map<string, SeedLocation>();
    const reject = (location: SeedLocation, issues: string[]): void => {
        problems.push({ location, message: issues.join("; "), severity: "error" });
    };

    if (dataRows.length === 0 && csv.entries.length === (header ? 1 : 0)) {
        reject({ file }, ["the file has no assignment rows"]);
    }
    for (const entry of csv.entries) {
        if (entry === header) continue;
        const location: SeedLocation = { file, line: entry.line };
        if ("error" in entry) {
            reject(location, [entry.error]);
            continue;
        }
        const cell = (index: number | undefined): string => (index === undefined ? "" : (entry.cells[index] ?? ""));
        const serialNumber = cell(layout.serial);
        if (serialNumber) location.serialNumber = serialNumber;
        const issues: string[] = [];
        const serial = serialIssue(serialNumber);
        if (serial) issues.push(serial);

        const assignment: Assignment = { serialNumber, location };
        const userId = cell(layout.userId);
        const username = cell(layout.username);
        const user = cell(layout.user);
        if (userId) {
            if (UUID.test(userId)) assignment.userId = userId;
            else
                issues.push(
                    `userId "${userId}" is not a UUID (PingOne user ids look like 5f1c...-...); put usernames in a username column`,
                );
        }
        if (username) assignment.username = username;
        if (user) {
            if (UUID.test(user)) assignment.userId ??= user;
            else assignment.username ??= user;
        }
        if (!userId && !username && !user)
            issues.push("no user is given for this token: fill in the username or userId column");

        if (issues.length === 0) {
            const first = seen.get(serialNumber);
            if (first) {
                issues.push(
                    `serial number ${serialNumber} is already assigned at ${describeLocation(first)}; ` +
                        "a token can have only one user: remove the duplicate",
                );
            }
        }
        if (issues.length > 0) {
            reject(location, issues);
            continue;
        }
        seen.set(serialNumber, location);
        assignments.push(assignment);
    }
    return { assignments, problems };
}

/**
 * Reads a CSV of `serialNumber,username` (or `serialNumber,userId` with UUIDs); a bad row becomes a problem.
 *
 * @throws SeedFileError when the file cannot be read or has no usable header or rows.
 */
export function loadAssignmentsFile(path: string): AssignmentLoadResult {
    return parseAssignments(readTextFile(path, "assignments"), { file: path });
}

function columnsFromHeader(cells: string[]): Columns | undefined {
    const names = cells.map(normalizeHeader);
    const find = (wanted: string[]): number | undefined => {
        const index = names.findIndex((name) => wanted.includes(name));
        return index >= 0 ? index : undefined;
    };
    const serial = find(SERIAL_NAMES);
    if (serial === undefined) return undefined;
    const columns: Columns = { serial };
    const username = find(USERNAME_NAMES);
    const userId = find(USER_ID_NAMES);
    const user = find(USER_NAMES);
    if (username !== undefined) columns.username = username;
    if (userId !== undefined) columns.userId = userId;
    if (user !== undefined) columns.user = user;
    return columns;
}

/** A file without a header is accepted only in the obvious serial,user shape. */
function headerlessColumns(file: string, rows: CsvRow[]): Columns {
    const widths = new Set(rows.map((row) => row.cells.length));
    if (rows.length === 0 || (widths.size === 1 && widths.has(2))) return { serial: 0, user: 1 };
    const message =
        "the assignments file needs a header row naming its columns, e.g. serialNumber,username or serialNumber,userId";
    throw new SeedFileError(`${file}: ${message}`, [{ location: { file }, message, severity: "error" }]);
}
