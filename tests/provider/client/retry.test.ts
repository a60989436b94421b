import assert from "node:assert/strict";
import { backoffDelay, parseRetryAfter } from "../../../provider/client/retry";

describe("retry back-off", () => {
    it("backs off exponentially with jitter, capped", () => {
        for (let attempt = 1; attempt <= 8; attempt++) {
            const ceiling = Math.min(10_000, 250 * 2 ** (attempt - 1));
            const delay = backoffDelay(attempt, 250, 10_000);
            assert.ok(delay >= ceiling / 2 && delay <= ceiling, `attempt ${attempt}: ${delay}`);
        }
    });

    it("reads Retry-After as seconds or an HTTP date", () => {
        assert.equal(parseRetryAfter("3"), 3000);
        assert.equal(parseRetryAfter(null), undefined);
        const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
        const ms = parseRetryAfter(inTwoSeconds)!;
        assert.ok(ms > 0 && ms <= 2000);
    });
});
