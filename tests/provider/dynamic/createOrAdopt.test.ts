import assert from "node:assert/strict";
import { AmbiguousOutcomeError, PingOneApiError } from "../../../provider/client/errors";
import { createOrAdopt } from "../../../provider/dynamic/createOrAdopt";
import { ResourceError } from "../../../provider/errors";

/** createOrAdopt with a fast back-off: the same policy, shorter waits. */
const policy = { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 40 };
const lost = () => new AmbiguousOutcomeError("POST", "/environments/e/oathTokens", "PingOne answered 503", 503);
const exists = () =>
    new PingOneApiError(400, "POST", "/environments/e/oathTokens", {
        id: "4f1d3a52-7b6c-4d8e-9f0a-1b2c3d4e5f60",
        code: "INVALID_DATA",
        details: [{ code: "UNIQUENESS_VIOLATION" }],
    });
const now = () => new Date().toISOString();
const anHourAgo = () => new Date(Date.now() - 3_600_000).toISOString();

describe("createOrAdopt: create first, look on a refusal or an unclear answer, never two, never a silent takeover", () => {
    it("a lost answer whose create did happen: found on the look, made just now, so ours (not adopted); one create", async () => {
        let creates = 0;
        const result = await createOrAdopt(
            {
                what: "OATH token T1",
                create: async () => {
                    creates++;
                    throw lost();
                },
                find: async () => ({ id: "t1", createdAt: now() }),
                adopt: false,
            },
            policy,
        );
        assert.deepEqual(result, { object: { id: "t1", createdAt: result.object.createdAt }, adopted: false });
        assert.equal(creates, 1);
    });

    it("a lost answer, nothing there yet, then the resend is refused as a duplicate of it: ours, not a takeover", async () => {
        // A slow server: the first create is carried out only after the look found nothing.
        let made: { id: string; createdAt: string } | undefined;
        let creates = 0;
        const result = await createOrAdopt(
            {
                what: "token T3 paired with user u",
                create: async () => {
                    creates++;
                    if (creates === 1) {
                        setTimeout(() => (made = { id: "d3", createdAt: now() }), 5);
                        throw lost();
                    }
                    throw exists();
                },
                find: async () => made,
                adopt: false,
            },
            policy,
        );
        assert.deepEqual(result, { object: made, adopted: false });
        assert.equal(creates, 2);
    });

    it("a lost answer, and what is there was made an hour ago: not ours, so refused without adopt", async () => {
        await assert.rejects(
            createOrAdopt(
                {
                    what: "OATH token T1B",
                    create: async () => Promise.reject(lost()),
                    find: async () => ({ id: "t1b", createdAt: anHourAgo() }),
                    adopt: false,
                },
                policy,
            ),
            /OATH token T1B \(id t1b, created .*\) already exists in PingOne and this stack did not create it/,
        );
    });

    it("unclear answers in a burst: sends again after a growing back-off until PingOne answers", async () => {
        const sentAt: number[] = [];
        const result = await createOrAdopt(
            {
                what: "OATH token T2",
                create: async () => {
                    sentAt.push(Date.now());
                    if (sentAt.length < 4) throw lost();
                    return { id: "t2" };
                },
                find: async () => undefined,
                adopt: false,
            },
            policy,
        );
        assert.deepEqual(result, { object: { id: "t2" }, adopted: false });
        const gaps = sentAt.slice(1).map((t, i) => t - sentAt[i]);
        // Equal jitter: each wait is at least half its ceiling (10, 20, 40 ms).
        gaps.forEach((gap, i) => assert.ok(gap >= Math.min(40, 10 * 2 ** i) / 2 - 2, `gap ${i + 1} was ${gap} ms`));
    });

    it("gives up after the policy's attempts with a ResourceError that says nothing was created twice and what to do", async () => {
        let creates = 0;
        await assert.rejects(
            createOrAdopt(
                {
                    what: "OATH token T3",
                    create: async () => {
                        creates++;
                        throw lost();
                    },
                    find: async () => undefined,
                    adopt: false,
                },
                policy,
            ),
            (error: unknown) => {
                assert.ok(error instanceof ResourceError);
                assert.match(
                    error.message,
                    /Creating OATH token T3: PingOne's answer was lost 5 times .* run pulumi up again/,
                );
                assert.ok(error.cause instanceof AmbiguousOutcomeError);
                return true;
            },
        );
        assert.equal(creates, 5);
    });

    it("PingOne's uniqueness refusal: an error naming the object and how to adopt it, unless adopt is set", async () => {
        await assert.rejects(
            createOrAdopt(
                {
                    what: "OATH token T4",
                    create: async () => Promise.reject(exists()),
                    find: async () => ({ id: "t4" }),
                    adopt: false,
                },
                policy,
            ),
            (error: unknown) => {
                assert.ok(error instanceof ResourceError);
                assert.match(
                    error.message,
                    /OATH token T4 \(id t4\) already exists in PingOne and this stack did not create it/,
                );
                assert.match(error.message, /set adopt: true .* never revoked or deleted by the stack/);
                assert.match(error.message, /PingOne request id 4f1d3a52-7b6c-4d8e-9f0a-1b2c3d4e5f60/);
                return true;
            },
        );
        const adopted = await createOrAdopt(
            { what: "T4", create: async () => Promise.reject(exists()), find: async () => ({ id: "t4" }), adopt: true },
            policy,
        );
        assert.deepEqual(adopted, { object: { id: "t4" }, adopted: true });
    });

    it("a refusal with nothing there is explained by the resource, with the request id", async () => {
        await assert.rejects(
            createOrAdopt(
                {
                    what: "token T5 for user alice",
                    create: async () => Promise.reject(exists()),
                    find: async () => undefined,
                    explain: () => "Cannot pair token T5 with user alice: the token is already paired elsewhere.",
                    adopt: true,
                },
                policy,
            ),
            /Cannot pair token T5 with user alice: .*already paired elsewhere\. \(PingOne request id 4f1d3a52-7b6c-4d8e-9f0a-1b2c3d4e5f60\)/,
        );
    });
});
