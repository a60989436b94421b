import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pskcDocument } from "../../dev/pskcFile";
import { PulumiProject, cliEnvironment, pulumiBinary, readAllFiles, repoRoot } from "../../dev/pulumiCli";
import { StepTimes, assertNoSecrets, copyFolder, resourceSummary, scratchFolder, step } from "../support/cliProject";
import { hotp } from "../support/fixtures";
import { Ledger, checkedPrefix, newPrefix, planFor, plannedSerials, plannedUsernames, type Plan } from "./ledger";
import { createUsers, describeSweep, sweep, tenantFromEnv, type Tenant } from "./tenant";

/**
 * The acceptance suite (npm run test:acceptance; docs/connecting.md, "Before a roll-out"): the whole lifecycle through the
 * `pulumi` CLI, on a scratch project in a temp folder that installs the packed tarball, against the tenant the
 * Terraform provider's variables name. It makes its own users (a random per-run prefix), tokens with fresh
 * seeds, three single tokens (one of them resynced) and a fleet of 24; runs up, up again, preview, refresh and
 * destroy; and sweeps what it created, also after a failure, from its ledger. Only with PINGONE_ACCEPTANCE=1.
 * `npm run test:acceptance -- --sweep <prefix>` runs only the sweep of an earlier run.
 */

/** The resync token's codes start here, far past the HOTP look-ahead (the emulator's is 10; PingOne's is not documented). */
const resyncCounter = 50;
const stackName = "acceptance";
const projectName = "pingone-oath-acceptance";

/** Why the suite does not run, or undefined when it does. */
function skipReason(): string | undefined {
    if (process.env.PINGONE_ACCEPTANCE === "1") return undefined;
    return (
        "PINGONE_ACCEPTANCE is not 1. This suite creates and deletes users and OATH tokens in a real PingOne " +
        "environment; to run it against a sandbox, set PINGONE_ACCEPTANCE=1 and the Terraform provider's variables " +
        "(PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET, PINGONE_ENVIRONMENT_ID, and PINGONE_REGION_CODE or " +
        "PINGONE_API_URL + PINGONE_AUTH_URL)."
    );
}

/** `--sweep <prefix>` (or `--sweep=<prefix>`) on the mocha command line: run only that sweep. */
function sweepArgument(argv: string[] = process.argv): string | undefined {
    const at = argv.indexOf("--sweep");
    if (at >= 0) return argv[at + 1] ?? "";
    return argv.find((a) => a.startsWith("--sweep="))?.slice("--sweep=".length);
}

/** What the pulumi command gets of this process's environment: the PINGONE_* connection variables. */
function pingOneVariables(): Record<string, string> {
    return Object.fromEntries(
        Object.entries(process.env).filter(
            (entry): entry is [string, string] =>
                entry[0].startsWith("PINGONE_") &&
                entry[1] !== undefined &&
                !["PINGONE_ACCEPTANCE", "PINGONE_EMULATOR_STATE_FILE"].includes(entry[0]),
        ),
    );
}

function skipUnlessEnabled(context: Mocha.Context): void {
    const reason = skipReason();
    if (reason === undefined) return;
    console.log(`    skipped: ${reason}`);
    context.skip();
}

const sweepPrefix = sweepArgument();

