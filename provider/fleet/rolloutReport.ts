import * as fs from "node:fs";
import * as path from "node:path";
import { projectFolder } from "../embeddedEmulator";
import { type BatchTokenState } from "./oathTokenBatchProvider";

/**
 * The roll-out report of a fleet: one row per token, for the service desk. Written by the program after
 * `pulumi up` (from every batch's outputs) and by the provider host after `pulumi refresh` (each batch as
 * it is read); each batch keeps its rows in a part file beside the report, and the report is rebuilt from
 * all parts whenever one changes. Holds what the stack's state holds, never a seed, code or credential.
 */

/** Where a fleet's report goes, as its batches carry it. */
export interface ReportReference {
    /** The report's path, relative to the Pulumi project folder (absolute when outside it). */
    file: string;
    /** The fleet's name, for the report's title. */
    fleet: string;
}

/** The formats, by the report file's extension. */
const formats = { ".csv": "csv", ".md": "markdown", ".markdown": "markdown" } as const;
type Format = (typeof formats)[keyof typeof formats];

/** One token in the report. Times are PingOne's (`createdAt` of the device; `updatedAt` when it went ACTIVE). */
export interface ReportRow {
    serialNumber: string;
    /** The username or user id the token is assigned to; "" when it is inventory only. */
    user: string;
    /**
     * `ACTIVE`, `ACTIVATION_REQUIRED`, `FAILED`, `SKIPPED` (no such user), `NOT ASSIGNED`, `RETIRED`, `REVOKED`
     * (lost its user, `onUnassign: "revoke"`) or `PENDING`; otherwise PingOne's device status (`BLOCKED`).
     */
    status: string;
    deviceId: string;
    resynced: boolean;
    pairedAt: string;
    activatedAt: string;
    /** The inventory entry: made by this stack (`created`), taken over (`adopted`), or not there yet (""). */
    token: "created" | "adopted" | "";
    /** The device, as `token`. */
    device: "created" | "adopted" | "";
    error: string;
    fix: string;
}

/** What is wrong with a `reportFile` value, if anything (checked when the fleet is declared, so at preview). */
export function reportFileProblem(file: unknown): string | undefined {
    if (typeof file !== "string" || file.trim() === "") return "reportFile must be a file path ending in .csv or .md.";
    if (!(path.extname(file).toLowerCase() in formats)) {
        return `reportFile must end in .csv (a spreadsheet) or .md (Markdown); got "${file}".`;
    }
    return undefined;
}

/**
 * The report rows of one batch. `users` maps each serial to the user it is assigned to ("" or absent:
 * inventory only); `skipped` holds the assignments left out (an unknown user) and why.
 */
export function reportRows(
    tokens: Record<string, BatchTokenState>,
    users: Record<string, string>,
    skipped: Record<string, string> | undefined,
): ReportRow[] {
    return Object.entries(tokens).map(([serialNumber, row]) => {
        const user = users[serialNumber] || row.username || row.userId || "";
        const skip = skipped?.[serialNumber];
        const problem = row.error ?? skip;
        const { error, fix } = problem ? splitFix(problem, !!skip) : { error: "", fix: "" };
        return {
            serialNumber,
            user,
            status: row.error
                ? "FAILED"
                : row.retired
                  ? "RETIRED"
                  : row.revoked
                    ? "REVOKED"
                    : skip
                      ? "SKIPPED"
                      : (row.status ??
                        (user ? (row.tokenCreated === undefined ? "PENDING" : "NOT PAIRED") : "NOT ASSIGNED")),
            deviceId: row.deviceId ?? "",
            resynced: row.resynced ?? false,
            pairedAt: row.pairedAt ?? "",
            activatedAt: row.activatedAt ?? "",
            token: row.tokenCreated === undefined ? "" : row.tokenCreated ? "created" : "adopted",
            device: row.deviceId === undefined ? "" : row.deviceCreated === false ? "adopted" : "created",
            error,
            fix,
        };
    });
}

/** The fix is the message's last sentence when that says what to do; else the general one. */
function splitFix(message: string, skipped: boolean): { error: string; fix: string } {
    if (skipped) {
        return {
            error: message,
            fix: "Fix the username in the assignments file (PingOne matches it case-insensitively) or create the user, then run pulumi up.",
        };
    }
    const match =
        /^(.*?[.:;]) ((?:Remove|Unpair|Check|Add|Fix|Run|Create|Set|Raise|Move|Give|Wait|Ask|check|create|run|fix|remove|set|add)\b[^]*)$/.exec(
            message,
        );
    if (match) return { error: match[1]!, fix: match[2]! };
    return {
        error: message,
        fix: "Fix what the error says, then run pulumi up again: only failed tokens are retried.",
    };
}

/** The report file's absolute path. */
export function reportPath(reference: ReportReference, project: string = projectFolder()): string {
    return path.resolve(project, reference.file);
}

function partsFolder(file: string): string {
    return path.join(path.dirname(file), `.${path.basename(file)}.parts`);
}

interface ReportPart {
    batch: string;
    rows: ReportRow[];
}

/** The rows a batch last wrote, or undefined. */
export function readReportPart(reference: ReportReference, batch: string): ReportRow[] | undefined {
    try {
        const file = path.join(partsFolder(reportPath(reference)), `${batch}.json`);
        return (JSON.parse(fs.readFileSync(file, "utf8")) as ReportPart).rows;
    } catch {
        return undefined;
    }
}

