// Batch OATH token jobs (POST/GET /environments/{envId}/oathJobs) over real HTTP: create and revoke
// jobs, per-token duplicates and errors, request checks (415/400/404), auth scoping, rate limiting,
// faults, the per-environment token cap, state-file persistence; and paging of the oathTokens list.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { PingOneEmulator } from "../../emulator";
import {
    CLIENT_ID,
    CLIENT_SECRET,
    ENV_ID,
    Harness,
    RFC_SECRET_HEX,
    UUID_PATTERN,
    assertP1Error,
    type ApiResult,
} from "../support/emulatorHarness";

const CREATE = "application/vnd.pingidentity.job.oathtokens.create+json";
const REVOKE = "application/vnd.pingidentity.job.oathtokens.revoke+json";
const JOBS = `/environments/${ENV_ID}/oathJobs`;

let serial = 0;
/** A fresh, unique serial (letters and digits only). */
function nextSerial(prefix = "JOB"): string {
    serial += 1;
    return `${prefix}${Date.now().toString(36).toUpperCase()}${serial}`;
}

function hotpToken(serialNumber = nextSerial(), extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { serialNumber, secret: RFC_SECRET_HEX, type: "HOTP", otpLength: 6, ...extra };
}

function submitCreate(h: Harness, tokens: unknown, extra: Record<string, unknown> = {}): Promise<ApiResult> {
    return h.call("POST", JOBS, { body: { type: "CREATE_OATH_TOKENS", tokens, ...extra }, contentType: CREATE });
}

function submitRevoke(h: Harness, body: Record<string, unknown>): Promise<ApiResult> {
    return h.call("POST", JOBS, { body: { type: "REVOKE_OATH_TOKENS", ...body }, contentType: REVOKE });
}

/** The job read back once it is finished (polls briefly when the emulator keeps jobs IN_PROGRESS). */
async function finishedJob(h: Harness, jobId: string): Promise<ApiResult> {
    for (let i = 0; i < 100; i++) {
        const read = await h.call("GET", `${JOBS}/${jobId}`);
        if (read.status !== 200 || read.body.status !== "IN_PROGRESS") return read;
        await sleep(20);
    }
    assert.fail(`job ${jobId} stayed IN_PROGRESS`);
}

