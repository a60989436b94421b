import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "csv-parse/sync";
import { type BatchTokenState } from "../../../provider/fleet/oathTokenBatchProvider";
import {
    type ReportReference,
    readReportPart,
    reportCounts,
    reportFileProblem,
    reportRows,
    updateReport,
} from "../../../provider/fleet/rolloutReport";

const at = "2026-12-04T21:00:00.000Z";
const tokens: Record<string, BatchTokenState> = {
    FOB1: {
        fingerprint: "f1",
        tokenCreated: true,
        userId: "u1",
        username: "alice",
        deviceId: "d1",
        deviceCreated: true,
        status: "ACTIVE",
        resynced: true,
        pairedAt: at,
        activatedAt: at,
    },
    FOB2: {
        fingerprint: "f2",
        tokenCreated: true,
        error: "Cannot pair token FOB2 with user bob: the user already has the most MFA devices PingOne allows (maxAllowedDevices in the MFA policy). Remove an old device or raise the limit.",
    },
    FOB3: { fingerprint: "f3", tokenCreated: false },
    FOB4: { fingerprint: "f4", tokenCreated: true },
    FOB5: {
        fingerprint: "f5",
        tokenCreated: true,
        userId: "u5",
        deviceId: "d5",
        deviceCreated: false,
        status: "ACTIVATION_REQUIRED",
    },
};
const users = { FOB1: "alice", FOB2: "bob", FOB3: "", FOB4: "=cmd|' /C calc'!A0", FOB5: "u5" };
const skipped = { FOB4: "no PingOne user named \"=cmd|' /C calc'!A0\" in environment e" };

describe("the roll-out report", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const reference = (file: string): ReportReference => ({ file: path.join(dir, file), fleet: "tokens" });
    /** The report of the sample tokens, as one batch writes it to `file` (its extension picks the format). */
    const writtenReport = (file: string) =>
        fs.readFileSync(
            updateReport(reference(file), { "b-00": reportRows(tokens, users, skipped) }, undefined, new Date(at)),
            "utf8",
        );

    it("has a row per token: status, ownership, times, and for a failed token the error and its fix", () => {
        const rows = reportRows(tokens, users, skipped);
        const by = Object.fromEntries(rows.map((r) => [r.serialNumber, r]));
        assert.deepEqual(by.FOB1, {
            serialNumber: "FOB1",
            user: "alice",
            status: "ACTIVE",
            deviceId: "d1",
            resynced: true,
            pairedAt: at,
            activatedAt: at,
            token: "created",
            device: "created",
            error: "",
            fix: "",
        });
        assert.equal(by.FOB2!.status, "FAILED");
        assert.match(by.FOB2!.error, /^Cannot pair token FOB2 .*\(maxAllowedDevices in the MFA policy\)\.$/);
        assert.equal(by.FOB2!.fix, "Remove an old device or raise the limit.");
        assert.deepEqual([by.FOB3!.status, by.FOB3!.token, by.FOB3!.user], ["NOT ASSIGNED", "adopted", ""]);
        assert.equal(by.FOB4!.status, "SKIPPED");
        assert.match(by.FOB4!.fix, /Fix the username/);
        assert.deepEqual([by.FOB5!.status, by.FOB5!.device], ["ACTIVATION_REQUIRED", "adopted"]);
        const counts = Object.fromEntries(reportCounts(rows));
        assert.equal(counts.tokens, 5);
        assert.equal(counts.ACTIVE, 1);
        assert.equal(counts.FAILED, 1);
        assert.equal(counts["tokens adopted"], 1);
    });

    it("CSV: counts first as # lines, then a row per token that a spreadsheet cannot run as a formula", () => {
        const text = writtenReport("r.csv");
        const lines = text.split("\n");
        assert.equal(lines[0], "# Roll-out report of OathTokenFleet tokens, 2026-12-04T21:00:00Z");
        assert.match(lines[1]!, /^# tokens: 5, ACTIVE: 1, ACTIVATION_REQUIRED: 1, FAILED: 1, SKIPPED: 1, /);
        const records = parse(text, { comment: "#", columns: true }) as Record<string, string>[];
        assert.deepEqual(
            records.map((r) => [r.serial, r.status]),
            [
                ["FOB1", "ACTIVE"],
                ["FOB2", "FAILED"],
                ["FOB3", "NOT ASSIGNED"],
                ["FOB4", "SKIPPED"],
                ["FOB5", "ACTIVATION_REQUIRED"],
            ],
        );
        assert.equal(records[3]!.user, "'=cmd|' /C calc'!A0", "a formula-looking cell is quoted with '");
        assert.equal(records[0]!.resynced, "yes");
    });

    it("Markdown: a counts table, then the tokens' table with | and markup escaped", () => {
        const text = writtenReport("r.md");
        assert.match(text, /^# Roll-out report: OathTokenFleet tokens\n/);
        assert.match(text, /\| tokens \| ACTIVE \| ACTIVATION_REQUIRED \| FAILED \| SKIPPED \|/);
        assert.match(text, /\| 5 \| 1 \| 1 \| 1 \| 1 \|/);
        const rows = text.split("\n").filter((l) => l.startsWith("| FOB"));
        assert.equal(rows.length, 5);
        // Every row has the 11 columns: escaped pipes do not split cells.
        for (const row of rows) assert.equal(row.split(/(?<!\\)\|/).length - 2, 11, row);
        assert.ok(rows[3]!.includes("=cmd\\|' /C calc'!A0"));
    });

    it("is rebuilt from every batch's part: a batch's rows replaced, a batch gone removed, users kept for refresh", () => {
        const ref = reference("out/report.csv");
        const [one, two] = [{ FOB1: tokens.FOB1! }, { FOB2: tokens.FOB2! }];
        updateReport(ref, { "b-00": reportRows(one, users, undefined), "b-01": reportRows(two, users, undefined) });
        assert.match(fs.readFileSync(path.join(dir, "out/report.csv"), "utf8"), /# tokens: 2,/);
        assert.deepEqual(
            readReportPart(ref, "b-01")?.map((r) => r.user),
            ["bob"],
        );
        updateReport(ref, { "b-01": undefined });
        assert.match(fs.readFileSync(path.join(dir, "out/report.csv"), "utf8"), /# tokens: 1,/);
        updateReport(ref, { "b-02": reportRows(two, users, undefined) }, new Set(["b-02"]));
        const text = fs.readFileSync(path.join(dir, "out/report.csv"), "utf8");
        assert.match(text, /# tokens: 1,/);
        assert.match(text, /^FOB2,bob,FAILED/m);
        assert.deepEqual(fs.readdirSync(path.join(dir, "out/.report.csv.parts")), ["b-02.json"]);
    });

    it("refuses a reportFile that is neither .csv nor .md, saying which", () => {
        assert.match(reportFileProblem("report.html")!, /must end in \.csv .* or \.md .*got "report.html"/);
        assert.match(reportFileProblem("")!, /must be a file path/);
        assert.equal(reportFileProblem("reports/x.MD"), undefined);
    });
});
