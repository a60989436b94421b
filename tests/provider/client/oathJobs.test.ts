// The client's batch OATH job methods and inventory listing, against the emulator over HTTP:
// createOathTokensJob / revokeOathTokensJob / getOathJob / waitForOathJob, and listOathTokens paging.
import assert from "node:assert/strict";
import { defaultClientOptions } from "../../../provider/client";
import { type OathTokenCreate } from "../../../provider/client/types";
import { PingOneOathError } from "../../../provider/errors";
import {
    type Scenario,
    clientForConnection,
    isolateSuiteEnvironment,
    rfcSecretHex,
    startScenario,
} from "../../support/fixtures";

let serial = 0;
function token(extra: Partial<OathTokenCreate> = {}): OathTokenCreate {
    serial += 1;
    return {
        serialNumber: `CJ${Date.now().toString(36).toUpperCase()}${serial}`,
        secret: rfcSecretHex,
        type: "HOTP",
        otpLength: 6,
        hashAlgorithm: "HmacSHA1",
        hotp: { counter: 0 },
        ...extra,
    };
}

describe("client: batch OATH jobs and inventory listing", function () {
    this.timeout(20_000);
    isolateSuiteEnvironment();
    let s: Scenario;
    afterEach(async () => s?.emulator.stop());

    const client = () => clientForConnection(s.connection, { ...defaultClientOptions, baseDelayMs: 20 });
    const jobReads = (jobId: string) =>
        s.emulator.requests.filter((r) => r.method === "GET" && r.path.endsWith(`/oathJobs/${jobId}`)).length;

    it("creates tokens with a job and waits for it, polling while it is IN_PROGRESS", async () => {
        s = await startScenario({ oathJobDurationMs: 700 });
        const existing = token();
        await client().createOathToken(s.environmentId, existing);
        const fresh = [token(), token({ type: "TOTP", hotp: undefined, totp: { timeStep: 60 } })];

        const submitted = await client().createOathTokensJob(s.environmentId, [...fresh, existing]);
        assert.equal(submitted.type, "CREATE_OATH_TOKENS");
        assert.equal(submitted.status, "IN_PROGRESS");
        const request = s.emulator.requests.find((r) => r.method === "POST" && r.path.endsWith("/oathJobs"));
        assert.equal(request?.contentType, "application/vnd.pingidentity.job.oathtokens.create+json");

        const started = Date.now();
        const done = await client().waitForOathJob(s.environmentId, submitted.id);
        assert.equal(done.id, submitted.id);
        assert.equal(done.status, "DONE");
        assert.deepEqual(done.result, {
            created: 2,
            duplicates: [{ serialNumber: existing.serialNumber, index: 2 }],
        });
        assert.ok(Date.now() - started >= 600, "it waited for the job to finish");
        // 100 ms doubling to 2 s: about 0, 100, 300, 700 ms; not a busy loop, and more than one read.
        const reads = jobReads(submitted.id);
        assert.ok(reads >= 3 && reads <= 6, `read the job ${reads} times`);
        for (const t of fresh) assert.ok(await client().findOathTokenBySerial(s.environmentId, t.serialNumber));
    });

    it("returns a job that is DONE at the first read after one GET", async () => {
        s = await startScenario();
        const submitted = await client().createOathTokensJob(s.environmentId, [token()]);
        const done = await client().waitForOathJob(s.environmentId, submitted.id);
        assert.deepEqual(done.result, { created: 1 });
        assert.equal(jobReads(submitted.id), 1);
    });

    it("returns a FAILED job (with its reason) instead of throwing", async () => {
        s = await startScenario({ oathTokenLimit: 1 });
        const submitted = await client().createOathTokensJob(s.environmentId, [token(), token()]);
        const failed = await client().waitForOathJob(s.environmentId, submitted.id);
        assert.equal(failed.status, "FAILED");
        assert.match(failed.reason ?? "", /over its limit of 1; nothing was created/);
    });

    it("gives up after timeoutMs with an error naming the job and saying what to do", async () => {
        s = await startScenario({ oathJobDurationMs: 60_000 });
        const submitted = await client().createOathTokensJob(s.environmentId, [token()]);
        const started = Date.now();
        await assert.rejects(
            client().waitForOathJob(s.environmentId, submitted.id, { timeoutMs: 300 }),
            (error: unknown) => {
                assert.ok(error instanceof PingOneOathError);
                assert.match(
                    error.message,
                    new RegExp(
                        `^OATH job ${submitted.id} in environment ${s.environmentId} was still IN_PROGRESS after 0\\.3 s\\. ` +
                            `It may yet finish: wait longer .* before submitting its tokens again`,
                    ),
                );
                return true;
            },
        );
        const took = Date.now() - started;
        assert.ok(took >= 290 && took < 3_000, `gave up after ${took} ms`);
        assert.equal((await client().getOathJob(s.environmentId, submitted.id))?.status, "IN_PROGRESS");
    });

    it("an unknown job: getOathJob resolves undefined, waitForOathJob fails naming it", async () => {
        s = await startScenario();
        const missing = "11111111-2222-4333-8444-555555555555";
        assert.equal(await client().getOathJob(s.environmentId, missing), undefined);
        await assert.rejects(
            client().waitForOathJob(s.environmentId, missing),
            new RegExp(`OATH job ${missing} does not exist in environment ${s.environmentId}`),
        );
    });

    it("revokes with a job (async): paired tokens are unpaired, unknown ids reported; forceUnpair false is passed on", async () => {
        s = await startScenario();
        const paired = s.addPairedToken();
        const pairedId = s.emulator.getToken(s.environmentId, paired.serialNumber)?.id as string;
        const missing = "11111111-2222-4333-8444-555555555555";
        const submitted = await client().revokeOathTokensJob(s.environmentId, [pairedId, missing]);
        assert.equal(submitted.type, "REVOKE_OATH_TOKENS");
        assert.equal(
            submitted.status,
            "IN_PROGRESS",
            "submitted with async true (async false answers the finished job)",
        );
        const done = await client().waitForOathJob(s.environmentId, submitted.id);
        assert.equal(done.result?.revoked, 1);
        assert.deepEqual(
            done.result?.errors?.map((e) => [e.index, e.tokenId, e.code]),
            [[1, missing, "NOT_FOUND"]],
        );
        assert.equal(s.emulator.getToken(s.environmentId, pairedId), undefined);
        assert.equal(s.emulator.getDevice(s.environmentId, paired.deviceId), undefined);

        // forceUnpair false is passed through: the paired token stays.
        const other = s.addPairedToken();
        const otherId = s.emulator.getToken(s.environmentId, other.serialNumber)?.id as string;
        const kept = await client().revokeOathTokensJob(s.environmentId, [otherId], { forceUnpair: false });
        const keptDone = await client().waitForOathJob(s.environmentId, kept.id);
        assert.equal(keptDone.result?.revoked, 0);
        assert.equal(keptDone.result?.errors?.[0]?.code, "REQUEST_FAILED");
        assert.ok(s.emulator.getDevice(s.environmentId, other.deviceId));
    });

    it("lists every token across several pages by following _links.next", async () => {
        s = await startScenario();
        const serials = Array.from({ length: 7 }, () => {
            const t = token();
            s.emulator.addToken(s.environmentId, { serialNumber: t.serialNumber, secret: rfcSecretHex, type: "HOTP" });
            return t.serialNumber;
        });
        s.emulator.clearRequests();
        const listed = await client().listOathTokens(s.environmentId, { pageSize: 3 });
        assert.deepEqual(
            listed.map((t) => t.serialNumber),
            serials,
        );
        assert.equal(new Set(listed.map((t) => t.id)).size, 7);
        const pages = s.emulator.requests.filter((r) => r.method === "GET" && r.path.endsWith("/oathTokens"));
        assert.equal(pages.length, 3);
        assert.equal(pages[0].query, "limit=3");
        assert.match(pages[1].query, /(^|&)cursor=[A-Za-z0-9_-]+/);
        assert.match(pages[2].query, /(^|&)cursor=[A-Za-z0-9_-]+/);
        assert.notEqual(pages[1].query, pages[2].query);

        // The default page size fits these in one page.
        s.emulator.clearRequests();
        assert.equal((await client().listOathTokens(s.environmentId)).length, 7);
        assert.equal(s.emulator.requests.filter((r) => r.path.endsWith("/oathTokens")).length, 1);
    });

    it("does not follow a next link to another host (the access token stays home)", async () => {
        s = await startScenario();
        s.emulator.failNext(
            { method: "GET", path: "/oathTokens" },
            {
                status: 200,
                body: {
                    _embedded: { oathTokens: [] },
                    _links: { next: { href: "http://attacker.invalid/v1/environments/x/oathTokens?cursor=a" } },
                },
            },
        );
        await assert.rejects(
            client().listOathTokens(s.environmentId),
            /link outside its API \(http:\/\/attacker\.invalid\/v1\/.*\); it was not followed/,
        );
    });

    it("stops on a next link that leads back to a page already read", async () => {
        s = await startScenario();
        const loop = `${s.emulator.apiUrl}/environments/${s.environmentId}/oathTokens?limit=1&cursor=b2Zmc2V0OjA`;
        const page = { _embedded: { oathTokens: [] }, _links: { next: { href: loop } } };
        s.emulator.failNext({ method: "GET", path: "/oathTokens", count: 2 }, { status: 200, body: page });
        await assert.rejects(client().listOathTokens(s.environmentId), /lead back to a page already read/);
    });
});
