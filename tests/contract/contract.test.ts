import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PingOneEmulator, type ExchangeRecord } from "../../emulator";
import { ApiContract, contractFile } from "../../dev/apiContract";
import { resetAccessTokenSources } from "../../provider/client";
import { clientForConnection, rfcSecretHex } from "../support/fixtures";

type Json = Record<string, unknown>;

/** "request /type", "response status", ...: what a check blamed, in the order it found it. */
const sidesAndFields = (result: ReturnType<ApiContract["check"]>) =>
    result.violations.map((v) => `${v.side} ${v.field}`);

/** Every object schema's properties under `node`, with the JSON path that leads to each. */
function properties(node: unknown, at: string, found: { at: string; schema: Json }[] = []) {
    if (Array.isArray(node)) node.forEach((item, i) => properties(item, `${at}/${i}`, found));
    else if (node && typeof node === "object") {
        for (const [key, value] of Object.entries(node as Json)) {
            if (key === "properties" && value && typeof value === "object") {
                for (const [name, schema] of Object.entries(value as Json))
                    found.push({ at: `${at}/properties/${name}`, schema: schema as Json });
            }
            properties(value, `${at}/${key}`, found);
        }
    }
    return found;
}

function exchange(overrides: Partial<ExchangeRecord> & Pick<ExchangeRecord, "method" | "path">): ExchangeRecord {
    return { at: 0, query: "", request: {}, outcome: "answered", ...overrides };
}

const envId = "5f0d5a4e-1c2b-4e7a-9b3d-8a6f2c1e0d9b";
const userId = "a11ce000-0000-4000-8000-000000000001";
const devicesPath = `/v1/environments/${envId}/users/${userId}/devices`;