describe("emulator: OATH create jobs", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    it("accepts a job (202, IN_PROGRESS, Location) and shows DONE with result.created once read", async () => {
        const hotpSerial = nextSerial("H");
        const totpSerial = nextSerial("T");
        const submitted = await submitCreate(h, [
            hotpToken(hotpSerial, { hotp: { counter: 456789 }, otpLength: 8 }),
            {
                serialNumber: totpSerial,
                secret: RFC_SECRET_HEX,
                type: "TOTP",
                totp: { timeStep: 30 },
                otpLength: 6,
                hashAlgorithm: "HmacSHA512",
            },
        ]);
        assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
        const { id, createdAt, ...rest } = submitted.body;
        assert.match(id, UUID_PATTERN);
        assert.ok(!Number.isNaN(Date.parse(createdAt)));
        const self = `${h.envUrl}/oathJobs/${id}`;
        assert.deepEqual(rest, {
            environment: { id: ENV_ID },
            type: "CREATE_OATH_TOKENS",
            status: "IN_PROGRESS",
            _links: { self: { href: self } },
        });
        assert.equal(submitted.headers.get("location"), self);

        const read = await h.call("GET", `${JOBS}/${id}`);
        assert.equal(read.status, 200);
        assert.deepEqual(read.body, { ...submitted.body, status: "DONE", result: { created: 2 } });

        // The tokens exist like singly created ones: ids, timestamps, the fields given, no secret.
        const hotp = await h.call(
            "GET",
            `/environments/${ENV_ID}/oathTokens?filter=${encodeURIComponent(`serialNumber eq "${hotpSerial}"`)}`,
        );
        const [token] = hotp.body._embedded.oathTokens;
        assert.match(token.id, UUID_PATTERN);
        assert.ok(!Number.isNaN(Date.parse(token.createdAt)));
        assert.deepEqual(token.hotp, { counter: 456789 });
        assert.equal(token.otpLength, 8);
        assert.equal(JSON.stringify(hotp.body).includes(RFC_SECRET_HEX), false, "no secret in answers");
        const totp = h.emulator.getToken(ENV_ID, totpSerial);
        assert.deepEqual(totp?.totp, { timeStep: 30, drift: 0 });
        assert.equal(totp?.hashAlgorithm, "HmacSHA512");
    });

    it("reports serials already held, and serials repeated inside the job, as duplicates (rowNumber echoed)", async () => {
        const held = h.inventoryToken({ type: "HOTP" }).serialNumber;
        const fresh = nextSerial();
        const repeated = nextSerial();
        const submitted = await submitCreate(h, [
            hotpToken(held, { rowNumber: 2 }),
            hotpToken(fresh),
            hotpToken(repeated, { rowNumber: 4 }),
            hotpToken(repeated, { rowNumber: 5 }),
        ]);
        assert.equal(submitted.status, 202);
        const done = await finishedJob(h, submitted.body.id);
        assert.equal(done.body.status, "DONE");
        assert.deepEqual(done.body.result, {
            created: 2,
            duplicates: [
                { serialNumber: held, index: 0, rowNumber: 2 },
                { serialNumber: repeated, index: 3, rowNumber: 5 },
            ],
        });
        assert.ok(h.emulator.getToken(ENV_ID, fresh));
        assert.ok(h.emulator.getToken(ENV_ID, repeated));
        // The held token is untouched (still the one created before, not replaced).
        assert.equal(h.emulator.getToken(ENV_ID, held)?.serialNumber, held);
    });

    it("reports an invalid token with the single create's error, and creates the valid ones", async () => {
        const bad = { serialNumber: "BAD-SERIAL!", secret: "xyz", type: "HOTP", hashAlgorithm: "HmacSHA256" };
        const single = await h.call("POST", `/environments/${ENV_ID}/oathTokens`, { body: bad });
        assertP1Error(single, 400, "INVALID_DATA");

        const before = nextSerial();
        const after = nextSerial();
        const submitted = await submitCreate(h, [hotpToken(before), bad, "not an object", hotpToken(after)]);
        const done = await finishedJob(h, submitted.body.id);
        assert.equal(done.body.status, "DONE");
        assert.equal(done.body.result.created, 2);
        assert.equal(done.body.result.duplicates, undefined);
        const [invalid, notObject] = done.body.result.errors;
        assert.deepEqual(invalid, {
            index: 1,
            serialNumber: "BAD-SERIAL!",
            code: single.body.code,
            message: single.body.message,
            details: single.body.details,
        });
        assert.equal(notObject.index, 2);
        assert.equal(notObject.code, "INVALID_DATA");
        assert.deepEqual(notObject.details.map((d: { target: string }) => d.target).sort(), [
            "otpLength",
            "secret",
            "serialNumber",
            "type",
        ]);
        assert.ok(h.emulator.getToken(ENV_ID, before) && h.emulator.getToken(ENV_ID, after));
    });

    it("answers 415 INVALID_REQUEST for a missing or wrong Content-Type, and acts on nothing", async () => {
        const serialNumber = nextSerial();
        const body = { type: "CREATE_OATH_TOKENS", tokens: [hotpToken(serialNumber)] };
        for (const contentType of [undefined, "application/json", "application/vnd.pingidentity.device.resync+json"]) {
            const result = await h.call("POST", JOBS, {
                body: JSON.stringify(body),
                contentType: contentType ?? "",
            });
            assertP1Error(result, 415, "INVALID_REQUEST", "INVALID_VALUE", "Content-Type");
        }
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber), undefined);
    });

    it("answers 400 INVALID_DATA naming the field for a wrong type, a missing, empty or oversized list", async () => {
        const serialNumber = nextSerial();
        const mismatch = await h.call("POST", JOBS, {
            body: { type: "REVOKE_OATH_TOKENS", tokens: [hotpToken(serialNumber)] },
            contentType: CREATE,
        });
        assertP1Error(mismatch, 400, "INVALID_DATA", "INVALID_VALUE", "type");
        const wrongForRevoke = await h.call("POST", JOBS, {
            body: { type: "CREATE_OATH_TOKENS", tokenIds: ["x"] },
            contentType: REVOKE,
        });
        assertP1Error(wrongForRevoke, 400, "INVALID_DATA", "INVALID_VALUE", "type");
        assertP1Error(
            await h.call("POST", JOBS, { body: { tokens: [hotpToken()] }, contentType: CREATE }),
            400,
            "INVALID_DATA",
            "REQUIRED_VALUE",
            "type",
        );
        assertP1Error(await submitCreate(h, undefined), 400, "INVALID_DATA", "REQUIRED_VALUE", "tokens");
        assertP1Error(await submitCreate(h, { a: 1 }), 400, "INVALID_DATA", "INVALID_VALUE", "tokens");
        const empty = await submitCreate(h, []);
        assertP1Error(empty, 400, "INVALID_DATA", "OUT_OF_RANGE", "tokens");
        assert.deepEqual(empty.body.details[0].innerError, { rangeMinimumValue: 1, rangeMaximumValue: 1000 });

        const tooMany = Array.from({ length: 1001 }, (_, i) => hotpToken(`CAP${i}X${serial}`));
        const over = await submitCreate(h, tooMany);
        assertP1Error(over, 400, "INVALID_DATA", "OUT_OF_RANGE", "tokens");
        assert.match(over.body.details[0].message, /1 to 1000 tokens \(it holds 1001\)/);
        assert.equal(h.emulator.getToken(ENV_ID, `CAP0X${serial}`), undefined, "nothing of a refused job is created");
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber), undefined);

        // Exactly 1,000 is accepted.
        const atCap = Array.from({ length: 1000 }, (_, i) => hotpToken(`FULL${i}X${serial}`));
        const accepted = await submitCreate(h, atCap);
        assert.equal(accepted.status, 202);
        assert.equal((await finishedJob(h, accepted.body.id)).body.result.created, 1000);
    });

    it("answers 404 NOT_FOUND for an unknown job id, and for a job id of an unknown environment", async () => {
        assertP1Error(await h.call("GET", `${JOBS}/11111111-2222-4333-8444-555555555555`), 404, "NOT_FOUND");
        assertP1Error(
            await h.call("GET", "/environments/11111111-2222-4333-8444-555555555555/oathJobs/x"),
            404,
            "NOT_FOUND",
        );
        assertP1Error(await h.call("DELETE", `${JOBS}/x`), 404, "NOT_FOUND");
    });
});