/**
 * Replaces the parts of `batches` (rows, or undefined to remove a batch's part), removes parts of batches
 * not in `keep` when given, and rebuilds the report from every part. Returns the report's path.
 */
export function updateReport(
    reference: ReportReference,
    batches: Record<string, ReportRow[] | undefined>,
    keep?: Set<string>,
    now: Date = new Date(),
): string {
    const file = reportPath(reference);
    const parts = partsFolder(file);
    fs.mkdirSync(parts, { recursive: true });
    for (const [batch, rows] of Object.entries(batches)) {
        const partFile = path.join(parts, `${batch}.json`);
        if (rows) writeAtomically(partFile, JSON.stringify({ batch, rows } satisfies ReportPart));
        else fs.rmSync(partFile, { force: true });
    }
    const rows: ReportRow[] = [];
    for (const name of fs.readdirSync(parts).filter((n) => n.endsWith(".json"))) {
        const batch = name.slice(0, -".json".length);
        if (keep && !keep.has(batch)) {
            fs.rmSync(path.join(parts, name), { force: true });
            continue;
        }
        try {
            rows.push(...(JSON.parse(fs.readFileSync(path.join(parts, name), "utf8")) as ReportPart).rows);
        } catch {
            // A part being replaced by another process right now: its writer rebuilds the report after.
        }
    }
    rows.sort((a, b) => a.serialNumber.localeCompare(b.serialNumber));
    const format = formats[path.extname(file).toLowerCase() as keyof typeof formats];
    writeAtomically(file, renderReport(reference.fleet, rows, format, now));
    return file;
}

/** Counts by status and by ownership, in the order the report shows them. */
export function reportCounts(rows: ReportRow[]): Array<[string, number]> {
    const count = (test: (r: ReportRow) => boolean) => rows.filter(test).length;
    const statuses = [
        "ACTIVE",
        "ACTIVATION_REQUIRED",
        "FAILED",
        "SKIPPED",
        "NOT PAIRED",
        "NOT ASSIGNED",
        "RETIRED",
        "REVOKED",
        "PENDING",
    ];
    const other = count((r) => !statuses.includes(r.status));
    return [
        ["tokens", rows.length],
        ...statuses.map((s): [string, number] => [s, count((r) => r.status === s)]),
        ...(other > 0 ? [["other status", other] as [string, number]] : []),
        ["resynced", count((r) => r.resynced)],
        ["tokens created", count((r) => r.token === "created")],
        ["tokens adopted", count((r) => r.token === "adopted")],
        ["devices created", count((r) => r.device === "created")],
        ["devices adopted", count((r) => r.device === "adopted")],
    ];
}

const columns: Array<[string, (r: ReportRow) => string]> = [
    ["serial", (r) => r.serialNumber],
    ["user", (r) => r.user],
    ["status", (r) => r.status],
    ["device id", (r) => r.deviceId],
    ["resynced", (r) => (r.resynced ? "yes" : "no")],
    ["paired at", (r) => r.pairedAt],
    ["activated at", (r) => r.activatedAt],
    ["token", (r) => r.token],
    ["device", (r) => r.device],
    ["error", (r) => r.error],
    ["fix", (r) => r.fix],
];

function renderReport(fleet: string, rows: ReportRow[], format: Format, now: Date): string {
    const when = now.toISOString().replace(/\.\d+Z$/, "Z");
    const counts = reportCounts(rows).filter(([label, n]) => n > 0 || label === "tokens" || label === "FAILED");
    const summary = counts.map(([label, n]) => `${label}: ${n}`).join(", ");
    if (format === "csv") {
        // Counts first, as `#` lines (csv-parse's `comment: "#"` skips them), then one row per token.
        return (
            [
                `# Roll-out report of OathTokenFleet ${fleet}, ${when}`,
                `# ${summary}`,
                columns.map(([h]) => h).join(","),
                ...rows.map((r) => columns.map(([, get]) => csvCell(get(r))).join(",")),
            ].join("\n") + "\n"
        );
    }
    return (
        [
            `# Roll-out report: OathTokenFleet ${fleet}`,
            ``,
            `Written ${when}, from the stack's state after the last \`pulumi up\` or \`pulumi refresh\`.`,
            ``,
            `| ${counts.map(([label]) => label).join(" | ")} |`,
            `|${counts.map(() => "---:|").join("")}`,
            `| ${counts.map(([, n]) => n).join(" | ")} |`,
            ``,
            `| ${columns.map(([h]) => h).join(" | ")} |`,
            `|${columns.map(() => "---|").join("")}`,
            ...rows.map((r) => `| ${columns.map(([, get]) => markdownCell(get(r))).join(" | ")} |`),
        ].join("\n") + "\n"
    );
}

/**
 * RFC 4180 quoting; a cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) is
 * prefixed with `'` (OWASP's advice against CSV injection): usernames and messages come from outside.
 */
function csvCell(value: string): string {
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function markdownCell(value: string): string {
    return value
        .replace(/\\/g, "\\\\")
        .replace(/\|/g, "\\|")
        .replace(/[\r\n]+/g, " ")
        .replace(/([<>*_`[\]])/g, "\\$1");
}

function writeAtomically(file: string, text: string): void {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
}