describe("PingOne API contract (tests/contract/pingone.openapi.json)", () => {
    const contract = ApiContract.load();
    const document = JSON.parse(fs.readFileSync(contractFile, "utf8")) as {
        paths: Record<string, Record<string, Json>>;
    };

    it("gives every operation and every field its source: a PingOne page, or 'undocumented' and what the emulator assumes", () => {
        const operations = Object.values(document.paths).flatMap((item) => Object.values(item));
        assert.ok(operations.length >= 20, `only ${operations.length} operations`);
        for (const operation of operations) {
            const sources = operation["x-source"] as string[] | undefined;
            assert.ok(
                Array.isArray(sources) && sources.length > 0 && sources.every((s) => /^https:\/\//.test(s)),
                `${String(operation.operationId)} has no x-source`,
            );
        }
        const fields = properties(document, "#");
        const unsourced = fields.filter(({ schema }) => !schema["x-source"] && !schema["x-undocumented"]);
        assert.deepEqual(
            unsourced.map((f) => f.at),
            [],
            "fields without x-source or x-undocumented",
        );
        assert.ok(fields.length >= 100, `only ${fields.length} fields`);
    });

    it("names the call and the field when a client request breaks it: unknown field, missing field, media type, query", () => {
        const ua = { userAgent: "pulumi-pingone-oath/0.1.0", authorization: "Bearer" };
        const unknownField = contract.check(
            exchange({
                method: "POST",
                path: devicesPath,
                request: { ...ua, contentType: "application/json", body: { type: "OATH_TOKEN", serial: "FOB1" } },
            }),
            { checkRequest: true },
        );
        const fields = sidesAndFields(unknownField);
        assert.ok(fields.includes("request /serial"), fields.join("; "));
        assert.ok(fields.includes("request /serialNumber"), fields.join("; "));
        assert.match(
            unknownField.violations[0].call,
            /^POST \/v1\/environments\/\{[^}]+\}\/users\/\{[^}]+\}\/devices \(/,
        );

        const mediaType = contract.check(
            exchange({
                method: "POST",
                path: `${devicesPath}/d1`,
                request: { ...ua, contentType: "application/json", body: { otp: "123456" } },
            }),
            { checkRequest: true },
        );
        assert.deepEqual(
            mediaType.violations.map((v) => v.field),
            ["Content-Type"],
        );

        const query = contract.check(
            exchange({
                method: "GET",
                path: `/v1/environments/${envId}/oathTokens`,
                query: "sort=serialNumber",
                request: ua,
            }),
            { checkRequest: true },
        );
        assert.deepEqual(
            query.violations.map((v) => v.field),
            ["query.sort"],
        );

        const nowhere = contract.check(
            exchange({ method: "GET", path: `/v1/environments/${envId}/groups`, request: ua }),
            {
                checkRequest: true,
            },
        );
        assert.deepEqual(sidesAndFields(nowhere), ["request path"]);
    });

    it("names the call and the field when an answer breaks it: an unlisted status, an invented field, a missing header", () => {
        const status = contract.check(
            exchange({
                method: "DELETE",
                path: `${devicesPath}/d1`,
                response: { status: 200, headers: {} },
            }),
            { checkRequest: false },
        );
        assert.deepEqual(sidesAndFields(status), ["response status"]);

        const invented = contract.check(
            exchange({
                method: "GET",
                path: `${devicesPath}/d1`,
                response: {
                    status: 404,
                    headers: { "content-type": "application/json" },
                    body: { id: "e1", code: "NOT_FOUND", message: "Unable to find the device.", hint: "x" },
                },
            }),
            { checkRequest: false },
        );
        assert.deepEqual(sidesAndFields(invented), ["response /hint"]);

        const noRetryAfter = contract.check(
            exchange({
                method: "GET",
                path: `${devicesPath}/d1`,
                outcome: "rate-limited",
                response: {
                    status: 429,
                    headers: { "content-type": "application/json" },
                    body: { id: "e2", code: "REQUEST_LIMITED", message: "The request was rate limited." },
                },
            }),
            { checkRequest: false },
        );
        assert.deepEqual(sidesAndFields(noRetryAfter), ["response header Retry-After"]);
    });

    it("the emulator's exchange log keeps every secret out and every shape in", async () => {
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "exchange-log-"));
        const logFile = path.join(folder, "exchanges.jsonl");
        const emulator = await PingOneEmulator.start({ exchangeLog: logFile });
        try {
            const env = emulator.addEnvironment();
            const credentials = emulator.addClient(env.id);
            emulator.addUser(env.id, { username: "alice" });
            resetAccessTokenSources();
            const client = clientForConnection({
                apiUrl: emulator.apiUrl,
                authUrl: emulator.authUrl,
                clientId: credentials.clientId,
                clientSecret: credentials.clientSecret,
                environmentId: env.id,
            });
            const secret = rfcSecretHex;
            await client.createOathToken(env.id, {
                serialNumber: "LOG0001",
                secret,
                type: "HOTP",
                otpLength: 6,
                hashAlgorithm: "HmacSHA1",
            });
            const user = await client.findUserByUsername(env.id, "alice");
            const device = await client.createOathTokenDevice(env.id, user!.id, "LOG0001");
            await client.activateDevice(env.id, user!.id, device.id, "755224", false);
            const text = fs.readFileSync(logFile, "utf8");
            const records = text
                .trim()
                .split("\n")
                .map((line) => JSON.parse(line) as ExchangeRecord);
            assert.equal(records.length, 5, "token request, create token, find user, pair, activate");
            for (const hidden of [secret, "755224", credentials.clientSecret, ...emulator.issuedAccessTokens()])
                assert.ok(!text.includes(hidden), `the log holds a secret (${hidden.slice(0, 4)}...)`);
            assert.equal((records[1].request.body as Json).secret, "0".repeat(40), "the seed's shape: 40 digits");
            assert.equal((records[4].request.body as Json).otp, "000000", "the OTP's shape: 6 digits");
            assert.equal(records[0].request.authorization, "Basic");
            assert.match(records[0].request.userAgent ?? "", /^pulumi-pingone-oath\/\d+\.\d+\.\d+/);
            const violations = records.flatMap((r) => contract.check(r, { checkRequest: true }).violations);
            assert.deepEqual(violations, []);
        } finally {
            await emulator.stop();
            fs.rmSync(folder, { recursive: true, force: true });
        }
    });
});
