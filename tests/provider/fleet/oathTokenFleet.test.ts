import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { pskcDocument, randomTokens } from "../../../dev/pskcFile";
import { OathTokenFleet } from "../../../provider/fleet/oathTokenFleet";
import { type BatchTokenInput } from "../../../provider/fleet/oathTokenBatchProvider";

/**
 * The fleet component's program side (which tokens go to which batch, and what it refuses), with Pulumi's
 * own mocks standing in for the engine: no PingOne, no provider. The provider side and the real engine are
 * covered by oathTokenBatchProvider.test.ts and tests/e2e.
 */
describe("OathTokenFleet (program side, Pulumi mocks)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-unit-"));
    const seedFile = path.join(dir, "tokens.pskcxml");
    const tokens = randomTokens(200, "SHD");
    const registered: Array<{ name: string; inputs: Record<string, unknown> }> = [];
    before(() => {
        fs.writeFileSync(seedFile, pskcDocument(tokens));
        return pulumi.runtime.setMocks(
            {
                newResource: (args) => {
                    registered.push({ name: args.name, inputs: args.inputs });
                    return { id: `${args.name}-id`, state: args.inputs };
                },
                call: () => ({}),
            },
            "project",
            "stack",
            false,
        );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    beforeEach(() => registered.splice(0));

    const batchInputs = async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return registered.filter((r) => r.name.includes("-batch-"));
    };
    const serialsOf = (batches: Array<{ inputs: Record<string, unknown> }>) =>
        batches.flatMap((b) => Object.keys(b.inputs.tokens as Record<string, BatchTokenInput>));

    it("spreads the tokens over the batches by serial, each token in exactly one, with no secret in any input", async () => {
        new OathTokenFleet("all", { environmentId: "env", seedFile, batches: 8 });
        const batches = await batchInputs();
        assert.equal(batches.length, 8);
        const serials = serialsOf(batches);
        assert.equal(serials.length, 200);
        assert.equal(new Set(serials).size, 200);
        const text = JSON.stringify(batches);
        for (const t of tokens) assert.ok(!text.includes(t.secretHex));
        // Stable: the same serials land in the same batches on every run.
        registered.splice(0);
        new OathTokenFleet("all", { environmentId: "env", seedFile, batches: 8 });
        assert.deepEqual(
            (await batchInputs()).map((b) => Object.keys(b.inputs.tokens as object)),
            batches.map((b) => Object.keys(b.inputs.tokens as object)),
        );
    });

    it("shards split the file over stacks: disjoint, and together every token", async () => {
        const perShard: string[][] = [];
        for (let index = 0; index < 4; index++) {
            registered.splice(0);
            new OathTokenFleet(`s${index}`, { environmentId: "env", seedFile, shard: { index, count: 4 } });
            perShard.push(serialsOf(await batchInputs()));
        }
        const all = perShard.flat();
        assert.equal(all.length, 200);
        assert.equal(new Set(all).size, 200);
        assert.ok(
            perShard.every((s) => s.length > 20),
            perShard.map((s) => s.length).join(", "),
        );
    });

    it("refuses a secret given by value, a bad shard, a bad batch count and a report that is neither CSV nor Markdown, naming the fix", () => {
        assert.throws(
            () =>
                new OathTokenFleet("bad", {
                    environmentId: "env",
                    seedFile,
                    seedFileOptions: { passphrase: "hunter2" as never },
                }),
            /seedFileOptions\.passphrase must say where to read the secret, \{ config: .* or \{ env: .*never becomes a resource input/s,
        );
        assert.throws(
            () => new OathTokenFleet("bad", { environmentId: "env", seedFile, shard: { index: 4, count: 4 } }),
            /shard must be \{ index, count \} with whole numbers 0 ≤ index < count ≤ 1024/,
        );
        assert.throws(
            () => new OathTokenFleet("bad", { environmentId: "env", seedFile, batches: 0 }),
            /batches must be a whole number from 1 to 256/,
        );
        assert.throws(
            () => new OathTokenFleet("bad", { environmentId: "env", seedFile, reportFile: "rollout.html" }),
            /OathTokenFleet bad: reportFile must end in \.csv \(a spreadsheet\) or \.md \(Markdown\); got "rollout\.html"/,
        );
    });
});
