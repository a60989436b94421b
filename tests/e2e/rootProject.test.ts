import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { PulumiProject, cliEnvironment, readAllFiles, repoRoot } from "../../dev/pulumiCli";
import {
    StepTimes,
    assertNoSecrets,
    checkoutCopy,
    copyFolder,
    demoSecretsAndCodes,
    requireCli,
    resourceSummary,
    scratchFolder,
    step,
} from "../support/cliProject";

/**
 * The root project (Pulumi.yaml, `main: dist/program/main.js`) as a newcomer runs it: the `pulumi` binary
 * with the Node.js language host, in a checkout whose path is not the repository's, with no PingOne
 * credentials, so the program chooses the embedded emulator and the provider host serves it from
 * `.pingone-emulator/<stack>.json`. Then the checkout moves, and a copy runs beside the original.
 */
describe("the root project through the pulumi CLI", function () {
    this.timeout(600_000);
    const times = new StepTimes();
    let scratch: string;
    let backendDir: string;
    let outputs = "";

    before(function () {
        requireCli(this);
        scratch = scratchFolder("root-project-");
        backendDir = path.join(scratch, "backend");
    });
    after(() => {
        times.print("pulumi CLI steps on the root project (wall time)");
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    /** A checkout as `git clone` + `npm ci` + `npm run build` leaves it (node_modules copied whole). */
    const checkout = (name: string) =>
        checkoutCopy(path.join(scratch, name), [
            "package.json",
            "Pulumi.yaml",
            "examples/data",
            "node_modules",
            "dist/provider",
            "dist/emulator",
            "dist/program",
        ]);

    const project = (dir: string) => new PulumiProject(dir, cliEnvironment(backendDir), (text) => (outputs += text));
    const tenant = (dir: string) => {
        const state = JSON.parse(fs.readFileSync(path.join(dir, ".pingone-emulator/dev.json"), "utf8"));
        const [env] = state.environments as { tokens: unknown[]; devices: { status: string }[] }[];
        return {
            tokens: env.tokens.length,
            devices: env.devices.length,
            active: env.devices.filter((d) => d.status === "ACTIVE").length,
        };
    };

    let a: string;
    let b: string;

    it("init, up, up again (no changes), preview --diff, refresh: the whole lifecycle, no process left behind", async () => {
        a = checkout("checkout-a");
        const cli = project(a);
        await step(cli, times, "stack init dev", ["stack", "init", "dev"]);
        // The stack, the fleet and 5 OathTokenBatch resources: the 6 demo tokens spread by a hash of the serial.
        const up = await step(cli, times, "up (fresh checkout, 7 resources)", ["up", "--yes"]);
        assert.deepEqual(resourceSummary(up.output), { created: 7 });
        assert.match(up.output, /No PingOne credentials set[^\n]*embedded PingOne emulator/);
        const devices = (await cli.outputs()).devices as { status: string; resynced: boolean }[];
        assert.equal(devices.length, 6);
        assert.ok(devices.every((d) => d.status === "ACTIVE"));
        assert.equal(
            devices.filter((d) => d.resynced).length,
            1,
            "FOB000004's server counter lags the fob: one resync",
        );
        assert.deepEqual(tenant(a), { tokens: 6, devices: 6, active: 6 });

        const again = await step(cli, times, "up again (--expect-no-changes)", ["up", "--yes", "--expect-no-changes"]);
        assert.deepEqual(resourceSummary(again.output), { unchanged: 7 });
        await step(cli, times, "preview --diff (--expect-no-changes)", ["preview", "--diff", "--expect-no-changes"]);
        const refresh = await step(cli, times, "refresh (--expect-no-changes)", [
            "refresh",
            "--yes",
            "--expect-no-changes",
        ]);
        assert.deepEqual(resourceSummary(refresh.output), { unchanged: 7 });
    });

    it("a copy of the checkout runs its own code, with the original still present", async () => {
        b = path.join(scratch, "checkout-b");
        copyFolder(a, b);
        // Each checkout's provider entry notes where it was loaded from; the state names neither.
        const marker = path.join(scratch, "loaded-from.txt");
        for (const dir of [a, b]) {
            const entry = path.join(dir, "dist/provider/hostEntry.js");
            const text = fs.readFileSync(entry, "utf8");
            fs.writeFileSync(
                entry,
                `${text}\nrequire("fs").appendFileSync(${JSON.stringify(marker)}, __filename + "\\n");\n`,
            );
        }
        await step(project(b), times, "stack select dev (in the copy)", ["stack", "select", "dev"]);
        await step(project(b), times, "refresh in a copy (original present)", [
            "refresh",
            "--yes",
            "--expect-no-changes",
        ]);
        const loaded = [...new Set(fs.readFileSync(marker, "utf8").trim().split("\n"))];
        assert.deepEqual(loaded, [path.join(b, "dist/provider/hostEntry.js")]);
    });

    it("after the original is deleted, refresh, up, preview and destroy work in the copy; destroy empties the tenant", async () => {
        fs.rmSync(a, { recursive: true, force: true });
        const cli = project(b);
        await step(cli, times, "refresh after the move", ["refresh", "--yes", "--expect-no-changes"]);
        await step(cli, times, "up after the move (--expect-no-changes)", ["up", "--yes", "--expect-no-changes"]);
        await step(cli, times, "preview after the move", ["preview", "--expect-no-changes"]);
        const destroy = await step(cli, times, "destroy", ["destroy", "--yes"]);
        assert.deepEqual(resourceSummary(destroy.output), { deleted: 7 });
        // Everything the stack created is gone; FOB000004 was in the tenant before (adopted on purpose by the
        // demo), so it stays.
        assert.deepEqual(tenant(b), { tokens: 1, devices: 0, active: 0 });
    });

    it("keeps no checkout path, seed or OTP in the state backend or the CLI's output", () => {
        const { files, text } = readAllFiles(backendDir);
        assert.ok(files.length > 3, "the backend holds the stack, its history and backups");
        // The folder as a path of its own (not a prefix of another, e.g. a cache folder named repoRoot + "-cache").
        const names = (dir: string) =>
            new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w.-])`).test(text);
        for (const dir of [a, b, repoRoot]) assert.ok(!names(dir), `state names the folder ${dir}`);
        const { secrets, codes } = demoSecretsAndCodes();
        assertNoSecrets({ state: text, "CLI output": outputs }, secrets, codes);
        // The CLI finds its language host and the dynamic provider shim beside itself (scripts/ensure-pulumi.sh
        // lays them out as a regular install does), so it has nothing to warn about.
        assert.doesNotMatch(outputs, /from \$PATH/);
    });
});