describe("emulator: OATH revoke jobs", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    it("revokes tokens like DELETE: a paired token is unpaired (its device goes); unknown ids are reported", async () => {
        const paired = await h.pairedDevice({ type: "HOTP" });
        const loose = h.inventoryToken({ type: "TOTP", timeStep: 30 });
        const missing = "11111111-2222-4333-8444-555555555555";
        const submitted = await submitRevoke(h, { async: true, tokenIds: [paired.tokenId, missing, loose.id] });
        assert.equal(submitted.status, 202, JSON.stringify(submitted.body));
        assert.equal(submitted.body.type, "REVOKE_OATH_TOKENS");
        assert.equal(submitted.body.status, "IN_PROGRESS");
        const done = await finishedJob(h, submitted.body.id);
        assert.equal(done.body.status, "DONE");
        assert.deepEqual(done.body.result, {
            revoked: 2,
            errors: [
                { index: 1, tokenId: missing, code: "NOT_FOUND", message: `Unable to find OATH token ${missing}.` },
            ],
        });
        assert.equal(h.emulator.getToken(ENV_ID, paired.tokenId), undefined);
        assert.equal(h.emulator.getToken(ENV_ID, loose.id), undefined);
        assert.equal(h.emulator.getDevice(ENV_ID, paired.deviceId), undefined, "the device went with its token");
        assertP1Error(
            await h.call("GET", `/environments/${ENV_ID}/users/${paired.userId}/devices/${paired.deviceId}`),
            404,
            "NOT_FOUND",
        );
    });

    it("forceUnpair false leaves a paired token and reports it; async false answers 200 with the finished job", async () => {
        const paired = await h.pairedDevice({ type: "HOTP" });
        const loose = h.inventoryToken({ type: "HOTP" });
        const result = await submitRevoke(h, {
            async: false,
            forceUnpair: false,
            tokenIds: [paired.tokenId, loose.id],
        });
        assert.equal(result.status, 200, JSON.stringify(result.body));
        assert.equal(result.body.status, "DONE");
        assert.equal(result.body.result.revoked, 1);
        const [error] = result.body.result.errors;
        assert.equal(error.index, 0);
        assert.equal(error.tokenId, paired.tokenId);
        assert.equal(error.code, "REQUEST_FAILED");
        assert.equal(error.details[0].target, "forceUnpair");
        assert.ok(h.emulator.getToken(ENV_ID, paired.tokenId), "paired token kept");
        assert.equal(h.emulator.getDevice(ENV_ID, paired.deviceId)?.status, "ACTIVATION_REQUIRED");
        assert.equal(h.emulator.getToken(ENV_ID, loose.id), undefined);
        // The job reads the same afterwards.
        assert.deepEqual((await h.call("GET", `${JOBS}/${result.body.id}`)).body, result.body);
    });

    it("answers 400 INVALID_DATA for a missing or empty tokenIds, non-string ids and a non-boolean flag", async () => {
        const kept = h.inventoryToken({ type: "HOTP" });
        assertP1Error(await submitRevoke(h, {}), 400, "INVALID_DATA", "REQUIRED_VALUE", "tokenIds");
        assertP1Error(await submitRevoke(h, { tokenIds: [] }), 400, "INVALID_DATA", "OUT_OF_RANGE", "tokenIds");
        assertP1Error(
            await submitRevoke(h, { tokenIds: [kept.id, 7] }),
            400,
            "INVALID_DATA",
            "INVALID_VALUE",
            "tokenIds[1]",
        );
        assertP1Error(
            await submitRevoke(h, { tokenIds: [kept.id], async: "maybe" }),
            400,
            "INVALID_DATA",
            "INVALID_VALUE",
            "async",
        );
        assertP1Error(
            await submitRevoke(h, { tokenIds: [kept.id], forceUnpair: 1 }),
            400,
            "INVALID_DATA",
            "INVALID_VALUE",
            "forceUnpair",
        );
        assert.ok(h.emulator.getToken(ENV_ID, kept.id), "no refused job revoked anything");
    });
});

