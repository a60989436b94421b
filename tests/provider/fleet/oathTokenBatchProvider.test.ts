import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
    type BatchTokenInput,
    type OathTokenBatchInputs,
    type OathTokenBatchOutputs,
    oathTokenBatchProvider as provider,
} from "../../../provider/fleet/oathTokenBatchProvider";
import { type GeneratedToken, generatedTokenFingerprint, pskcDocument, randomTokens } from "../../../dev/pskcFile";
import { type Scenario, clientForConnection, isolateSuiteEnvironment, startScenario } from "../../support/fixtures";

/** The batch provider in this process, against the emulator over HTTP. */
describe("OathTokenBatch provider against the emulator", function () {
    this.timeout(60_000);
    let s: Scenario;
    let dir: string;
    isolateSuiteEnvironment();
    beforeEach(async () => {
        s = await startScenario();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "batch-"));
    });
    afterEach(async () => {
        await s.emulator.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    /** Writes a PSKC of `tokens`, adds a user per token, returns the batch's inputs. */
    function batch(
        tokens: GeneratedToken[],
        users: (string | undefined)[] = [],
        extra: Partial<OathTokenBatchInputs> = {},
    ) {
        const file = path.join(dir, "tokens.pskcxml");
        fs.writeFileSync(file, pskcDocument(tokens));
        const rows: Record<string, BatchTokenInput> = {};
        tokens.forEach((t, i) => {
            const fingerprint = generatedTokenFingerprint(t);
            rows[t.serialNumber] = users[i] ? { fingerprint, username: users[i] } : { fingerprint };
        });
        return {
            environmentId: s.environmentId,
            seedFile: { path: file },
            tokens: rows,
            activate: true,
            adopt: false,
            connection: s.connection,
            ...extra,
        } satisfies OathTokenBatchInputs;
    }

    const api = () => s.emulator.requests.filter((r) => !r.path.endsWith("/as/token"));

    /** check, then create (as the engine does at `pulumi up`). */
    async function up(inputs: OathTokenBatchInputs, olds?: OathTokenBatchInputs) {
        const checked = await provider.check!((olds ?? {}) as OathTokenBatchInputs, inputs);
        assert.deepEqual(checked.failures, []);
        return { checked: checked.inputs!, ...(await provider.create(checked.inputs!)) };
    }

    it("provisions a batch at about two calls per token: one inventory job, then pair and activate (no read first)", async () => {
        const tokens = randomTokens(40, "BAT");
        const users = tokens.map(
            (_, i) => s.emulator.addUser(s.environmentId, { username: `batch-user-${i}` }).username,
        );
        const inputs = batch(tokens, users);
        // usernames are resolved at check (preview), once each
        const checked = await provider.check!({} as OathTokenBatchInputs, inputs);
        assert.equal(Object.keys(checked.inputs!.userIds ?? {}).length, 40);
        s.emulator.clearRequests();
        const { id, outs } = await provider.create(checked.inputs!);
        const rows = Object.values(outs!.tokens);
        assert.equal(rows.length, 40);
        assert.ok(rows.every((r) => r.status === "ACTIVE" && r.tokenCreated === true && r.deviceCreated === true));
        const calls = api();
        const jobPosts = calls.filter((r) => r.method === "POST" && r.path.endsWith("/oathJobs")).length;
        const reads = calls.filter((r) => r.method === "GET").length;
        assert.equal(jobPosts, 1, "one inventory job for the batch");
        assert.equal(calls.length - reads, 1 + 40 + 40, "one job, then one pairing and one activation per token");
        assert.ok(reads <= 3, `only the job's status is read (${reads} reads)`);
        assert.ok(calls.length / 40 <= 2.1, `${calls.length / 40} calls per token`);
        assert.equal(s.emulator.listDevices(s.environmentId).filter((d) => d.status === "ACTIVE").length, 40);

        // No change: diff says so, and a check with the same olds sends nothing.
        s.emulator.clearRequests();
        const again = await provider.check!(checked.inputs!, inputs);
        const diff = await provider.diff!(id, outs!, again.inputs!);
        assert.equal(diff.changes, false);
        assert.equal(s.emulator.requests.length, 0, "a no-op run sends nothing, not even a token request");
        const text = JSON.stringify([outs, again.inputs]);
        for (const t of tokens) assert.ok(!text.includes(t.secretHex), "no seed in inputs or outputs");
    });

    it("a change to one row touches that row only, and a reassigned HOTP token converges in one run", async () => {
        const tokens = randomTokens(5, "ONE");
        const users = ["u0", "u1", "u2", "u3", "u4", "u5"].map(
            (u) => s.emulator.addUser(s.environmentId, { username: u }).username,
        );
        const first = await up(batch(tokens, users.slice(0, 5)));
        const moved = tokens[2]!.serialNumber;
        const news = batch(tokens, ["u0", "u1", "u5", "u3", "u4"]);
        const checked = await provider.check!(first.checked, news);
        const diff = await provider.diff!(first.id, first.outs!, checked.inputs!);
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.replaces, []);
        s.emulator.clearRequests();
        const updated = await provider.update!(first.id, first.outs!, checked.inputs!);
        const touched = new Set(api().map((r) => r.path));
        const u2 = s.emulator.getUser(s.environmentId, "u2")!.id;
        const u5 = s.emulator.getUser(s.environmentId, "u5")!.id;
        assert.ok(
            [...touched].every((p) => p.includes(u2) || p.includes(u5) || p.includes("oathTokens")),
            [...touched].join("\n"),
        );
        const row = updated.outs!.tokens[moved]!;
        assert.equal(
            row.status,
            "ACTIVE",
            "the token's counter moved on with u2; the codes come from PingOne's counter",
        );
        assert.equal(row.userId, u5);
        assert.equal(s.emulator.listDevices(s.environmentId, u2).length, 0, "the old device is gone");
        assert.equal(s.emulator.listDevices(s.environmentId).length, 5);
    });

    it("lifecycle: lost fob (unpair), leaver (revoke), retired serial, and a token revoked in the console repaired after refresh", async () => {
        const tokens = randomTokens(4, "LIF");
        const [t1, t2, t3, t4] = tokens.map((t) => t.serialNumber) as [string, string, string, string];
        for (const u of ["la", "lb", "lc"]) s.emulator.addUser(s.environmentId, { username: u });
        const userId = (u: string) => s.emulator.getUser(s.environmentId, u)!.id;
        const devicesOf = (u: string) =>
            s.emulator.listDevices(s.environmentId, userId(u)).map((d) => [d.serialNumber, d.status]);
        let state = await up(batch(tokens, ["la", "lb", "lc"]));
        let outs = state.outs!;
        const step = async (inputs: OathTokenBatchInputs) => {
            const checked = await provider.check!(state.checked, inputs);
            assert.deepEqual(checked.failures, []);
            s.emulator.clearRequests();
            outs = (await provider.update!(state.id, outs, checked.inputs!)).outs!;
            state = { ...state, checked: checked.inputs! };
            return api().length;
        };
        // Lost fob: la's row points at the spare; the old token stays in the inventory, unpaired (default).
        const lost = await step(batch(tokens, [undefined, "lb", "lc", "la"]));
        assert.deepEqual(devicesOf("la"), [[t4, "ACTIVE"]]);
        assert.ok(s.emulator.getToken(s.environmentId, t1), "the lost fob's token is kept");
        assert.equal(outs.tokens[t1]!.deviceId, undefined);
        // Leaver with onUnassign "revoke": lb's row removed; device and token go.
        const leaver = await step(batch(tokens, [undefined, undefined, "lc", "la"], { onUnassign: "revoke" }));
        assert.deepEqual(devicesOf("lb"), []);
        assert.equal(s.emulator.getToken(s.environmentId, t2), undefined, "revoked: this stack created it");
        assert.equal(outs.tokens[t2]!.revoked, true);
        // Retired: the lost fob came back broken; revoked, and never paired again while retired.
        const retiredInputs = batch(tokens, [undefined, undefined, "lc", "la"], { onUnassign: "revoke" });
        retiredInputs.tokens[t1] = { ...retiredInputs.tokens[t1]!, retired: true };
        const retired = await step(retiredInputs);
        assert.equal(s.emulator.getToken(s.environmentId, t1), undefined);
        assert.equal(outs.tokens[t1]!.retired, true);
        s.emulator.clearRequests();
        const checked = await provider.check!(state.checked, retiredInputs);
        assert.equal((await provider.diff!(state.id, outs, checked.inputs!)).changes, false, "retired: nothing to do");
        // Drift: lc's token revoked in the console (which unpairs); refresh says so, the next up repairs it.
        const admin = clientForConnection(s.connection);
        await admin.deleteOathToken(s.environmentId, (await admin.findOathTokenBySerial(s.environmentId, t3))!.id);
        const read = await provider.read!(state.id, outs);
        outs = read.props as OathTokenBatchOutputs;
        assert.match(
            outs.tokens[t3]!.error!,
            new RegExp(
                `token ${t3} \\(user lc\\) is gone.*revoked in PingOne too; the next pulumi up creates it again`,
            ),
        );
        const repair = await step(retiredInputs);
        assert.deepEqual(devicesOf("lc"), [[t3, "ACTIVE"]]);
        assert.equal(outs.tokens[t3]!.error, undefined);
        console.log(`      API calls: lost fob ${lost}, leaver ${leaver}, retired ${retired}, drift repair ${repair}`);
    });

    it("one bad row never stops the others: the run fails naming it, keeps the good rows, and the next run retries only it", async () => {
        const tokens = randomTokens(6, "BAD");
        const users = tokens.map((_, i) => s.emulator.addUser(s.environmentId, { username: `bad-${i}` }).username);
        const inputs = batch(tokens, users);
        const checked = (await provider.check!({} as OathTokenBatchInputs, inputs)).inputs!;
        // The third user's pairing is refused: the user hits the device limit.
        const victim = s.emulator.getUser(s.environmentId, "bad-2")!;
        for (let i = 0; i < 5; i++) {
            s.emulator.addToken(s.environmentId, {
                serialNumber: `FULL${i}`,
                secret: "00".repeat(20),
                type: "HOTP",
                otpLength: 6,
            });
            s.emulator.addDevice(s.environmentId, { userId: victim.id, serialNumber: `FULL${i}`, status: "ACTIVE" });
        }
        const error = await provider.create(checked).then(
            () => assert.fail("expected a partial failure"),
            (
                e: Error & {
                    id?: string;
                    properties?: OathTokenBatchOutputs & { __provider?: unknown };
                    reasons?: string[];
                },
            ) => e,
        );
        assert.match(error.message, /1 of 6 tokens of this batch failed/);
        assert.match(error.message, new RegExp(`${tokens[2]!.serialNumber}.*bad-2.*most MFA devices`, "s"));
        assert.ok(error.id, "the partial result carries the batch's id");
        const outs = error.properties!;
        assert.equal(Object.values(outs.tokens).filter((r) => r.status === "ACTIVE").length, 5);
        assert.ok(outs.tokens[tokens[2]!.serialNumber]!.error);
        // Room is made; the next run (an update, as Pulumi does after a partial failure) retries that row only.
        for (const d of s.emulator.listDevices(s.environmentId, victim.id))
            await s.deleteDeviceOutOfBand({ ...d, deviceId: d.id, userId: victim.id, secretHex: "" });
        s.emulator.clearRequests();
        const retried = await provider.update!(error.id!, outs, checked);
        assert.ok(Object.values(retried.outs!.tokens).every((r) => r.status === "ACTIVE" && !r.error));
        assert.equal(
            api().filter((r) => r.method === "POST").length,
            2,
            "one pairing and one activation: the failed row only",
        );
    });

    it("owns only what it created: an existing token is an error unless adopt, and destroy leaves adopted tokens", async () => {
        const tokens = randomTokens(3, "OWN");
        const users = tokens.map((_, i) => s.emulator.addUser(s.environmentId, { username: `own-${i}` }).username);
        const mine = tokens[0]!;
        s.emulator.addToken(s.environmentId, {
            serialNumber: mine.serialNumber,
            secret: mine.secretHex,
            type: "HOTP",
            otpLength: 6,
        });
        const firstInputs = (await provider.check!({} as OathTokenBatchInputs, batch(tokens, users))).inputs!;
        const refused = await provider.create(firstInputs).then(
            () => assert.fail("expected an ownership error"),
            (e: Error & { id?: string; properties?: OathTokenBatchOutputs }) => e,
        );
        assert.match(
            refused.message,
            new RegExp(
                `OATH token ${mine.serialNumber} already exists in PingOne and this stack did not create it.*adoptExisting: true`,
                "s",
            ),
        );
        assert.equal(refused.properties!.tokens[tokens[1]!.serialNumber]!.status, "ACTIVE", "the other rows went on");

        // Pulumi keeps the partial state; the user opts in to adopting, and the next run is an update.
        const news = (await provider.check!(firstInputs, batch(tokens, users, { adopt: true }))).inputs!;
        const adopted = {
            id: refused.id!,
            outs: (await provider.update!(refused.id!, refused.properties!, news)).outs,
        };
        assert.equal(adopted.outs!.tokens[mine.serialNumber]!.tokenCreated, false);
        assert.equal(adopted.outs!.tokens[tokens[1]!.serialNumber]!.tokenCreated, true, "what it made stays its own");
        await provider.delete!(adopted.id, adopted.outs!);
        assert.ok(s.emulator.getToken(s.environmentId, mine.serialNumber), "the adopted token stays");
        assert.equal(
            s.emulator.getToken(s.environmentId, tokens[1]!.serialNumber),
            undefined,
            "created tokens are revoked",
        );
        assert.equal(s.emulator.listDevices(s.environmentId).length, 0, "devices the stack paired are gone");
    });

    it("a lost answer to the inventory job is looked up, not sent blindly again: nothing is made twice", async () => {
        const tokens = randomTokens(4, "LOST");
        const users = tokens.map((_, i) => s.emulator.addUser(s.environmentId, { username: `lost-${i}` }).username);
        s.emulator.failNext({ method: "POST", path: "/oathJobs" }, { drop: "after-handling" });
        const { outs } = await up(batch(tokens, users));
        assert.ok(Object.values(outs!.tokens).every((r) => r.tokenCreated === true && r.status === "ACTIVE"));
        assert.equal(
            s.emulator.requests.filter((r) => r.method === "POST" && r.path.endsWith("/oathJobs")).length,
            1,
            "the job was not submitted again: its tokens were found, made since the request",
        );
    });

    it("preview tells: an unknown username is left out with the reason; wrong credentials fail check by name", async () => {
        const tokens = randomTokens(2, "PRV");
        s.emulator.addUser(s.environmentId, { username: "Known.User" });
        const checked = await provider.check!({} as OathTokenBatchInputs, batch(tokens, ["known.user", "nobody-here"]));
        assert.deepEqual(checked.failures, []);
        assert.equal(
            Object.keys(checked.inputs!.userIds!).length,
            1,
            "usernames match case-insensitively, as in PingOne",
        );
        assert.match(checked.inputs!.skipped![tokens[1]!.serialNumber]!, /no PingOne user named "nobody-here"/);
        assert.equal(
            s.emulator.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/as/token")).length,
            0,
            "check only reads",
        );
        const { outs } = await up(batch(tokens, ["known.user", "nobody-here"]));
        assert.equal(
            outs!.tokens[tokens[1]!.serialNumber]!.tokenCreated,
            true,
            "the token still goes to the inventory",
        );
        assert.equal(outs!.tokens[tokens[1]!.serialNumber]!.deviceId, undefined, "unpaired");

        const wrong = await provider.check!(
            {} as OathTokenBatchInputs,
            batch(tokens, [], { connection: { ...s.connection, clientSecret: "wrong" } }),
        );
        assert.equal(wrong.failures?.[0]?.property, "connection");
        assert.match(wrong.failures![0]!.reason, /refused this stack's credentials at preview.*pingone:clientSecret/s);
    });

    it("a mistyped username leaves the token as it is: its current device is not removed", async () => {
        const tokens = randomTokens(2, "TYP");
        const users = ["typ-a", "typ-b"].map((u) => s.emulator.addUser(s.environmentId, { username: u }).username);
        const first = await up(batch(tokens, users));
        const checked = await provider.check!(first.checked, batch(tokens, ["typ-a", "typ-bb"]));
        assert.match(checked.inputs!.skipped![tokens[1]!.serialNumber]!, /no PingOne user named "typ-bb"/);
        const diff = await provider.diff!(first.id, first.outs!, checked.inputs!);
        assert.equal(diff.changes, true, "the skipped assignment is recorded");
        s.emulator.clearRequests();
        const updated = await provider.update!(first.id, first.outs!, checked.inputs!);
        assert.equal(api().length, 0, "nothing is sent");
        const b = s.emulator.getUser(s.environmentId, "typ-b")!;
        assert.equal(s.emulator.listDevices(s.environmentId, b.id).length, 1, "typ-b keeps the device");
        assert.equal(
            updated.outs!.tokens[tokens[1]!.serialNumber]!.deviceId,
            first.outs!.tokens[tokens[1]!.serialNumber]!.deviceId,
        );
    });

    it("refuses a seed file the host cannot read, or a secret reference that is not set, at check", async () => {
        const inputs = batch(randomTokens(1, "REF"));
        const missing = await provider.check!({} as OathTokenBatchInputs, {
            ...inputs,
            seedFile: { path: path.join(dir, "nope.pskcxml") },
        });
        assert.match(missing.failures![0]!.reason, /nope\.pskcxml.*cannot be read/s);
        const noSecret = await provider.check!({} as OathTokenBatchInputs, {
            ...inputs,
            seedFile: { ...inputs.seedFile, passphrase: { env: "NO_SUCH_PSKC_PASSPHRASE_VAR" } },
        });
        assert.match(noSecret.failures![0]!.reason, /NO_SUCH_PSKC_PASSPHRASE_VAR, which is not set/);
    });

    it("a check with the same file reference and tokens as before reads no seed file (a no-op run); a change does", async () => {
        const inputs = batch(randomTokens(3, "NOP"));
        const { checked } = await up(inputs);
        // Gone: a check that read it would fail. Unchanged inputs have nothing the file could change.
        fs.rmSync(inputs.seedFile.path);
        const again = await provider.check!(checked, inputs);
        assert.deepEqual(again.failures, []);
        const [first, ...rest] = Object.entries(inputs.tokens);
        const changed = {
            ...inputs,
            tokens: { ...Object.fromEntries(rest), [first![0]]: { fingerprint: "A".repeat(22) } },
        };
        const refused = await provider.check!(checked, changed);
        assert.match(refused.failures![0]!.reason, /tokens\.pskcxml.*cannot be read/s);
        const moved = await provider.check!(checked, {
            ...inputs,
            seedFile: { path: path.join(dir, "elsewhere.pskcxml") },
        });
        assert.match(moved.failures![0]!.reason, /elsewhere\.pskcxml.*cannot be read/s);
    });
});
