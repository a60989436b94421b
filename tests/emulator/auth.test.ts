// The token endpoint (client_credentials, Basic and form auth) and bearer checks on the API.
import assert from "node:assert/strict";
import { type PingOneEmulator } from "../../emulator";
import { CLIENT_ID, CLIENT_SECRET, ENV_ID, Harness, assertP1Error } from "../support/emulatorHarness";

function basic(id: string, secret: string): string {
    return `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;
}

async function tokenRequest(
    emulator: PingOneEmulator,
    envId: string,
    form: Record<string, string>,
    authorization?: string,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
    if (authorization) headers.Authorization = authorization;
    const response = await fetch(`${emulator.authUrl}/${envId}/as/token`, {
        method: "POST",
        headers,
        body: new URLSearchParams(form),
    });
    return {
        status: response.status,
        body: (await response.json()) as Record<string, unknown>,
        headers: response.headers,
    };
}

describe("emulator: token endpoint", () => {
    let h: Harness;
    before(async () => (h = await Harness.start({ accessTokenTtlSeconds: 1800 })));
    after(() => h.stop());

    it("issues a Bearer token to a client authenticated with HTTP Basic", async () => {
        const result = await tokenRequest(
            h.emulator,
            ENV_ID,
            { grant_type: "client_credentials" },
            basic(CLIENT_ID, CLIENT_SECRET),
        );
        assert.equal(result.status, 200);
        assert.equal(result.body.token_type, "Bearer");
        assert.equal(result.body.expires_in, 1800);
        assert.equal(typeof result.body.access_token, "string");
        assert.equal(result.headers.get("cache-control"), "no-store");
        const users = await h.call("GET", `/environments/${ENV_ID}/users`, {
            token: result.body.access_token as string,
        });
        assert.equal(users.status, 200);
    });

    it("issues a token to a client authenticated with form fields (client_secret_post)", async () => {
        const result = await tokenRequest(h.emulator, ENV_ID, {
            grant_type: "client_credentials",
            client_id: CLIENT_ID,
            client_secret: CLIENT_SECRET,
        });
        assert.equal(result.status, 200);
        const users = await h.call("GET", `/environments/${ENV_ID}/users`, {
            token: result.body.access_token as string,
        });
        assert.equal(users.status, 200);
    });

    it("answers 401 invalid_client for a wrong secret, an unknown client, or no credentials", async () => {
        for (const result of [
            await tokenRequest(h.emulator, ENV_ID, { grant_type: "client_credentials" }, basic(CLIENT_ID, "wrong")),
            await tokenRequest(h.emulator, ENV_ID, {
                grant_type: "client_credentials",
                client_id: "nobody",
                client_secret: CLIENT_SECRET,
            }),
            await tokenRequest(h.emulator, ENV_ID, { grant_type: "client_credentials" }),
        ]) {
            assert.equal(result.status, 401);
            assert.equal(result.body.error, "invalid_client");
            assert.equal(typeof result.body.error_description, "string");
        }
    });

    it("answers 400 unsupported_grant_type for other grants, invalid_request without one", async () => {
        const password = await tokenRequest(
            h.emulator,
            ENV_ID,
            { grant_type: "password", username: "a", password: "b" },
            basic(CLIENT_ID, CLIENT_SECRET),
        );
        assert.equal(password.status, 400);
        assert.equal(password.body.error, "unsupported_grant_type");
        const none = await tokenRequest(h.emulator, ENV_ID, {}, basic(CLIENT_ID, CLIENT_SECRET));
        assert.equal(none.status, 400);
        assert.equal(none.body.error, "invalid_request");
    });

    it("requires a form body", async () => {
        const response = await fetch(`${h.emulator.authUrl}/${ENV_ID}/as/token`, {
            method: "POST",
            headers: { "Content-Type": "application/json", Authorization: basic(CLIENT_ID, CLIENT_SECRET) },
            body: JSON.stringify({ grant_type: "client_credentials" }),
        });
        assert.equal(response.status, 400);
        assert.equal(((await response.json()) as { error: string }).error, "invalid_request");
    });

    it("answers 404 for an unknown environment", async () => {
        const result = await tokenRequest(
            h.emulator,
            "00000000-0000-4000-8000-000000000000",
            { grant_type: "client_credentials" },
            basic(CLIENT_ID, CLIENT_SECRET),
        );
        assert.equal(result.status, 404);
        assert.equal(result.body.code, "NOT_FOUND");
    });

    it("a worker app's token works in its own environment only (403 elsewhere; see security.test.ts)", async () => {
        const other = h.emulator.addEnvironment({
            clients: [{ clientId: "other-client", clientSecret: "other-secret" }],
        });
        const alice = h.emulator.addUser(other.id, { username: "alice" });
        assertP1Error(
            await h.call("GET", `/environments/${other.id}/users/${alice.id}`),
            403,
            "ACCESS_FAILED",
            "INSUFFICIENT_PERMISSIONS",
        );
        const token = await h.tokenFor(other.id, "other-client", "other-secret");
        const result = await h.call("GET", `/environments/${other.id}/users/${alice.id}`, { token });
        assert.equal(result.status, 200);
        assert.equal(result.body.username, "alice");
        assert.deepEqual(result.body.environment, { id: other.id });
    });
});

describe("emulator: bearer token checks", () => {
    let h: Harness;
    before(async () => (h = await Harness.start()));
    after(() => h.stop());

    function assertInvalidToken(result: Awaited<ReturnType<Harness["call"]>>): void {
        assertP1Error(result, 401, "ACCESS_FAILED", "INVALID_TOKEN");
    }

    it("answers 401 ACCESS_FAILED / INVALID_TOKEN without a token, with a made-up one, or with Basic", async () => {
        assertInvalidToken(await h.call("GET", `/environments/${ENV_ID}/users`, { token: null }));
        assertInvalidToken(await h.call("GET", `/environments/${ENV_ID}/users`, { token: "not-a-token" }));
        const response = await fetch(`${h.emulator.apiUrl}/environments/${ENV_ID}/users`, {
            headers: { Authorization: basic(CLIENT_ID, CLIENT_SECRET) },
        });
        assert.equal(response.status, 401);
    });

    it("checks the token before routing (unknown routes answer 401 too)", async () => {
        assertInvalidToken(await h.call("GET", "/no/such/route", { token: null }));
    });

    it("expireAccessTokens() invalidates every issued token; a new one works", async () => {
        const before = await h.token();
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
        h.emulator.expireAccessTokens();
        assertInvalidToken(await h.call("GET", `/environments/${ENV_ID}/users`, { token: before }));
        h.forgetToken();
        assert.equal((await h.call("GET", `/environments/${ENV_ID}/users`)).status, 200);
    });

    it("tokens expire after accessTokenTtlSeconds", async () => {
        const short = await Harness.start({ accessTokenTtlSeconds: 1 });
        try {
            const token = await short.token();
            assert.equal((await short.call("GET", `/environments/${ENV_ID}/users`, { token })).status, 200);
            await new Promise((resolve) => setTimeout(resolve, 1100));
            assertInvalidToken(await short.call("GET", `/environments/${ENV_ID}/users`, { token }));
        } finally {
            await short.stop();
        }
    });
});