describe("emulator: OATH jobs go through auth, rate limiting and faults like every route", () => {
    let h: Harness;
    let otherEnv: string;
    beforeEach(async () => {
        h = await Harness.start();
        otherEnv = h.emulator.addEnvironment({ clients: [{ clientId: "b-client", clientSecret: "b-secret" }] }).id;
    });
    afterEach(() => h.stop());

    it("needs a bearer token (401) of the job's own environment (403), for POST and GET", async () => {
        const serialNumber = nextSerial();
        const mine = await submitCreate(h, [hotpToken()]);
        assert.equal(mine.status, 202);
        const body = { type: "CREATE_OATH_TOKENS", tokens: [hotpToken(serialNumber)] };
        assertP1Error(
            await h.call("POST", JOBS, { body, contentType: CREATE, token: null }),
            401,
            "ACCESS_FAILED",
            "INVALID_TOKEN",
        );
        assertP1Error(await h.call("GET", `${JOBS}/${mine.body.id}`, { token: null }), 401, "ACCESS_FAILED");
        const foreign = await h.tokenFor(otherEnv, "b-client", "b-secret");
        assertP1Error(
            await h.call("POST", JOBS, { body, contentType: CREATE, token: foreign }),
            403,
            "ACCESS_FAILED",
            "INSUFFICIENT_PERMISSIONS",
        );
        assertP1Error(
            await h.call("GET", `${JOBS}/${mine.body.id}`, { token: foreign }),
            403,
            "ACCESS_FAILED",
            "INSUFFICIENT_PERMISSIONS",
        );
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber), undefined);
        // A job belongs to its environment: B's own token does not find A's job under B.
        assertP1Error(
            await h.call("GET", `/environments/${otherEnv}/oathJobs/${mine.body.id}`, { token: foreign }),
            404,
            "NOT_FOUND",
        );
    });

    it("a job POST is one request for the rate limiter; a rate-limited one creates nothing", async () => {
        await h.token();
        h.emulator.setRateLimit({ requestsPerSecond: 0.01, burst: 1 });
        const first = await submitCreate(h, [hotpToken(), hotpToken(), hotpToken()]);
        assert.equal(first.status, 202, "three tokens, one request, within a burst of 1");
        const serialNumber = nextSerial();
        const limited = await submitCreate(h, [hotpToken(serialNumber)]);
        assertP1Error(limited, 429, "REQUEST_LIMITED", "LIMIT_EXCEEDED");
        assert.ok(Number(limited.headers.get("retry-after")) >= 1);
        assert.equal(h.emulator.getToken(ENV_ID, serialNumber), undefined);
        assertP1Error(await h.call("GET", `${JOBS}/${first.body.id}`), 429, "REQUEST_LIMITED");
        h.emulator.setRateLimit(null);
        assert.equal((await finishedJob(h, first.body.id)).body.result.created, 3);
    });

    it("injected faults and latency apply: a 503 acts on nothing, a lost answer still ran the job", async () => {
        const refused = nextSerial();
        h.emulator.failNext({ method: "POST", path: "/oathJobs" }, { status: 503 });
        assertP1Error(await submitCreate(h, [hotpToken(refused)]), 503, "UNEXPECTED_ERROR");
        assert.equal(h.emulator.getToken(ENV_ID, refused), undefined);

        const lost = nextSerial();
        h.emulator.failNext({ contentType: "job.oathtokens.create" }, { drop: "after-handling" });
        await assert.rejects(submitCreate(h, [hotpToken(lost)]));
        assert.ok(h.emulator.getToken(ENV_ID, lost), "the job ran although its answer was lost");
        const entry = h.emulator.requests.at(-1);
        assert.equal(entry?.outcome, "dropped");
        assert.equal(entry?.status, 202);

        h.emulator.setLatency(150);
        const started = Date.now();
        assert.equal((await submitCreate(h, [hotpToken()])).status, 202);
        assert.ok(Date.now() - started >= 140, "latency applies to job submissions");
    });
});

