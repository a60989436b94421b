import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PingOneEmulator } from "../../emulator";
import { pskcDocument } from "../../dev/pskcFile";
import { localPassphrase, pulumiBinary, readAllFiles, repoRoot } from "../../dev/pulumiCli";
import { type RolloutReport } from "../../examples/sharded-rollout/index";
import { requireCli } from "../support/cliProject";

/**
 * examples/sharded-rollout run as a team runs it (its own Node process, K stacks through the Pulumi CLI
 * with the Automation API) against one emulator whose rate limit is the roll-out's budget.
 */

const budget = 40;
const shards = 3;
const concurrency = 2;
const tokenCount = 60;

interface ChildRun {
    code: number;
    output: string;
    report: RolloutReport;
    /** PINGONE_REQUESTS_PER_SECOND / PINGONE_REQUEST_BURST of each provider host seen while it ran, by pid. */
    hostPacing: Map<number, string>;
}

/** Provider hosts (the dynamic provider's node process) below `root`, and their pacing variables. */
function samplePacing(root: number, into: Map<number, string>): void {
    const parents = new Map<number, number>();
    for (const name of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
        try {
            const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
            parents.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
        } catch {
            // gone
        }
    }
    for (const pid of parents.keys()) {
        let p = pid;
        for (let hops = 0; p > 1 && p !== root && hops < 20; hops++) p = parents.get(p) ?? 0;
        if (p !== root || into.has(pid)) continue;
        try {
            const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
            if (cmdline[1] === "-e" || !cmdline.some((a) => a.includes("dynamic-provider"))) continue;
            // Only the two pacing variables are kept (the environment also holds the client secret).
            const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
            const pick = (key: string) => env.find((e) => e.startsWith(`${key}=`))?.slice(key.length + 1);
            into.set(pid, `${pick("PINGONE_REQUESTS_PER_SECOND")}/${pick("PINGONE_REQUEST_BURST")}`);
        } catch {
            // gone meanwhile
        }
    }
}

