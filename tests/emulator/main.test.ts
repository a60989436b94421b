// The CLI as a user runs it: a child process that prints how to connect, serves the sample
// tenant, and exits cleanly on SIGTERM.
import assert from "node:assert/strict";
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, SAMPLE_ENVIRONMENT_ID } from "../../emulator";

const MAIN = join(__dirname, "..", "..", "emulator", "main.js");

function waitForOutput(child: ChildProcessWithoutNullStreams, pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
        let output = "";
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got: ${output}`)), 10_000);
        child.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString();
            if (pattern.test(output)) {
                clearTimeout(timer);
                resolve(output);
            }
        });
        child.on("exit", (code) => reject(new Error(`exited with ${code} before printing ${pattern}; got: ${output}`)));
    });
}

describe("emulator: CLI (node dist/emulator/main.js)", () => {
    it("serves the sample tenant, prints the env vars to set, and stops on SIGTERM", async () => {
        const child = spawn(process.execPath, [MAIN, "--port", "0", "--latency", "0"]);
        try {
            const output = await waitForOutput(child, /Press Ctrl\+C/);
            const apiUrl = /PINGONE_API_URL=(\S+)/.exec(output)?.[1];
            const authUrl = /PINGONE_AUTH_URL=(\S+)/.exec(output)?.[1];
            assert.match(apiUrl ?? "", /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
            assert.match(output, new RegExp(`PINGONE_ENVIRONMENT_ID=${SAMPLE_ENVIRONMENT_ID}`));
            assert.match(output, new RegExp(`PINGONE_CLIENT_ID=${SAMPLE_CLIENT_ID}`));
            assert.match(output, new RegExp(`PINGONE_CLIENT_SECRET=${SAMPLE_CLIENT_SECRET}`));

            const token = await fetch(`${authUrl}/${SAMPLE_ENVIRONMENT_ID}/as/token`, {
                method: "POST",
                headers: { "Content-Type": "application/x-www-form-urlencoded" },
                body: new URLSearchParams({
                    grant_type: "client_credentials",
                    client_id: SAMPLE_CLIENT_ID,
                    client_secret: SAMPLE_CLIENT_SECRET,
                }),
            });
            assert.equal(token.status, 200);
            const { access_token } = (await token.json()) as { access_token: string };
            const users = await fetch(
                `${apiUrl}/environments/${SAMPLE_ENVIRONMENT_ID}/users?filter=${encodeURIComponent('username eq "bob"')}`,
                {
                    headers: { Authorization: `Bearer ${access_token}` },
                },
            );
            assert.equal(((await users.json()) as { count: number }).count, 1);

            const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
            child.kill("SIGTERM");
            assert.equal(await exited, 0);
        } finally {
            if (child.exitCode === null) child.kill("SIGKILL");
        }
    });

    it("refuses unknown arguments with a usage line and exit code 2", async () => {
        const child = spawn(process.execPath, [MAIN, "--bogus"]);
        let stderr = "";
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
        assert.equal(code, 2);
        assert.match(stderr, /unknown argument --bogus/);
        assert.match(stderr, /usage:/);
    });

    it("says which port is busy and what to do, instead of a stack trace", async () => {
        const { createServer } = await import("node:net");
        const busy = createServer();
        await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
        const port = (busy.address() as { port: number }).port;
        try {
            const child = spawn(process.execPath, [MAIN, "--port", String(port)]);
            let stderr = "";
            child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
            assert.equal(code, 1);
            assert.match(stderr, new RegExp(`port ${port} is already in use .*--port N`));
            assert.doesNotMatch(stderr, /\n\s+at /);
        } finally {
            busy.close();
        }
    });
});
