import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { type PingOneEmulator } from "../../emulator";
import { OathTokenFleet } from "../../provider";
import { openLocalStack } from "../../dev/localStack";
import { pskcDocument, randomTokens } from "../../dev/pskcFile";
import { assertNoSecrets, requireCli } from "../support/cliProject";
import { clientSecret, emulatorStackConfig, hotp, startEmulatorWithUsers } from "../support/fixtures";

/**
 * A batch long enough to need progress lines, through the real CLI (Automation API): 250 tokens in one
 * batch at 50 requests/s (500 calls: about 10 s), with the default 5 s interval.
 */
describe("a long batch says how far it is while it works, through the Pulumi CLI", function () {
    this.timeout(300_000);
    const environmentId = randomUUID();
    const tokens = randomTokens(250, "PRG");
    const users = tokens.map((_, i) => `progress-user-${i + 1}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "progress-e2e-"));
    let emulator: PingOneEmulator;
    before(async function () {
        requireCli(this);
        emulator = await startEmulatorWithUsers(environmentId, users);
        fs.writeFileSync(path.join(dir, "tokens.pskcxml"), pskcDocument(tokens));
        fs.writeFileSync(
            path.join(dir, "assignments.csv"),
            ["serialNumber,username", ...tokens.map((t, i) => `${t.serialNumber},${users[i]}`)].join("\n") + "\n",
        );
    });
    after(async () => {
        await emulator?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("logs done/total, rate and time left at most every 5 s, holding no seed or code", async () => {
        const { stack } = await openLocalStack({
            name: "e2e-progress",
            fresh: true,
            program: async () => {
                const fleet = new OathTokenFleet("tokens", {
                    environmentId,
                    seedFile: path.join(dir, "tokens.pskcxml"),
                    assignmentsFile: path.join(dir, "assignments.csv"),
                    batches: 1,
                });
                return { devices: fleet.summary };
            },
            envVars: { PINGONE_REQUESTS_PER_SECOND: "50" },
            config: {
                ...emulatorStackConfig(emulator),
                "pingone:environmentId": { value: environmentId },
            },
        });
        let output = "";
        const started = Date.now();
        const up = await stack.up({ onOutput: (text) => (output += text) });
        const seconds = (Date.now() - started) / 1000;
        assert.equal(up.summary.result, "succeeded");
        const devices = up.outputs.devices.value as { status: string }[];
        assert.equal(devices.filter((d) => d.status === "ACTIVE").length, tokens.length);
        // The provider host logs through its stdout, which the CLI shows as info of the stack as it comes, and
        // again in its closing "Diagnostics" block: one line per message here.
        const lines = [
            ...new Set(
                [...output.matchAll(/tokens-batch-00: [a-z ]+: [\d,]+ of 250 tokens done.*$/gm)].map((m) =>
                    m[0].trim(),
                ),
            ),
        ];
        console.log(
            `      up: ${seconds.toFixed(1)} s, ${lines.length} progress lines:\n        ${lines.join("\n        ")}`,
        );
        assert.ok(lines.length >= 1, `no progress line in:\n${output}`);
        // Counts only go up, and the pace is stated once a token is done.
        const counts = lines.map((l) => Number(/: ([\d,]+) of 250/.exec(l)![1]!.replace(/,/g, "")));
        assert.deepEqual(
            counts,
            [...counts].sort((a, b) => a - b),
        );
        for (const line of lines.filter((_, i) => counts[i]! > 0))
            assert.match(line, /\(\d+ %\), \d+\.\d tokens\/s, about (\d+ min )?\d+ s left\.$/);
        assertNoSecrets(
            { "progress lines": lines.join("\n"), "CLI output": output },
            tokens.map((t) => t.secretHex).concat(clientSecret, ...emulator.issuedAccessTokens()),
            tokens.flatMap((t) => [hotp(t.secretHex, 0), hotp(t.secretHex, 1)]),
        );
        await stack.destroy();
    });
});
