import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { assertNoSecrets, checkoutCopy, demoSecretsAndCodes, requireCli, scratchFolder } from "../support/cliProject";

const run = promisify(execFile);

/**
 * `npm run demo` as a newcomer sees it (its compiled script, in a checkout of its own): a short story, each
 * thing once, no warning about where the CLI found its plugins, and the CLI's whole output in the log file
 * it names.
 */
describe("npm run demo", function () {
    this.timeout(300_000);
    let dir: string;
    const demo = (...args: string[]) =>
        run(process.execPath, ["dist/scripts/demo.js", ...args], {
            cwd: dir,
            env: { ...process.env, CI: "" },
            encoding: "utf8",
        });

    before(function () {
        requireCli(this);
        dir = checkoutCopy(scratchFolder("demo-"), [
            "package.json",
            "Pulumi.yaml",
            "scripts/ensure-pulumi.sh",
            "examples/data",
            "node_modules",
            "dist",
        ]);
    });
    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("tells a short story: one line per resource, one table, the re-run's one line, the way on; the rest in its log", async () => {
        const { stdout, stderr } = await demo();
        const lines = stdout.trimEnd().split("\n");
        assert.ok(lines.length <= 40, `the demo printed ${lines.length} lines:\n${stdout}`);
        assert.doesNotMatch(stdout + stderr, /from \$PATH|warning: using pulumi-/);
        // Nothing twice (blank lines and the table's rule aside).
        const repeated = lines.filter((l, i) => l.trim() && !/^[- ]+$/.test(l) && lines.indexOf(l) !== i);
        assert.deepEqual(repeated, []);
        // The devices table: six users, every device ACTIVE, dave's token resynced.
        const rows = lines.filter((l) => /^[a-z]+\s+(FOB|TOTP)\d+\s+/.test(l)).map((l) => l.split(/\s+/));
        assert.deepEqual(
            rows.map(([user, serial, status, resynced]) => `${user} ${serial} ${status} ${resynced}`),
            [
                "alice FOB000001 ACTIVE no",
                "bob FOB000002 ACTIVE no",
                "carol FOB000003 ACTIVE no",
                "dave FOB000004 ACTIVE yes",
                "erin TOTP00005 ACTIVE no",
                "frank TOTP00006 ACTIVE no",
            ],
        );
        assert.equal(lines.filter((l) => /^\s+\+\s+OathTokenBatch tokens-batch-\d+ created/.test(l)).length, 5);
        assert.match(stdout, /pulumi up done in [\d.]+ s; resources: \+ 7 created/);
        assert.match(stdout, /pulumi up again: no changes/);
        assert.match(stdout, /adopted[^\n]*FOB000004/);
        // The full CLI output is in the log it names, and holds no plugin warning either.
        const logFile = /full output goes to (\S+)\./.exec(stdout)?.[1];
        assert.ok(logFile, "the demo names its log file");
        const log = fs.readFileSync(path.resolve(dir, logFile), "utf8");
        assert.match(log, /Updating \(dev\)/);
        assert.match(log, /Outputs:/);
        assert.doesNotMatch(log, /from \$PATH/);
        const { secrets, codes } = demoSecretsAndCodes();
        assertNoSecrets({ "demo output": stdout, "demo log": log }, secrets, codes);
    });

    it("--destroy removes what it provisioned, in as few lines", async () => {
        const { stdout } = await demo("--destroy");
        assert.match(stdout, /pulumi destroy done in [\d.]+ s; resources: - 7 deleted/);
        assert.ok(stdout.trimEnd().split("\n").length <= 20, stdout);
    });
});
