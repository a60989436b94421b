import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type PingOneEmulator } from "../../emulator";
import main from "../../program/index";
import { openLocalStack, readBackendFiles } from "../../dev/localStack";
import { requireCli } from "../support/cliProject";
import {
    clientForConnection,
    clientId,
    clientSecret,
    emulatorStackConfig,
    startEmulatorWithUsers,
} from "../support/fixtures";
import { pskcDocument, randomTokens } from "../../dev/pskcFile";

/** OathTokenBatch resources in the stack's checkpoint (the file backend's one `<stack>.json`). */
function batchCount(backendDir: string): number {
    const stacks = path.join(backendDir, ".pulumi", "stacks");
    const files = fs
        .readdirSync(stacks, { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".json"))
        .map((f) => path.join(stacks, f));
    assert.equal(files.length, 1, files.join(", "));
    const checkpoint = JSON.parse(fs.readFileSync(files[0]!, "utf8")) as {
        checkpoint: { latest: { resources: { type: string }[] } };
    };
    return checkpoint.checkpoint.latest.resources.filter((r) => r.type.endsWith("pingone:OathTokenBatch")).length;
}

/** The root program (the fleet) from a PSKC file, through the real Pulumi CLI. */
describe("the main job: a fleet from a PSKC seed file through the Pulumi CLI", function () {
    this.timeout(300_000);
    let emulator: PingOneEmulator;
    const environmentId = randomUUID();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-e2e-"));
    const tokens = randomTokens(12, "FLT");
    const users = tokens.map((_, i) => `fleet-user-${i + 1}`);
    const seedFile = path.join(dir, "tokens.pskcxml");
    const assignmentsFile = path.join(dir, "assignments.csv");
    // A token assigned to a username PingOne does not know: a warning at preview, naming the line.
    const ghost = randomTokens(1, "GHO")[0]!;
    const writeFiles = (count: number) => {
        fs.writeFileSync(seedFile, pskcDocument([...tokens.slice(0, count), ghost], ["FLTBROKEN"]));
        fs.writeFileSync(
            assignmentsFile,
            [
                "serialNumber,username",
                ...tokens.slice(0, count).map((t, i) => `${t.serialNumber},${users[i]}`),
                `${ghost.serialNumber},Ghost.User`,
                "FLTMISSING,nobody",
            ].join("\n") + "\n",
        );
    };

    before(async function () {
        requireCli(this);
        emulator = await startEmulatorWithUsers(environmentId, users);
    });
    after(async () => emulator?.stop());

    /** Stack config reaching the emulator; the client secret is stored encrypted. */
    const connectionConfig = () => ({
        ...emulatorStackConfig(emulator),
        "pingone-oath:environmentId": { value: environmentId },
    });

    it("provisions every assigned token, warns about bad rows, re-runs as a no-op, and removes a dropped row's resources", async () => {
        writeFiles(tokens.length);
        const { stack, backendDir } = await openLocalStack({
            name: "e2e-fleet",
            fresh: true,
            program: () => main(),
            config: {
                ...connectionConfig(),
                "pingone-oath:seedFile": { value: seedFile },
                "pingone-oath:assignmentsFile": { value: assignmentsFile },
            },
        });
        // Preview already tells what it can with reads only: the credentials work, and who the users are.
        let previewLog = "";
        await stack.preview({ onOutput: (line) => (previewLog += line) });
        const ghostWarning = new RegExp(
            `assignments\\.csv line 14 \\(serial ${ghost.serialNumber}\\): no PingOne user named "Ghost.User".*the assignment is left out`,
        );
        assert.match(previewLog, ghostWarning);
        assert.equal(emulator.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/as/token")).length, 0);
        assert.equal(emulator.requests.filter((r) => r.path.endsWith("/as/token")).length, 1, "one token request");
        emulator.clearRequests();

        let log = "";
        const up = await stack.up({ onOutput: (line) => (log += line) });
        assert.equal(up.summary.result, "succeeded");
        // Stack + fleet + its batches: a few resources in the state, not three per token.
        const batches = batchCount(backendDir);
        assert.ok(batches >= 1 && batches <= 12, `${batches} batches`);
        assert.equal(up.summary.resourceChanges?.create, 2 + batches);
        const devices = emulator.listDevices(environmentId);
        assert.equal(devices.length, tokens.length);
        assert.ok(devices.every((d) => d.status === "ACTIVE"));
        assert.match(log, /KeyPackage 14.*FLTBROKEN|FLTBROKEN.*KeyPackage 14/s);
        assert.match(log, /FLTMISSING: no such serial in the seed file/);
        assert.match(log, ghostWarning);
        assert.ok(emulator.getToken(environmentId, ghost.serialNumber), "the ghost row's token is in the inventory");
        const summary = up.outputs.devices.value as { serialNumber: string; status: string }[];
        assert.equal(summary.length, tokens.length + 1);
        assert.deepEqual(
            summary.filter((d) => d.status !== "ACTIVE").map((d) => [d.serialNumber, d.status]),
            [[ghost.serialNumber, "SKIPPED"]],
        );

        const api = () => emulator.requests.filter((r) => !r.path.endsWith("/as/token"));
        const writes = api().filter((r) => r.method !== "GET").length;
        const reads = api().filter((r) => r.method === "GET").length;
        console.log(
            `    API calls per token: ${writes / tokens.length} writes, ${reads / tokens.length} reads (username look-ups included)`,
        );
        // One inventory job per batch, then one pairing and one activation per token.
        assert.equal(writes, batches + 2 * tokens.length);
        // One look-up per username (the ghost's too) at up's check, one status read per inventory job.
        assert.equal(reads, tokens.length + 1 + batches);

        emulator.clearRequests();
        const again = await stack.up();
        assert.deepEqual(again.summary.resourceChanges, { same: 2 + batches });
        // Nothing but the look-up of the unknown username (the user may exist by now), and its access token.
        assert.deepEqual(
            emulator.requests.map((r) => `${r.method} ${r.path.split("/").slice(-2).join("/")}`),
            ["POST as/token", `GET ${environmentId}/users`],
        );

        writeFiles(tokens.length - 1);
        emulator.clearRequests();
        const shrink = await stack.up();
        // Only the batch holding the row: updated, or deleted when the row was its last.
        const changes = shrink.summary.resourceChanges ?? {};
        assert.equal(changes.same, 1 + batches, JSON.stringify(changes));
        assert.equal((changes.update ?? 0) + (changes.delete ?? 0), 1, JSON.stringify(changes));
        const dropped = tokens[tokens.length - 1].serialNumber;
        assert.equal(emulator.getToken(environmentId, dropped), undefined, "token revoked");
        assert.equal(emulator.listDevices(environmentId).length, tokens.length - 1);
        assert.ok(
            api().every((r) => r.method === "GET" || r.path.includes("/oathTokens/") || r.path.endsWith("/oathTokens")),
            "the other rows were not touched",
        );

        const { text } = readBackendFiles(backendDir);
        for (const t of tokens) assert.ok(!text.includes(t.secretHex), "no seed in plain text in the state");
        assert.ok(!text.includes(clientSecret));
    });

    it("a second stack of the same program takes over nothing of the first's, and its destroy deletes nothing", async () => {
        // The first test left tokens.length - 1 rows provisioned by stack "dev".
        writeFiles(tokens.length - 1);
        const before = {
            tokens: tokens.map((t) => emulator.getToken(environmentId, t.serialNumber)?.id),
            devices: emulator.listDevices(environmentId).length,
        };
        const { stack } = await openLocalStack({
            name: "e2e-fleet-second",
            stackName: "ci-ephemeral",
            fresh: true,
            program: () => main(),
            config: {
                ...connectionConfig(),
                "pingone-oath:seedFile": { value: seedFile },
                "pingone-oath:assignmentsFile": { value: assignmentsFile },
            },
            envVars: { PULUMI_CONTINUE_ON_ERROR: "true" },
        });
        let log = "";
        await assert.rejects(
            stack.up({ onOutput: (line) => (log += line) }),
            /already exists in PingOne and this stack did not create it/,
        );
        assert.match(log, /set adoptExisting: true on the fleet \(pingone-oath:adoptExisting for the root project\)/);
        await stack.destroy();
        assert.deepEqual(
            tokens.map((t) => emulator.getToken(environmentId, t.serialNumber)?.id),
            before.tokens,
        );
        assert.equal(emulator.listDevices(environmentId).length, before.devices);
        assert.ok(emulator.listDevices(environmentId).every((d) => d.status === "ACTIVE"));
    });

    it("one bad row fails the run only after every batch has run; the next run retries only that row", async () => {
        const more = randomTokens(24, "BRW");
        const moreUsers = more.map((_, i) => `brw-user-${i + 1}`);
        for (const username of moreUsers) emulator.addUser(environmentId, { username });
        // The first row's user already has the most devices PingOne allows (5).
        const full = emulator.getUser(environmentId, moreUsers[0]!)!;
        for (let i = 0; i < 5; i++) {
            emulator.addToken(environmentId, {
                serialNumber: `BRWFULL${i}`,
                secret: "00".repeat(20),
                type: "HOTP",
                otpLength: 6,
            });
            emulator.addDevice(environmentId, { userId: full.id, serialNumber: `BRWFULL${i}`, status: "ACTIVE" });
        }
        const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-bad-row-"));
        fs.writeFileSync(path.join(dir2, "tokens.pskcxml"), pskcDocument(more));
        fs.writeFileSync(
            path.join(dir2, "assignments.csv"),
            ["serialNumber,username", ...more.map((t, i) => `${t.serialNumber},${moreUsers[i]}`)].join("\n") + "\n",
        );
        const { stack } = await openLocalStack({
            name: "e2e-fleet-bad-row",
            stackName: "bad-row",
            fresh: true,
            program: () => main(),
            config: {
                ...connectionConfig(),
                "pingone-oath:seedFile": { value: path.join(dir2, "tokens.pskcxml") },
                "pingone-oath:assignmentsFile": { value: path.join(dir2, "assignments.csv") },
            },
        });
        let log = "";
        // Fewer parallel steps than batches: a failed step would keep the waiting batches from starting.
        await assert.rejects(
            stack.up({ parallel: 2, onOutput: (line) => (log += line) }),
            /1 of 24 tokens failed; the others are provisioned/,
        );
        assert.match(log, new RegExp(`${more[0]!.serialNumber}.*brw-user-1.*most MFA devices`, "s"));
        assert.match(log, /error: OathTokenFleet tokens: 1 of 24 tokens failed; the others are provisioned/);
        assert.doesNotMatch(log, /error serializing|unhandled exception/, "printed as its message");
        const active = (serial: string) =>
            emulator.listDevices(environmentId).some((d) => d.serialNumber === serial && d.status === "ACTIVE");
        assert.deepEqual(
            more.filter((t) => !active(t.serialNumber)).map((t) => t.serialNumber),
            [more[0]!.serialNumber],
            "every other row of every batch ran",
        );
        // Preview of the retry does not fail on the recorded error; the retry touches that row only.
        await stack.preview();
        const admin = clientForConnection({
            clientId,
            clientSecret,
            environmentId,
            apiUrl: emulator.apiUrl,
            authUrl: emulator.authUrl,
        });
        for (const d of emulator.listDevices(environmentId, full.id))
            await admin.deleteDevice(environmentId, full.id, d.id);
        emulator.clearRequests();
        const retry = await stack.up({ parallel: 2 });
        assert.equal(retry.summary.resourceChanges?.update, 1, JSON.stringify(retry.summary.resourceChanges));
        assert.ok(active(more[0]!.serialNumber));
        const writes = emulator.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/as/token"));
        assert.equal(writes.length, 2, "one pairing and one activation");
        fs.rmSync(dir2, { recursive: true, force: true });
    });

    it("refuses to roll the demo seed file out when real credentials are set, however the file was named", async () => {
        // By default (Pulumi.yaml's default), and named explicitly in stack config: the content decides.
        for (const seedFile of [undefined, "examples/data/demo-seeds.csv"]) {
            const { stack } = await openLocalStack({
                name: "e2e-fleet-guard",
                fresh: true,
                program: () => main(),
                config: {
                    ...connectionConfig(),
                    ...(seedFile ? { "pingone-oath:seedFile": { value: seedFile } } : {}),
                },
            });
            emulator.clearRequests();
            await assert.rejects(stack.up(), /demo-seeds\.csv holds 6 token\(s\).*public RFC 4226 test key/s);
            assert.equal(emulator.requests.length, 0);
        }
    });
});
