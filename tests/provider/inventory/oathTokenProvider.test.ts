import assert from "node:assert/strict";
import { oathTokenFingerprint } from "../../../provider/model/oathToken";
import { oathTokenProvider, type OathTokenInputs } from "../../../provider/inventory/oathTokenProvider";
import {
    type Scenario,
    isolateSuiteEnvironment,
    oathTokenInputs,
    rfcSecretHex,
    startScenario,
} from "../../support/fixtures";

describe("OathToken provider against the emulator", () => {
    let s: Scenario;
    isolateSuiteEnvironment();
    beforeEach(async () => (s = await startScenario()));
    afterEach(async () => s.emulator.stop());

    const token = (extra: Partial<OathTokenInputs> = {}): OathTokenInputs => oathTokenInputs(s, extra);
    const writes = (pathPart: string) =>
        s.emulator.requests.filter((r) => r.method === "POST" && r.path.includes(pathPart)).length;

    it("creates an inventory entry with one write and no read, and never returns the secret", async () => {
        const inputs = token();
        const created = await oathTokenProvider.create(inputs);
        assert.equal(created.outs?.adopted, false);
        assert.equal(s.emulator.getToken(s.environmentId, inputs.serialNumber)?.id, created.id);
        const api = s.emulator.requests.filter((r) => !r.path.endsWith("/as/token"));
        assert.deepEqual(
            api.map((r) => r.method),
            ["POST"],
        );
        assert.equal(
            (created.outs as unknown as Record<string, unknown>).secret,
            undefined,
            "no secret in the outputs",
        );
        assert.equal(
            created.outs?.fingerprint,
            oathTokenFingerprint({ ...inputs, secret: rfcSecretHex }),
            "its fingerprint, to notice a change",
        );
        assert.ok(!JSON.stringify(created.outs).includes(rfcSecretHex));
    });

    it("takes over a token that already exists only when asked, and then never revokes it; owns one whose create answer was lost", async () => {
        const existing = token();
        s.emulator.addToken(s.environmentId, {
            serialNumber: existing.serialNumber,
            secret: rfcSecretHex,
            type: "HOTP",
        });
        await assert.rejects(
            oathTokenProvider.create(existing),
            new RegExp(
                `OATH token ${existing.serialNumber} .* already exists in PingOne and this stack did not create it.*adopt: true`,
            ),
        );
        const adopted = await oathTokenProvider.create({ ...existing, adopt: true });
        assert.equal(adopted.outs?.adopted, true);
        await oathTokenProvider.delete!(adopted.id, adopted.outs!);
        assert.ok(s.emulator.getToken(s.environmentId, existing.serialNumber), "an adopted token stays in PingOne");

        const lost = token();
        s.emulator.clearRequests();
        s.emulator.failNext({ method: "POST", path: "/oathTokens" }, { drop: "after-handling" });
        const created = await oathTokenProvider.create(lost);
        assert.equal(created.id, s.emulator.getToken(s.environmentId, lost.serialNumber)?.id);
        assert.equal(writes("/oathTokens"), 1, "not sent twice");
    });

    it("reads TOTP drift on refresh, revokes on delete, and replaces on a new secret", async () => {
        const inputs = token({ type: "TOTP", timeStep: 30, counter: undefined });
        const created = await oathTokenProvider.create(inputs);
        const read = await oathTokenProvider.read!(created.id, created.outs);
        assert.equal(read.props?.drift, 0);
        const diff = await oathTokenProvider.diff!(created.id, created.outs!, {
            ...inputs,
            secret: "00".repeat(20),
        });
        assert.deepEqual(diff.replaces, ["fingerprint"]);
        const same = await oathTokenProvider.diff!(created.id, created.outs!, { ...inputs });
        assert.equal(same.changes, false);
        await oathTokenProvider.delete!(created.id, created.outs!);
        assert.equal(s.emulator.getToken(s.environmentId, inputs.serialNumber), undefined);
        assert.equal((await oathTokenProvider.read!(created.id, created.outs)).id, undefined);
    });

    it("takes the secret by reference: the provider host reads it, the input and outputs never hold it", async () => {
        process.env.FOB_SEED_HEX = rfcSecretHex;
        try {
            const news = token({ secret: { env: "FOB_SEED_HEX" } });
            const checked = await oathTokenProvider.check!({} as never, news);
            assert.deepEqual(checked.failures, []);
            const created = await oathTokenProvider.create(checked.inputs!);
            assert.equal(created.outs?.fingerprint, oathTokenFingerprint({ ...news, secret: rfcSecretHex }));
            assert.ok(!JSON.stringify([checked.inputs, created.outs]).includes(rfcSecretHex));
            const diff = await oathTokenProvider.diff!(created.id, created.outs!, checked.inputs!);
            assert.equal(diff.changes, false, "the same secret by reference is no change");
            process.env.FOB_SEED_HEX = "zz";
            const bad = await oathTokenProvider.check!({} as never, news);
            assert.match(
                bad.failures![0]!.reason,
                /the secret must be hex.*\(read from the environment variable FOB_SEED_HEX\)/,
            );
        } finally {
            delete process.env.FOB_SEED_HEX;
        }
    });

    it("checks PingOne's rules at preview", async () => {
        const result = await oathTokenProvider.check!(
            {} as never,
            {
                environmentId: s.environmentId,
                serialNumber: "BAD-SERIAL!",
                secret: "JBSWY3DPEHPK3PXP",
                type: "HOTP",
                hashAlgorithm: "HmacSHA256",
                timeStep: 45,
            } as never,
        );
        const byProperty = Object.fromEntries(result.failures!.map((f) => [f.property, f.reason]));
        assert.match(byProperty.serialNumber, /letters and digits/);
        assert.match(byProperty.secret, /must be hex.*convert base32/);
        assert.match(byProperty.hashAlgorithm, /HOTP tokens are HmacSHA1 only/);
        assert.match(byProperty.timeStep, /30 or 60/);
    });
});