describe("examples/sharded-rollout: K stacks side by side on one rate budget, through the Pulumi CLI", function () {
    this.timeout(120_000);
    let emulator: PingOneEmulator;
    let environmentId: string;
    let env: NodeJS.ProcessEnv;
    let clientSecret: string;
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "sharded-rollout-test-"));
    // Inside the repository, so the provider hosts (started there) resolve this package.
    const workDir = path.join(repoRoot, ".pulumi-state", "test-sharded-rollout");
    const seedFile = path.join(dataDir, "tokens.pskcxml");
    const assignmentsFile = path.join(dataDir, "assignments.csv");
    const serials = Array.from({ length: tokenCount }, (_, i) => `SHRD${String(i + 1).padStart(5, "0")}`);

    before(async function () {
        requireCli(this);
        fs.rmSync(workDir, { recursive: true, force: true });
        // The emulator's limit is the roll-out's budget: stacks that each took the whole budget would
        // draw 429s as soon as two ran at once.
        emulator = await PingOneEmulator.start({
            latencyMs: 5,
            rateLimit: { requestsPerSecond: budget, burst: budget },
        });
        const environment = emulator.addEnvironment({ maxAllowedDevices: 5 });
        environmentId = environment.id;
        const client = emulator.addClient(environmentId);
        clientSecret = client.clientSecret;
        const userIds = serials.map((_, i) => emulator.addUser(environmentId, { username: `shard.user${i + 1}` }).id);
        fs.writeFileSync(
            seedFile,
            pskcDocument(serials.map((serialNumber) => ({ serialNumber, secretHex: randomBytes(20).toString("hex") }))),
        );
        fs.writeFileSync(
            assignmentsFile,
            ["serialNumber,userId", ...serials.map((s, i) => `${s},${userIds[i]}`)].join("\n") + "\n",
        );
        env = {};
        for (const [k, v] of Object.entries(process.env))
            if (!k.startsWith("PINGONE_") && !k.startsWith("PULUMI_") && !k.startsWith("ROLLOUT_")) env[k] = v;
        Object.assign(env, {
            PATH: `${path.dirname(pulumiBinary())}${path.delimiter}${process.env.PATH ?? ""}`,
            PULUMI_CONFIG_PASSPHRASE: localPassphrase,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PINGONE_API_URL: emulator.apiUrl,
            PINGONE_AUTH_URL: emulator.authUrl,
            PINGONE_CLIENT_ID: client.clientId,
            PINGONE_CLIENT_SECRET: client.clientSecret,
            PINGONE_ENVIRONMENT_ID: environmentId,
        });
    });
    after(async () => {
        await emulator?.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
        fs.rmSync(workDir, { recursive: true, force: true });
    });

    const rollout = (args: string[], dir = workDir): Promise<ChildRun> => {
        const jsonFile = path.join(dataDir, `report-${Date.now()}.json`);
        const child = spawn(
            process.execPath,
            [
                path.join(repoRoot, "dist/examples/sharded-rollout/index.js"),
                ...args,
                "--work-dir",
                dir,
                "--json",
                jsonFile,
            ],
            { cwd: repoRoot, env, stdio: ["ignore", "pipe", "pipe"] },
        );
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        const hostPacing = new Map<number, string>();
        // Linux: the provider hosts' environment is read from /proc.
        const sampler = setInterval(() => {
            if (fs.existsSync("/proc/self/environ")) samplePacing(child.pid!, hostPacing);
        }, 100);
        return new Promise((resolve, reject) => {
            child.on("error", reject);
            child.on("close", (code) => {
                clearInterval(sampler);
                if (!fs.existsSync(jsonFile)) return reject(new Error(`no report (exit ${code}):\n${output}`));
                const report = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as RolloutReport;
                resolve({ code: code ?? -1, output, report, hostPacing });
            });
        });
    };

    /** The serials in each stack's checkpoint (its batches' inputs), from the file backend. */
    const serialsByStack = (): Record<string, string[]> => {
        const dir = path.join(workDir, "backend", ".pulumi", "stacks", "pingone-oath-rollout");
        const byStack: Record<string, string[]> = {};
        for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json"))) {
            const checkpoint = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as {
                checkpoint: { latest: { resources: { type: string; inputs?: { tokens?: object } }[] } };
            };
            byStack[file.replace(/\.json$/, "")] = checkpoint.checkpoint.latest.resources
                .filter((r) => r.type.endsWith(":OathTokenBatch"))
                .flatMap((r) => Object.keys(r.inputs?.tokens ?? {}));
        }
        return byStack;
    };

    const common = () => [
        "--seed-file",
        seedFile,
        "--assignments-file",
        assignmentsFile,
        "--environment-id",
        environmentId,
        "--shards",
        String(shards),
        "--concurrency",
        String(concurrency),
        "--budget",
        String(budget),
        "--burst",
        "10",
    ];

    it("activates every token, each in exactly one stack, with the budget split between the running stacks; a re-run is a no-op with no API call", async () => {
        const first = await rollout(common());
        assert.equal(first.code, 0, first.output);
        assert.equal(first.report.ok, true);
        assert.equal(first.report.stacks.length, shards);
        // budget / stacks at once, for every stack and every provider host that ran.
        for (const s of first.report.stacks) assert.deepEqual([s.requestsPerSecond, s.burst], [budget / 2, 5]);
        if (fs.existsSync("/proc/self/environ")) {
            assert.ok(first.hostPacing.size >= shards, `provider hosts seen: ${first.hostPacing.size}`);
            assert.deepEqual(new Set(first.hostPacing.values()), new Set([`${budget / 2}/5`]));
        }
        for (let i = 1; i <= shards; i++)
            assert.match(first.output, new RegExp(`stack ${i}/${shards} \\(shard-${i - 1}-of-${shards}\\): started`));
        assert.match(
            first.output,
            new RegExp(`summary: ${shards}/${shards} stacks ok.*ACTIVE ${tokenCount}/${tokenCount}`),
        );
        const rateLimited = emulator.requests.filter((r) => r.status === 429).length;
        assert.equal(rateLimited, 0, "no 429: together the stacks stayed within the budget");

        const devices = emulator.listDevices(environmentId);
        assert.equal(devices.length, tokenCount);
        assert.ok(devices.every((d) => d.status === "ACTIVE"));
        const byStack = serialsByStack();
        assert.equal(Object.keys(byStack).length, shards);
        const all = Object.values(byStack).flat();
        assert.equal(all.length, tokenCount, "no token in two stacks");
        assert.deepEqual([...all].sort(), serials, "every token in one stack");
        for (const [stack, list] of Object.entries(byStack)) assert.ok(list.length > 0, `${stack} holds no token`);
        assert.deepEqual(
            first.report.stacks.map((s) => s.active),
            first.report.stacks.map((s) => byStack[s.stackName]!.length),
        );

        emulator.clearRequests();
        const again = await rollout(common());
        assert.equal(again.code, 0, again.output);
        assert.ok(
            again.report.stacks.every((s) => s.noop && s.ok),
            again.output,
        );
        assert.deepEqual(emulator.requests, [], "the no-op re-run made no API call");
        assert.match(again.output, new RegExp(`${shards} no-op; ACTIVE ${tokenCount}/${tokenCount}`));

        const { text } = readAllFiles(workDir);
        for (const where of [first.output, again.output, text])
            assert.ok(!where.includes(clientSecret), "no client secret");
    });

    it("exits non-zero and names the stack when one fails, and the others still run", async () => {
        // A shard of one token whose user does not exist: its pairing fails, the stack fails.
        const badSeed = path.join(dataDir, "bad.pskcxml");
        const badAssignments = path.join(dataDir, "bad.csv");
        fs.writeFileSync(
            badSeed,
            pskcDocument([{ serialNumber: "SHRDBAD01", secretHex: randomBytes(20).toString("hex") }]),
        );
        fs.writeFileSync(badAssignments, "serialNumber,userId\nSHRDBAD01,00000000-0000-4000-8000-000000000000\n");
        const dir = path.join(workDir, "failing");
        const run = await rollout(
            [
                "--seed-file",
                badSeed,
                "--assignments-file",
                badAssignments,
                "--environment-id",
                environmentId,
                "--shards",
                "2",
                "--budget",
                String(budget),
            ],
            dir,
        );
        assert.equal(run.code, 1, run.output);
        assert.equal(run.report.ok, false);
        // One shard holds the token and fails; the other has nothing to do and succeeds.
        assert.deepEqual(run.report.stacks.map((s) => s.ok).sort(), [false, true]);
        assert.match(run.output, /stack \d\/2 \(shard-\d-of-2\): FAILED in [\d.]+ s, ACTIVE \S+, failures [1-9]/);
        assert.match(run.output, /summary: 1\/2 stacks ok/);
    });
});
