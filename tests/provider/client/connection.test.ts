import assert from "node:assert/strict";
import {
    ConnectionSettingsError,
    connectionSettingsFromConfig,
    connectionSettingsFromEnv,
    connectionSettingsFromInput,
    pingOneRegions,
    resolveConnection,
} from "../../../provider/client";

const env = (vars: Record<string, string>) => connectionSettingsFromEnv(vars);
const config = (vars: Record<string, string>) => connectionSettingsFromConfig((key) => vars[key]);
const creds = { PINGONE_CLIENT_ID: "env-id", PINGONE_CLIENT_SECRET: "env-secret", PINGONE_ENVIRONMENT_ID: "env-env" };

describe("PingOne connection settings", () => {
    it("defaults to the NA region", () => {
        const c = resolveConnection([env(creds)]);
        assert.equal(c.apiUrl, "https://api.pingone.com/v1");
        assert.equal(c.authUrl, "https://auth.pingone.com");
        assert.deepEqual(c.credentials, {
            kind: "clientCredentials",
            clientId: "env-id",
            clientSecret: "env-secret",
            environmentId: "env-env",
        });
    });

    for (const [code, urls] of Object.entries(pingOneRegions)) {
        it(`maps region ${code} to ${urls.apiUrl}`, () => {
            const c = resolveConnection([env({ ...creds, PINGONE_REGION_CODE: code.toLowerCase() })]);
            assert.equal(c.apiUrl, urls.apiUrl);
            assert.equal(c.authUrl, urls.authUrl);
        });
    }

    it("rejects an unknown region, naming where it was set and the valid codes", () => {
        assert.throws(
            () => resolveConnection([env({ ...creds, PINGONE_REGION_CODE: "US" })]),
            (e: Error) => {
                assert.ok(e instanceof ConnectionSettingsError);
                assert.match(
                    e.message,
                    /Unknown PingOne region "US" in PINGONE_REGION_CODE \(environment variables\): use one of NA, EU, CA, AU, SG, AP/,
                );
                return true;
            },
        );
        assert.throws(
            () => resolveConnection([config({ "pingone:regionCode": "XX" }), env(creds)]),
            /pingone:regionCode \(stack config\)/,
        );
    });

    it("accepts the deprecated PINGONE_REGION", () => {
        assert.equal(resolveConnection([env({ ...creds, PINGONE_REGION: "EU" })]).apiUrl, "https://api.pingone.eu/v1");
    });

    it("builds URLs from service hostnames, which go together", () => {
        const c = resolveConnection([
            env({
                ...creds,
                PINGONE_API_SERVICE_HOSTNAME: "api.example.test",
                PINGONE_AUTH_SERVICE_HOSTNAME: "auth.example.test",
            }),
        ]);
        assert.equal(c.apiUrl, "https://api.example.test/v1");
        assert.equal(c.authUrl, "https://auth.example.test");
        assert.throws(() => env({ PINGONE_API_SERVICE_HOSTNAME: "api.example.test" }), /set both or neither/);
    });

    it("lets PINGONE_API_URL / PINGONE_AUTH_URL override everything", () => {
        const c = resolveConnection([
            env({
                ...creds,
                PINGONE_REGION_CODE: "EU",
                PINGONE_API_URL: "http://127.0.0.1:8788/v1/",
                PINGONE_AUTH_URL: "http://127.0.0.1:8788",
            }),
        ]);
        assert.equal(c.apiUrl, "http://127.0.0.1:8788/v1");
        assert.equal(c.authUrl, "http://127.0.0.1:8788");
    });

    it("takes the resource input over stack config over environment, credentials whole", () => {
        const input = connectionSettingsFromInput({ clientId: "in-id", clientSecret: "in-secret" });
        const cfg = config({
            "pingone:clientId": "cfg-id",
            "pingone:clientSecret": "cfg-secret",
            "pingone:environmentId": "cfg-env",
            "pingone:regionCode": "CA",
        });
        const c = resolveConnection([input, cfg, env({ ...creds, PINGONE_REGION_CODE: "EU" })]);
        assert.deepEqual(c.credentials, {
            kind: "clientCredentials",
            clientId: "in-id",
            clientSecret: "in-secret",
            environmentId: "cfg-env",
        });
        assert.equal(c.apiUrl, pingOneRegions.CA.apiUrl);
        const fromConfig = resolveConnection([connectionSettingsFromInput(undefined), cfg, env(creds)]);
        assert.equal(fromConfig.credentials.kind === "clientCredentials" && fromConfig.credentials.clientId, "cfg-id");
    });

    it("uses an access token instead of client credentials, not both", () => {
        const c = resolveConnection([env({ PINGONE_API_ACCESS_TOKEN: "tok" })]);
        assert.deepEqual(c.credentials, { kind: "accessToken", accessToken: "tok" });
        assert.throws(
            () => resolveConnection([env({ ...creds, PINGONE_API_ACCESS_TOKEN: "tok" })]),
            /set one, not both/,
        );
    });

    it("says which variable or config key to set when credentials are missing", () => {
        assert.throws(
            () => resolveConnection([connectionSettingsFromInput(undefined), config({}), env({})]),
            (e: Error) => {
                assert.ok(e instanceof ConnectionSettingsError);
                for (const name of [
                    "PINGONE_CLIENT_ID",
                    "PINGONE_CLIENT_SECRET",
                    "PINGONE_ENVIRONMENT_ID",
                    "PINGONE_API_ACCESS_TOKEN",
                    "pingone:clientId",
                    "pingone:clientSecret",
                    "connection",
                ]) {
                    assert.ok(e.message.includes(name), `message names ${name}: ${e.message}`);
                }
                return true;
            },
        );
        assert.throws(
            () => resolveConnection([env({ PINGONE_CLIENT_ID: "x" })]),
            /PINGONE_CLIENT_ID is set in environment variables but PINGONE_CLIENT_SECRET is not/,
        );
        assert.throws(() => resolveConnection([config({ "pingone:clientSecret": "x" })]), /set pingone:clientId/);
        assert.throws(
            () => resolveConnection([env({ PINGONE_CLIENT_ID: "x", PINGONE_CLIENT_SECRET: "y" })]),
            /set PINGONE_ENVIRONMENT_ID/,
        );
    });

    it("falls back to the resource's environment for the token when none is set", () => {
        const c = resolveConnection([env({ PINGONE_CLIENT_ID: "x", PINGONE_CLIENT_SECRET: "y" })], "res-env");
        assert.equal(c.credentials.kind === "clientCredentials" && c.credentials.environmentId, "res-env");
    });
});