describe("emulator: OATH job duration and the per-environment token cap", () => {
    it("with oathJobDurationMs a job reads IN_PROGRESS (no result) until it is done", async () => {
        const h = await Harness.start({ oathJobDurationMs: 400 });
        try {
            const serialNumber = nextSerial();
            const submitted = await submitCreate(h, [hotpToken(serialNumber)]);
            const early = await h.call("GET", `${JOBS}/${submitted.body.id}`);
            assert.equal(early.body.status, "IN_PROGRESS");
            assert.equal(early.body.result, undefined);
            await sleep(450);
            const late = await h.call("GET", `${JOBS}/${submitted.body.id}`);
            assert.equal(late.body.status, "DONE");
            assert.deepEqual(late.body.result, { created: 1 });
        } finally {
            await h.stop();
        }
    });

    it("counts job tokens toward the cap: a single create over it is refused, a job over it FAILS whole", async () => {
        const h = await Harness.start({ oathTokenLimit: 3 });
        try {
            const job = await submitCreate(h, [hotpToken(), hotpToken()]);
            assert.equal((await finishedJob(h, job.body.id)).body.result.created, 2);
            const third = await h.call("POST", `/environments/${ENV_ID}/oathTokens`, { body: hotpToken() });
            assert.equal(third.status, 201);
            const fourth = await h.call("POST", `/environments/${ENV_ID}/oathTokens`, { body: hotpToken() });
            assertP1Error(fourth, 400, "REQUEST_FAILED", "LIMIT_EXCEEDED");
            assert.equal(fourth.body.details[0].innerError.maximumValue, 3);

            const [revokeId] = [
                ...(await h.call("GET", `/environments/${ENV_ID}/oathTokens`)).body._embedded.oathTokens,
            ];
            await submitRevoke(h, { tokenIds: [revokeId.id] });
            const over = await submitCreate(h, [hotpToken(), hotpToken("OVERCAP1")]);
            const failed = await finishedJob(h, over.body.id);
            assert.equal(failed.body.status, "FAILED");
            assert.match(failed.body.reason, /from 2 to 4 tokens, over its limit of 3; nothing was created/);
            assert.equal(failed.body.result.created, 0);
            assert.equal(h.emulator.getToken(ENV_ID, "OVERCAP1"), undefined);
            const fits = await submitCreate(h, [hotpToken()]);
            assert.equal((await finishedJob(h, fits.body.id)).body.status, "DONE");
        } finally {
            await h.stop();
        }
    });
});