if (sweepPrefix !== undefined) {
    describe(`acceptance: only the sweep of ${sweepPrefix || "(no prefix given)"}`, function () {
        this.timeout(600_000);
        before(function () {
            skipUnlessEnabled(this);
        });

        it("removes what that run's ledger names (by exact username and serial), and nothing else", async () => {
            const tenant = tenantFromEnv();
            const ledger = Ledger.open(checkedPrefix(sweepPrefix), tenant.environmentId, tenant.connection.apiUrl);
            const report = await sweep(tenant, ledger);
            console.log(describeSweep(ledger, report));
            assert.deepEqual(report.errors, []);
            if (report.leftAlone.length === 0) ledger.discard();
        });
    });
} else {
    describe("acceptance: the whole lifecycle through the pulumi CLI, against the tenant of PINGONE_*", function () {
        this.timeout(900_000);
        const times = new StepTimes();
        const started = Date.now();
        let tenant: Tenant;
        let plan: Plan;
        let ledger: Ledger | undefined;
        let swept = false;
        let scratch: string | undefined;
        let backendDir: string;
        let project: PulumiProject;
        let cliOutput = "";
        /** Hex seed per serial, in memory only (and in the scratch project's seed file and encrypted config). */
        const seeds = new Map<string, string>();
        const userIds = new Map<string, string>();
        /** Resources in the stack after the first up. */
        let total = 0;

        before(async function () {
            skipUnlessEnabled(this);
            pulumiBinary(); // asked to run: no CLI is a failure, not a skip
            tenant = tenantFromEnv();
            await tenant.client.verifyCredentials();
            plan = planFor(newPrefix());
            ledger = Ledger.create(plan, tenant.environmentId, tenant.connection.apiUrl);
            console.log(
                `    run prefix ${plan.prefix} (serials ${plan.serialPrefix}…) in environment ${tenant.environmentId} ` +
                    `at ${tenant.connection.apiUrl}; ledger ${ledger.file}`,
            );
            for (const serial of plannedSerials(plan)) seeds.set(serial, randomBytes(20).toString("hex"));
        });

        after(async function () {
            this.timeout(600_000);
            times.print("acceptance steps (wall time)");
            if (ledger && !swept) {
                // The run stopped early: remove what it made all the same.
                const report = await sweep(tenant, ledger);
                console.log(`\n${describeSweep(ledger, report)}`);
                if (report.errors.length === 0 && report.leftAlone.length === 0) ledger.discard();
                if (report.errors.length > 0) throw new Error(`the sweep failed: ${report.errors.join("; ")}`);
            }
            if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
            if (ledger) console.log(`    whole run: ${((Date.now() - started) / 1000).toFixed(1)} s`);
        });

        it(`makes its test users through PingOne's API (POST .../users), each named with the run's prefix`, async () => {
            const usernames = plannedUsernames(plan);
            const ids = await createUsers(tenant, ledger!, usernames);
            for (const [name, id] of ids) userIds.set(name, id);
            assert.equal(userIds.size, usernames.length);
            console.log(`      ${userIds.size} users: ${usernames[0]} … ${usernames[usernames.length - 1]}`);
        });

        it("installs the packed tarball in a scratch project outside the repository, secrets by reference only", async () => {
            scratch = scratchFolder("pingone-acceptance-");
            backendDir = path.join(scratch, "backend");
            const [pack] = JSON.parse(
                execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], {
                    cwd: repoRoot,
                    encoding: "utf8",
                }),
            ) as { filename: string }[];
            const dir = path.join(scratch, "project");
            copyFolder(path.join(repoRoot, "tests/acceptance/project"), dir);
            execFileSync(
                "npm",
                ["install", "--no-audit", "--no-fund", "--prefer-offline", path.join(scratch, pack.filename)],
                { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
            );

            // Single tokens: S01 activated with its first codes, S02 with codes far ahead (PingOne asks for the
            // next one: a resync), S03 a TOTP token whose code a command computes when the activation needs it.
            const seed = (serial: string) => seeds.get(serial)!;
            const [s01, s02, s03] = plan.singles;
            const otpEnv: Record<string, string> = {
                ACC_S01_OTP: hotp(seed(s01.serialNumber), 0),
                ACC_S01_NEXT_OTP: hotp(seed(s01.serialNumber), 1),
                ACC_S02_OTP: hotp(seed(s02.serialNumber), resyncCounter),
                ACC_S02_NEXT_OTP: hotp(seed(s02.serialNumber), resyncCounter + 1),
                ACC_S03_SEED: seed(s03.serialNumber),
            };
            const programPlan = {
                singles: [
                    {
                        ...s01,
                        type: "HOTP",
                        secret: { config: `${projectName}:s01Seed` },
                        otp: { env: "ACC_S01_OTP" },
                        nextOtp: { env: "ACC_S01_NEXT_OTP" },
                    },
                    {
                        ...s02,
                        type: "HOTP",
                        secret: { config: `${projectName}:s02Seed` },
                        otp: { env: "ACC_S02_OTP" },
                        nextOtp: { env: "ACC_S02_NEXT_OTP" },
                    },
                    {
                        ...s03,
                        type: "TOTP",
                        timeStep: 30,
                        secret: { env: "ACC_S03_SEED" },
                        otpCommand: `"${process.execPath}" "${path.join(dir, "totpCode.mjs")}" ACC_S03_SEED 30`,
                    },
                ],
                fleet: { seedFile: "fleet.pskcxml", assignmentsFile: "assignments.csv" },
            };
            fs.writeFileSync(path.join(dir, "plan.json"), `${JSON.stringify(programPlan, null, 2)}\n`);
            fs.writeFileSync(
                path.join(dir, "fleet.pskcxml"),
                pskcDocument(
                    plan.fleet.map((f) => ({ serialNumber: f.serialNumber, secretHex: seed(f.serialNumber) })),
                ),
            );
            fs.writeFileSync(
                path.join(dir, "assignments.csv"),
                [
                    "serialNumber,username",
                    ...plan.fleet.flatMap((f) => (f.username ? [`${f.serialNumber},${f.username}`] : [])),
                ]
                    .map((line) => `${line}\n`)
                    .join(""),
            );

            project = new PulumiProject(
                dir,
                cliEnvironment(backendDir, { ...pingOneVariables(), ...otpEnv }),
                (text) => (cliOutput += text),
            );
            await step(project, times, `stack init ${stackName}`, ["stack", "init", stackName]);
            await project.run(["config", "set", "environmentId", tenant.environmentId]);
            await project.run(["config", "set", "--secret", "s01Seed", seed(s01.serialNumber)]);
            await project.run(["config", "set", "--secret", "s02Seed", seed(s02.serialNumber)]);
        });

        it("pulumi up: 3 single tokens (one resynced) and a fleet of 24 (22 assigned); every device ACTIVE in PingOne", async () => {
            const up = await step(project, times, "up", ["up", "--yes"]);
            const types = await stackTypes(project);
            total = types.length;
            const count = (type: string) => types.filter((t) => t === `pulumi-nodejs:dynamic/pingone:${type}`).length;
            assert.equal(count("OathToken"), 3);
            assert.equal(count("OathTokenDevice"), 3);
            assert.equal(count("OathTokenActivation"), 3);
            assert.ok(count("OathTokenBatch") >= 1 && count("OathTokenBatch") <= 16, types.join(", "));
            assert.equal(resourceSummary(up.output).created, total, up.output);

            const outputs = await project.outputs();
            const singles = outputs.singles as { name: string; username: string; status: string; resynced: boolean }[];
            assert.deepEqual(
                singles.map((s) => [s.name, s.username, s.status]),
                plan.singles.map((s) => [s.name, s.username, "ACTIVE"]),
            );
            assert.equal(singles[0].resynced, false, "S01's first code was accepted as it is");
            assert.equal(
                singles[1].resynced,
                true,
                `S02's codes start at counter ${resyncCounter}: PingOne should have asked for the next code (EXTRA_OTP_REQUIRED)`,
            );
            const fleet = outputs.fleetDevices as { serialNumber: string; user: string; status: string }[];
            const assigned = plan.fleet.filter((f) => f.username);
            assert.deepEqual(
                fleet.map((d) => [d.serialNumber, d.user, d.status]).sort(),
                assigned.map((f) => [f.serialNumber, f.username, "ACTIVE"]).sort(),
            );

            // What PingOne itself holds: every planned token, each assigned one on its user as the one ACTIVE device.
            const pairs = [
                ...plan.singles.map((s) => [s.serialNumber, s.username] as const),
                ...assigned.map((f) => [f.serialNumber, f.username!] as const),
            ];
            for (const [serial, username] of pairs) {
                const devices = await tenant.client.listDevices(tenant.environmentId, userIds.get(username)!);
                assert.deepEqual(
                    devices.map((d) => [d.type, d.serialNumber, d.status]),
                    [["OATH_TOKEN", serial, "ACTIVE"]],
                    `the devices of ${username}`,
                );
            }
            for (const serial of plannedSerials(plan)) {
                const token = await tenant.client.findOathTokenBySerial(tenant.environmentId, serial);
                assert.ok(token, `token ${serial} is in the inventory`);
                ledger!.tokenSeen(serial, token.id);
                // The token's read-only list of paired devices, where PingOne returns it (the users' side is checked above).
                if (token.devices !== undefined) {
                    const paired = pairs.some(([s]) => s === serial);
                    assert.equal(token.devices.length, paired ? 1 : 0, `devices paired to ${serial}`);
                }
            }
        });

        it("pulumi up again changes nothing", async () => {
            const again = await step(project, times, "up again (--expect-no-changes)", [
                "up",
                "--yes",
                "--expect-no-changes",
            ]);
            assert.deepEqual(resourceSummary(again.output), { unchanged: total }, again.output);
        });

        it("pulumi preview shows no change", async () => {
            const preview = await step(project, times, "preview (--expect-no-changes)", [
                "preview",
                "--expect-no-changes",
            ]);
            assert.deepEqual(resourceSummary(preview.output), { unchanged: total }, preview.output);
        });

        it("pulumi refresh reads every resource back from PingOne; a preview after it still shows no change", async () => {
            await step(project, times, "refresh", ["refresh", "--yes"]);
            const devices = (await stackResources(project)).filter(
                (r) => r.type === "pulumi-nodejs:dynamic/pingone:OathTokenDevice",
            );
            assert.deepEqual(
                devices.map((d) => d.outputs?.status),
                ["ACTIVE", "ACTIVE", "ACTIVE"],
                "the devices' status as read back",
            );
            assert.equal((await stackTypes(project)).length, total, "refresh dropped no resource");
            await step(project, times, "preview after refresh (--expect-no-changes)", [
                "preview",
                "--expect-no-changes",
            ]);
        });

        it("keeps no seed, OTP or client secret in the state backend or the CLI's output", () => {
            const hexSeeds = [...seeds.values()];
            const secrets = [
                ...hexSeeds,
                ...hexSeeds.map((s) => Buffer.from(s, "hex").toString("base64")),
                ...(process.env.PINGONE_CLIENT_SECRET ? [process.env.PINGONE_CLIENT_SECRET] : []),
            ];
            const [s01, s02] = plan.singles.map((s) => seeds.get(s.serialNumber)!);
            const codes = [
                hotp(s01, 0),
                hotp(s01, 1),
                hotp(s02, resyncCounter),
                hotp(s02, resyncCounter + 1),
                ...plan.fleet.flatMap((f) => [
                    hotp(seeds.get(f.serialNumber)!, 0),
                    hotp(seeds.get(f.serialNumber)!, 1),
                ]),
            ];
            assertNoSecrets({ state: readAllFiles(backendDir).text, "CLI output": cliOutput }, secrets, codes);
        });

        it("pulumi destroy removes every resource: no token of the run left in the inventory, no device on its users", async () => {
            const destroy = await step(project, times, "destroy", ["destroy", "--yes"]);
            assert.equal(resourceSummary(destroy.output).deleted, total, destroy.output);
            for (const serial of plannedSerials(plan))
                assert.equal(
                    await tenant.client.findOathTokenBySerial(tenant.environmentId, serial),
                    undefined,
                    serial,
                );
            for (const [username, id] of userIds)
                assert.deepEqual(await tenant.client.listDevices(tenant.environmentId, id), [], username);
        });

        it("the sweep removes the users the run made, by exact name from its ledger, and nothing else", async () => {
            const report = await sweep(tenant, ledger!);
            swept = true;
            console.log(`\n${describeSweep(ledger!, report)}`);
            assert.deepEqual(report.errors, []);
            assert.deepEqual(report.leftAlone, []);
            assert.deepEqual(
                report.removed.sort(),
                [...userIds].map(([name, id]) => `user ${name} (${id})`).sort(),
                "removed: exactly the users it made (pulumi destroy had revoked the tokens)",
            );
            for (const username of userIds.keys())
                assert.equal(await tenant.client.findUserByUsername(tenant.environmentId, username), undefined);
            ledger!.discard();
        });
    });
}

interface ExportedResource {
    type: string;
    outputs?: Record<string, unknown>;
}

/** The stack's resources, from `pulumi stack export` (default providers left out, as the CLI's counts do). */
async function stackResources(project: PulumiProject): Promise<ExportedResource[]> {
    const { output } = await project.run(["stack", "export"]);
    const json = JSON.parse(output.slice(output.indexOf("{"), output.lastIndexOf("}") + 1)) as {
        deployment: { resources?: ExportedResource[] };
    };
    return (json.deployment.resources ?? []).filter((r) => !r.type.startsWith("pulumi:providers:"));
}

async function stackTypes(project: PulumiProject): Promise<string[]> {
    return (await stackResources(project)).map((r) => r.type);
}
