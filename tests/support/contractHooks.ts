// Loaded by mocha before any test file (.mocharc.json "require"): every emulator any test starts — in
// this process, in a provider host under the pulumi CLI, or `npm run emulator` — appends its exchanges to
// one log (PINGONE_EMULATOR_EXCHANGE_LOG, inherited by every child process), and each test, when it
// ends, has the exchanges it caused checked against PingOne's contract (tests/support/apiContract.ts).
// A violation fails that test, naming the call, the side and the field. The run ends with the counts.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import Mocha from "mocha";
import { type ExchangeRecord } from "../../emulator";
import { ApiContract, CLIENT_USER_AGENT, formatViolations, type Violation } from "../../dev/apiContract";

interface OperationCounts {
    requests: number;
    responses: number;
    violations: number;
    /** Request violations of tests that send refused requests on purpose (sendsRequestsTheContractRefuses). */
    refusedOnPurpose: number;
}

const given = process.env.PINGONE_EMULATOR_EXCHANGE_LOG;
const ownFolder = given ? undefined : fs.mkdtempSync(path.join(os.tmpdir(), "pingone-exchanges-"));
const logFile = given ?? path.join(ownFolder!, "exchanges.jsonl");
process.env.PINGONE_EMULATOR_EXCHANGE_LOG = logFile;
fs.appendFileSync(logFile, "");

const contract = ApiContract.load();
const counts = new Map<string, OperationCounts>();
const allViolations: Violation[] = [];
let offset = fs.statSync(logFile).size;
let exchanges = 0;

/** The complete lines appended since the last read (a line still being written waits for the next). */
function newRecords(): ExchangeRecord[] {
    const size = fs.statSync(logFile).size;
    if (size <= offset) return [];
    const fd = fs.openSync(logFile, "r");
    try {
        const buffer = Buffer.alloc(size - offset);
        fs.readSync(fd, buffer, 0, buffer.length, offset);
        const end = buffer.lastIndexOf(0x0a);
        if (end < 0) return [];
        offset += end + 1;
        return buffer
            .subarray(0, end)
            .toString("utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => JSON.parse(line) as ExchangeRecord);
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * Checks what was logged since the last call and returns its violations. With `refusingOnPurpose`, request
 * violations are expected: they are counted apart and returned as `refused`, not as violations.
 */
function checkNewExchanges(refusingOnPurpose = false): { violations: Violation[]; refused: number } {
    const violations: Violation[] = [];
    let refused = 0;
    for (const record of newRecords()) {
        exchanges++;
        const result = contract.check(record, { checkRequest: CLIENT_USER_AGENT.test(record.request.userAgent ?? "") });
        const entry = counts.get(result.operationId) ?? {
            requests: 0,
            responses: 0,
            violations: 0,
            refusedOnPurpose: 0,
        };
        if (result.requestChecked) entry.requests++;
        if (result.responseChecked) entry.responses++;
        for (const violation of result.violations) {
            if (refusingOnPurpose && violation.side === "request") {
                entry.refusedOnPurpose++;
                refused++;
            } else {
                entry.violations++;
                violations.push(violation);
            }
        }
        counts.set(result.operationId, entry);
    }
    allViolations.push(...violations);
    return { violations, refused };
}

function violationError(violations: Violation[]): Error {
    // Ten distinct lines say enough; the same violation from a thousand tokens is one line.
    const lines = [...new Set(formatViolations(violations).split("\n"))];
    const shown = lines.slice(0, 10).join("\n  ");
    const more = lines.length > 10 ? `\n  ... and ${lines.length - 10} more` : "";
    return new Error(
        `PingOne API contract violated (${violations.length}; see tests/contract/pingone.openapi.json):\n  ${shown}${more}`,
    );
}

const refusingOnPurpose = new WeakSet<Mocha.Runnable>();

/**
 * Marks the running test as one that sends requests PingOne's contract refuses, on purpose (the refusal
 * tests: a wrong Content-Type, an unknown type). Its request violations are expected, and required: if the
 * contract accepted every request such a test sent, the contract is missing a rule the emulator enforces.
 * The emulator's answers to those requests are still checked.
 */
export function sendsRequestsTheContractRefuses(context: Mocha.Context): void {
    if (context.test) refusingOnPurpose.add(context.test);
}

// A test that passed but made a call (or got an answer) PingOne's contract does not allow fails, as itself.
const originalRun = Mocha.Test.prototype.run;
Mocha.Test.prototype.run = function (this: Mocha.Test, fn: (error?: unknown) => void) {
    return originalRun.call(this, (error?: unknown) => {
        if (error === undefined || error === null) {
            const onPurpose = refusingOnPurpose.has(this);
            const { violations, refused } = checkNewExchanges(onPurpose);
            if (violations.length > 0) return fn(violationError(violations));
            if (onPurpose && refused === 0) {
                return fn(
                    new Error(
                        "this test sends requests PingOne refuses, but tests/contract/pingone.openapi.json accepted every one: the contract lacks the rule the emulator enforces",
                    ),
                );
            }
        }
        return fn(error);
    });
} as typeof originalRun;

function printSummary(): void {
    if (exchanges === 0) {
        // A run against a real tenant: its exchanges are not logged anywhere this hook can read.
        console.log("\n  PingOne API contract: no emulator exchanges were logged in this run, nothing to check");
        return;
    }
    const rows = [...counts.entries()].sort(([a], [b]) => a.localeCompare(b));
    const requests = rows.reduce((n, [, c]) => n + c.requests, 0);
    const responses = rows.reduce((n, [, c]) => n + c.responses, 0);
    const refused = rows.reduce((n, [, c]) => n + c.refusedOnPurpose, 0);
    console.log(
        `\n  PingOne API contract: ${exchanges} exchanges; ${requests} client requests and ${responses} emulator ` +
            `responses checked against ${contract.operations().length} operations; ${allViolations.length} violations ` +
            `(and ${refused} request violations the refusal tests cause on purpose)`,
    );
    for (const [operationId, c] of rows) {
        console.log(
            `    ${operationId.padEnd(32)} requests ${String(c.requests).padStart(6)}  responses ${String(c.responses).padStart(6)}  ` +
                `violations ${c.violations}  refused on purpose ${c.refusedOnPurpose}`,
        );
    }
    const report = process.env.PINGONE_CONTRACT_REPORT;
    if (report) {
        fs.writeFileSync(
            report,
            `${JSON.stringify({ exchanges, operations: Object.fromEntries(rows), violations: allViolations }, null, 2)}\n`,
        );
    }
}

export const mochaHooks = {
    afterAll(this: Mocha.Context): void {
        // What `after` hooks did (destroys, sweeps) is checked here, at the very end.
        const { violations } = checkNewExchanges();
        printSummary();
        if (ownFolder) fs.rmSync(ownFolder, { recursive: true, force: true });
        if (violations.length > 0) throw violationError(violations);
    },
};