describe("emulator: OATH jobs in the state file", () => {
    let dir: string;
    before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "oath-jobs-state-"))));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("a restarted emulator still answers GET of old create and revoke jobs, with their results", async () => {
        const stateFile = path.join(dir, "tenant.json");
        const h = await Harness.start({ stateFile });
        const kept = nextSerial();
        const created = await submitCreate(h, [hotpToken(kept), hotpToken(kept)]);
        const revokeMe = h.inventoryToken({ type: "HOTP" });
        const revoked = await submitRevoke(h, { tokenIds: [revokeMe.id] });
        const createdDone = (await finishedJob(h, created.body.id)).body;
        const revokedDone = (await finishedJob(h, revoked.body.id)).body;
        await h.stop();

        const saved = JSON.parse(fs.readFileSync(stateFile, "utf8"));
        const env = saved.environments.find((e: { id: string }) => e.id === ENV_ID);
        assert.deepEqual(
            env.oathJobs.map((j: { id: string }) => j.id).sort(),
            [created.body.id, revoked.body.id].sort(),
        );

        const again = new Harness(await PingOneEmulator.start({ stateFile }));
        try {
            const apiBase = again.emulator.apiUrl;
            const createdAfter = await again.call("GET", `${JOBS}/${created.body.id}`);
            assert.equal(createdAfter.status, 200);
            // Same job, same result; only the host part of the links follows the new server.
            const relink = <T extends { _links: { self: { href: string } } }>(job: T): T => ({
                ...job,
                _links: { self: { href: job._links.self.href.replace(/^http:\/\/[^/]+\/v1/, apiBase) } },
            });
            assert.deepEqual(createdAfter.body, relink(createdDone));
            assert.deepEqual(createdAfter.body.result, { created: 1, duplicates: [{ serialNumber: kept, index: 1 }] });
            assert.deepEqual((await again.call("GET", `${JOBS}/${revoked.body.id}`)).body, relink(revokedDone));
            assert.ok(again.emulator.getToken(ENV_ID, kept));
            assert.equal(again.emulator.getToken(ENV_ID, revokeMe.id), undefined);
            // The tenant's client still works after the restart (only access tokens are not kept).
            assert.ok(await again.tokenFor(ENV_ID, CLIENT_ID, CLIENT_SECRET));
        } finally {
            await again.stop();
        }
    });

    it("reads a state file written before jobs existed (no oathJobs list)", async () => {
        const stateFile = path.join(dir, "old.json");
        const h = await Harness.start({ stateFile });
        const token = h.inventoryToken({ type: "HOTP" });
        await h.stop();
        const saved = JSON.parse(fs.readFileSync(stateFile, "utf8"));
        for (const env of saved.environments) delete env.oathJobs;
        fs.writeFileSync(stateFile, JSON.stringify(saved));
        const again = new Harness(await PingOneEmulator.start({ stateFile }));
        try {
            assert.ok(again.emulator.getToken(ENV_ID, token.id));
            assertP1Error(await again.call("GET", `${JOBS}/x`), 404, "NOT_FOUND");
        } finally {
            await again.stop();
        }
    });
});

describe("emulator: paging of the oathTokens list", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    it("honours limit and hands out _links.next (cursor) until the last page", async () => {
        const serials = Array.from({ length: 5 }, () => h.inventoryToken({ type: "HOTP" }).serialNumber);
        const seen: string[] = [];
        let url = `/environments/${ENV_ID}/oathTokens?limit=2`;
        const sizes: number[] = [];
        for (let pages = 0; pages < 10; pages++) {
            const page = await h.call("GET", url);
            assert.equal(page.status, 200, JSON.stringify(page.body));
            assert.equal(page.body.count, 5);
            assert.equal(page.body.size, page.body._embedded.oathTokens.length);
            sizes.push(page.body.size);
            seen.push(...page.body._embedded.oathTokens.map((t: { serialNumber: string }) => t.serialNumber));
            assert.equal(page.body._links.self.href, `${h.envUrl}/oathTokens`);
            const next = page.body._links.next?.href;
            if (!next) break;
            assert.match(next, /[?&]limit=2(&|$)/);
            assert.match(next, /[?&]cursor=[A-Za-z0-9_-]+(&|$)/);
            url = next;
        }
        assert.deepEqual(sizes, [2, 2, 1]);
        assert.deepEqual(seen, serials);

        // Without limit: one page, no next link (as before).
        const all = await h.call("GET", `/environments/${ENV_ID}/oathTokens`);
        assert.equal(all.body.size, 5);
        assert.equal(all.body._links.next, undefined);
    });

    it("keeps the filter in next links, and refuses a cursor it did not hand out", async () => {
        const { serialNumber } = h.inventoryToken({ type: "HOTP" });
        const filter = encodeURIComponent(`serialNumber eq "${serialNumber}"`);
        const page = await h.call("GET", `/environments/${ENV_ID}/oathTokens?filter=${filter}&limit=1`);
        assert.equal(page.body.size, 1);
        assert.equal(page.body._links.next, undefined, "one match, one page");
        const first = await h.call("GET", `/environments/${ENV_ID}/oathTokens?limit=1`);
        assert.equal(new URL(first.body._links.next.href).searchParams.get("limit"), "1");
        assertP1Error(
            await h.call("GET", `/environments/${ENV_ID}/oathTokens?limit=1&cursor=bm9wZQ`),
            400,
            "INVALID_DATA",
            "INVALID_VALUE",
            "cursor",
        );
    });
});
