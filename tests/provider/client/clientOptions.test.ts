import assert from "node:assert/strict";
import { resolveClientOptions } from "../../../provider/client/clientOptions";

describe("PingOne client options", () => {
    it("reads client options from config over env, and rejects nonsense", () => {
        const o = resolveClientOptions((k) => (k === "pingone:maxAttempts" ? "3" : undefined), {
            PINGONE_MAX_ATTEMPTS: "9",
            PINGONE_REQUEST_TIMEOUT_MS: "1500",
        });
        assert.equal(o.maxAttempts, 3);
        assert.equal(o.requestTimeoutMs, 1500);
        assert.throws(
            () => resolveClientOptions(undefined, { PINGONE_REQUESTS_PER_SECOND: "fast" }),
            /PINGONE_REQUESTS_PER_SECOND must be a positive number/,
        );
    });
});
