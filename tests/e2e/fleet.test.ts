import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type PingOneEmulator } from "../../emulator";
import main from "../../program/index";
import { openLocalStack, readBackendFiles } from "../../dev/localStack";
import { requireCli } from "../support/cliProject";
import { clientId, clientSecret, startEmulatorWithUsers } from "../support/fixtures";
import { pskcDocument, randomTokens } from "../../dev/pskcFile";

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
    const writeFiles = (count: number) => {
        fs.writeFileSync(seedFile, pskcDocument(tokens.slice(0, count), ["FLTBROKEN"]));
        fs.writeFileSync(
            assignmentsFile,
            [
                "serialNumber,username",
                ...tokens.slice(0, count).map((t, i) => `${t.serialNumber},${users[i]}`),
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
        "pingone:clientId": { value: clientId },
        "pingone:clientSecret": { value: clientSecret, secret: true },
        "pingone:apiUrl": { value: emulator.apiUrl },
        "pingone:authUrl": { value: emulator.authUrl },
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
        let log = "";
        const up = await stack.up({ onOutput: (line) => (log += line) });
        assert.equal(up.summary.result, "succeeded");
        // Stack + fleet + 3 per token.
        assert.equal(up.summary.resourceChanges?.create, 2 + 3 * tokens.length);
        const devices = emulator.listDevices(environmentId);
        assert.equal(devices.length, tokens.length);
        assert.ok(devices.every((d) => d.status === "ACTIVE"));
        assert.match(log, /KeyPackage 13.*FLTBROKEN|FLTBROKEN.*KeyPackage 13/s);
        assert.match(log, /FLTMISSING: no such serial in the seed file/);
        const summary = up.outputs.devices.value as { serialNumber: string; status: string }[];
        assert.equal(summary.length, tokens.length);

        const api = () => emulator.requests.filter((r) => !r.path.endsWith("/as/token"));
        const writesPerToken = api().filter((r) => r.method !== "GET").length / tokens.length;
        const readsPerToken = api().filter((r) => r.method === "GET").length / tokens.length;
        console.log(
            `    API calls per token: ${writesPerToken} writes, ${readsPerToken} reads (username look-up included)`,
        );
        assert.equal(writesPerToken, 3);
        assert.ok(readsPerToken <= 2);

        emulator.clearRequests();
        const again = await stack.up();
        assert.deepEqual(again.summary.resourceChanges, { same: 2 + 3 * tokens.length });
        assert.equal(api().length, 0, "a no-op re-run sends nothing");

        writeFiles(tokens.length - 1);
        const shrink = await stack.up();
        assert.equal(shrink.summary.resourceChanges?.delete, 3);
        const dropped = tokens[tokens.length - 1].serialNumber;
        assert.equal(emulator.getToken(environmentId, dropped), undefined, "token revoked");
        assert.equal(emulator.listDevices(environmentId).length, tokens.length - 1);

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
        assert.match(log, /set adopt: true/);
        await stack.destroy();
        assert.deepEqual(
            tokens.map((t) => emulator.getToken(environmentId, t.serialNumber)?.id),
            before.tokens,
        );
        assert.equal(emulator.listDevices(environmentId).length, before.devices);
        assert.ok(emulator.listDevices(environmentId).every((d) => d.status === "ACTIVE"));
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
