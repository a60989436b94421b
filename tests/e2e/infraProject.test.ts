import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { type PingOneEmulator } from "../../emulator";
import { loadSeedFile } from "../../provider/seeds";
import { PulumiProject, cliEnvironment, readAllFiles, repoRoot } from "../../dev/pulumiCli";
import { clientId, clientSecret, hotp, startEmulatorWithUsers } from "../support/fixtures";
import {
    StepTimes,
    assertNoSecrets,
    copyFolder,
    requireCli,
    resourceSummary,
    scratchFolder,
    step,
} from "../support/cliProject";

interface PackResult {
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
    files: { path: string }[];
}

/**
 * `examples/infra` as an identity team's infra repo: its own Pulumi.yaml and package.json, the package
 * installed from the tarball `npm pack` makes, TypeScript run by Pulumi itself, PingOne reached through
 * stack config (here: the emulator, started by this test as a stand-in for a real tenant).
 */
describe("an infra project that installs the packed package, through the pulumi CLI", function () {
    this.timeout(900_000);
    const times = new StepTimes();
    const environmentId = randomUUID();
    // The users of `npm run emulator`'s sample tenant, which the example's assignments name.
    const users = ["alice", "bob", "carol"];
    let scratch: string;
    let backendDir: string;
    let emulator: PingOneEmulator;
    let pack: PackResult;
    let outputs = "";
    /** What the CLI printed at --debug -v=9 --logtostderr (the engine's and plugins' own logs). */
    let engineLogs = "";
    /** The roll-out report (reportFile, Markdown here) as each step left it, and its batches' parts. */
    const reports: Record<string, string> = {};
    const readReport = (when: string) => {
        const file = path.join(dir, "reports/rollout.md");
        const parts = path.join(dir, "reports/.rollout.md.parts");
        reports[when] = fs.readFileSync(file, "utf8");
        for (const name of fs.existsSync(parts) ? fs.readdirSync(parts) : [])
            reports[`${when}, part ${name}`] = fs.readFileSync(path.join(parts, name), "utf8");
        return reports[when];
    };

    before(async function () {
        requireCli(this);
        scratch = scratchFolder("infra-project-");
        backendDir = path.join(scratch, "backend");
        emulator = await startEmulatorWithUsers(environmentId, users);
    });
    after(async () => {
        times.print("pulumi CLI steps on examples/infra (wall time)");
        await emulator?.stop();
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    const project = (dir: string) => new PulumiProject(dir, cliEnvironment(backendDir), (text) => (outputs += text));

    it("packs the library and nothing else", () => {
        // npm test has just built dist/; the tarball is what `npm publish` would upload.
        const json = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], {
            cwd: repoRoot,
            encoding: "utf8",
        });
        [pack] = JSON.parse(json) as PackResult[];
        const files = pack.files.map((f) => f.path);
        console.log(
            `      ${pack.filename}: ${pack.entryCount} files, ${pack.size} bytes packed, ${pack.unpackedSize} unpacked`,
        );
        assert.ok(files.includes("dist/provider/index.js") && files.includes("dist/provider/hostEntry.js"));
        assert.ok(files.includes("dist/emulator/index.js"), "the emulator ships as a test double");
        const stray = files.filter(
            (f) => !/^(dist\/(provider|emulator)\/.*\.(js|d\.ts)|package\.json|README\.md)$/.test(f),
        );
        assert.deepEqual(stray, []);
        const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8"));
        assert.equal(manifest.engines.node, ">=22");
        assert.deepEqual(Object.keys(manifest.dependencies).sort(), [
            "@pulumi/pulumi",
            "csv-parse",
            "fast-xml-parser",
            "otpauth",
        ]);
    });

    let dir: string;

    it("installs from the tarball, and without credentials fails with what to set instead of guessing", async () => {
        dir = path.join(scratch, "infra-a");
        copyFolder(path.join(repoRoot, "examples/infra"), dir);
        const install = execFileSync(
            "npm",
            ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(scratch, pack.filename)],
            {
                cwd: dir,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        assert.doesNotMatch(install, /EBADENGINE/);
        assert.ok(fs.existsSync(path.join(dir, "node_modules/pulumi-pingone-oath/dist/provider/index.js")));
        // The package's command checks the vendor file before any roll-out, printing no secret.
        const check = execFileSync(
            "npx",
            [
                "--no-install",
                "pulumi-pingone-oath",
                "check-seeds",
                "tokens.pskcxml",
                "--assignments",
                "assignments.csv",
            ],
            {
                cwd: dir,
                encoding: "utf8",
            },
        );
        for (const [serial, user] of [
            ["INFRA0001", "alice"],
            ["INFRA0002", "bob"],
            ["INFRA0003", "carol"],
        ])
            assert.match(check, new RegExp(`${serial}.*HOTP.*${user}`));
        for (const secret of loadSeedFile(path.join(dir, "tokens.pskcxml")).tokens.map((t) => t.secret))
            assert.ok(!check.includes(secret));

        const cli = project(dir);
        await step(cli, times, "stack init dev", ["stack", "init", "dev"]);
        await cli.run(["config", "set", "environmentId", environmentId]);
        // Preview already says it: no call is made, nothing is created.
        const failed = await cli.run(["preview"], { allowFailure: true });
        assert.notEqual(failed.code, 0);
        assert.match(failed.output, /No PingOne credentials found\. Set PINGONE_CLIENT_ID/);
        assert.equal(emulator.requests.length, 0, "nothing reached any PingOne");
        // What the team sets once per stack; the secret is encrypted in Pulumi.dev.yaml.
        for (const [key, value] of Object.entries({
            clientId,
            apiUrl: emulator.apiUrl,
            authUrl: emulator.authUrl,
            environmentId,
        })) {
            await cli.run(["config", "set", `pingone:${key}`, value]);
        }
        await cli.run(["config", "set", "--secret", "pingone:clientSecret", clientSecret]);
    });

    it("up, up again, preview --diff, refresh, then moved: refresh, up and destroy from the new folder", async () => {
        let cli = project(dir);
        // The engine's own logs at their most verbose, where Pulumi's SDK prints every registered resource's
        // inputs: preview, then the up that activates (the OTPs are computed and sent then).
        const debugCli = new PulumiProject(
            dir,
            { ...cliEnvironment(backendDir), PULUMI_DEBUG_COMMANDS: "true" },
            (text) => (engineLogs += text),
        );
        const verbose = (name: string) => ["--debug", "-v=9", "--logtostderr", "--event-log", path.join(scratch, name)];
        await step(debugCli, times, "preview, engine logs at -v=9", [
            "preview",
            "--diff",
            ...verbose("preview.events"),
        ]);
        // The stack, the fleet and one OathTokenBatch per token here (3 tokens, spread by a hash of the serial).
        const up = await step(debugCli, times, "up (3 tokens: 5 resources), engine logs at -v=9", [
            "up",
            "--yes",
            ...verbose("up.events"),
        ]);
        assert.equal(resourceSummary(up.output).created, 5, up.output);
        const devices = (await cli.outputs()).devices as { status: string; user: string }[];
        assert.deepEqual(
            devices.map((d) => [d.user, d.status]),
            users.map((u) => [u, "ACTIVE"]),
        );
        // The service desk's record: counts at the top, a row per fob with its user, device and times.
        const report = readReport("after up");
        assert.match(up.output, /Roll-out report: .*reports\/rollout\.md/);
        assert.match(
            report,
            /\| tokens \| ACTIVE \| FAILED \| tokens created \| devices created \|\n\|(---:\|){5}\n\| 3 \| 3 \| 0 \| 3 \| 3 \|/,
        );
        for (const [i, user] of users.entries()) {
            const row = new RegExp(
                `^\\| INFRA000${i + 1} \\| ${user} \\| ACTIVE \\| [0-9a-f-]{36} \\| no \\| 20\\d\\d-[^|]+Z \\| 20\\d\\d-[^|]+Z \\| created \\| created \\|  \\|  \\|$`,
                "m",
            );
            assert.match(report, row);
        }
        await step(cli, times, "up again (--expect-no-changes)", ["up", "--yes", "--expect-no-changes"]);
        await step(cli, times, "preview --diff (--expect-no-changes)", ["preview", "--diff", "--expect-no-changes"]);
        fs.rmSync(path.join(dir, "reports/rollout.md"));
        await step(cli, times, "refresh (--expect-no-changes)", ["refresh", "--yes", "--expect-no-changes"]);
        // Refresh does not run the program: the batches rewrite it from what PingOne says now.
        assert.match(readReport("after refresh"), /\| 3 \| 3 \| 0 \|/);

        // A CI runner's checkout path differs run to run.
        const moved = path.join(scratch, "elsewhere", "infra-b");
        fs.mkdirSync(path.dirname(moved));
        fs.renameSync(dir, moved);
        dir = moved;
        cli = project(dir);
        await cli.run(["stack", "select", "dev"]);
        await step(cli, times, "refresh after the move", ["refresh", "--yes", "--expect-no-changes"]);
        await step(cli, times, "up after the move (--expect-no-changes)", ["up", "--yes", "--expect-no-changes"]);
        const destroy = await step(cli, times, "destroy", ["destroy", "--yes"]);
        assert.equal(resourceSummary(destroy.output).deleted, 5, destroy.output);
        assert.match(readReport("after destroy"), /\| tokens \| FAILED \|\n\|(---:\|){2}\n\| 0 \| 0 \|/);
        for (const serial of ["INFRA0001", "INFRA0002", "INFRA0003"])
            assert.equal(emulator.getToken(environmentId, serial), undefined);
        assert.deepEqual(emulator.listDevices(environmentId), []);
    });

    it("keeps no seed, OTP, client secret, access token or folder path in the state, the CLI's output, the roll-out report, the engine's -v=9 and --debug logs or its event log", () => {
        const { text } = readAllFiles(backendDir);
        const seeds = loadSeedFile(path.join(repoRoot, "examples/infra/tokens.pskcxml")).tokens.map((t) => t.secret);
        assert.equal(seeds.length, 3);
        const secrets = [
            clientSecret,
            ...emulator.issuedAccessTokens(),
            ...seeds,
            ...seeds.map((s) => Buffer.from(s, "hex").toString("base64")),
        ];
        const codes = seeds.flatMap((s) => [0, 1, 2, 3].map((counter) => hotp(s, counter)));
        const events = ["preview.events", "up.events"].map((name) => fs.readFileSync(path.join(scratch, name), "utf8"));
        assert.ok(engineLogs.length > 100_000 && events.every((e) => e.length > 1000), "the verbose logs were written");
        assert.match(engineLogs, /RegisterResource RPC finished/, "the SDK's debug log of inputs is in there");
        assertNoSecrets(
            {
                state: text,
                "CLI output": outputs,
                "engine logs (-v=9, --debug)": engineLogs,
                "event logs": events.join("\n"),
                ...Object.fromEntries(Object.entries(reports).map(([when, text]) => [`roll-out report ${when}`, text])),
            },
            secrets,
            codes,
        );
        assert.ok(!text.includes(scratch), "state names the project folder");
        assert.ok(Object.keys(reports).length >= 6, "the report and its parts were read after up, refresh and destroy");
    });
});
