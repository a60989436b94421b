// The check-seeds command: one row per token, every problem, never a secret, secrets only from
// environment variables, and an exit status a roll-out script can stop on.

import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { main } from "../../../provider/seeds/checkSeedsCli";
import {
    REPO_ROOT,
    RFC4226_SECRET_HEX,
    fixturePath,
    sharedFixturePath,
    describeWithSharedFixtures,
} from "../../support/seedFixtures";

function run(argv: string[], env: NodeJS.ProcessEnv = {}): { code: number; out: string; err: string } {
    const out: string[] = [];
    const err: string[] = [];
    const code = main(argv, { out: (line) => out.push(line), err: (line) => err.push(line), env });
    return { code, out: out.join("\n"), err: err.join("\n") };
}

const corpus = (...parts: string[]): string => sharedFixturePath("pskc-corpus", ...parts);
const PSK = "12345678901234567890123456789012";

describeWithSharedFixtures("seeds/check-seeds command", () => {
    it("prints one row per token with its assigned user, every problem, and exits 1 when a token was refused", () => {
        const { code, out } = run([
            "check-seeds",
            fixturePath("seeds", "pingid.csv"),
            "--assignments",
            fixturePath("seeds", "assignments.csv"),
        ]);
        assert.equal(code, 1);
        const lines = out.split("\n");
        assert.match(lines[0] ?? "", /^SERIAL\s+TYPE\s+DIGITS\s+HASH\s+COUNTER\/STEP\s+USER\s+FROM$/);
        assert.match(
            lines[1] ?? "",
            /^000123456\s+HOTP\s+6\s+HmacSHA1\s+counter 0\s+alice\s+line 3 \(assumed: type, digits\)$/,
        );
        assert.match(lines[2] ?? "", /^000123457\s+HOTP\s+6\s+HmacSHA1\s+counter 5\s+bob@example\.com\s+line 4/);
        assert.match(lines[3] ?? "", /^000123460\s+HOTP\s+6\s+HmacSHA1\s+counter 0\s+-\s+line 8/);
        assert.match(out, /error: .*pingid\.csv line 6 \(serial 000123458\): the secret is not hex/);
        assert.match(
            out,
            /error: .*assignments\.csv line 4 \(serial 000123456\): serial number 000123456 is already assigned/,
        );
        assert.match(out, /warning: .*pingid\.csv: .*assumed: type HOTP \(3 tokens\)/);
        assert.match(out, /3 token\(s\) loaded, 5 refused, 1 warning\(s\)$/);
        // Never a secret: neither the loaded ones nor the malformed ones.
        for (const secret of [
            RFC4226_SECRET_HEX,
            "deadbeefdeadbeef",
            "GEZDGNBVGY3TQOJQ",
            "313233343536373839303132333435363738393",
        ]) {
            assert.ok(!out.toLowerCase().includes(secret.toLowerCase()), `output shows ${secret}`);
        }
    });

    it("reads the pre-shared key from an environment variable and exits 0 when every token loads", () => {
        const { code, out } = run(
            ["check-seeds", corpus("original/multiotp/pskc-totp-aes.txt"), "--pre-shared-key-env", "SEED_KEY"],
            { SEED_KEY: PSK },
        );
        assert.equal(code, 0);
        assert.match(out, /ZZ1000000001\s+TOTP\s+6\s+HmacSHA256\s+step 30s\s+-\s+KeyPackage 3/);
        assert.match(out, /4 token\(s\) loaded, 0 refused, 0 warning\(s\)/);
        assert.ok(!out.includes(PSK));
    });

    it("reads the passphrase from an environment variable; an unset variable is a usage error", () => {
        const ok = run(
            ["check-seeds", sharedFixturePath("pskc-rfc6030", "figure7.pskcxml"), "--passphrase-env", "PSKC_PASS"],
            { PSKC_PASS: "qwerty" },
        );
        assert.equal(ok.code, 0);
        assert.match(ok.out, /987654321\s+HOTP\s+8\s+HmacSHA1\s+counter 0/);
        const missing = run([
            "check-seeds",
            sharedFixturePath("pskc-rfc6030", "figure7.pskcxml"),
            "--passphrase-env",
            "PSKC_PASS",
        ]);
        assert.equal(missing.code, 2);
        assert.match(missing.err, /the environment variable PSKC_PASS is not set/);
    });

    it("refuses secrets on the command line", () => {
        const { code, err, out } = run([
            "check-seeds",
            sharedFixturePath("pskc-rfc6030", "figure7.pskcxml"),
            "--passphrase",
            "qwerty",
        ]);
        assert.equal(code, 2);
        assert.match(err, /secrets are read only from environment variables, never from the command line/);
        assert.ok(!err.includes("qwerty") && !out.includes("qwerty"));
    });

    it("--type and --time-step give the values a PingID file does not carry", () => {
        const { code, out } = run([
            "check-seeds",
            fixturePath("seeds", "pingid.csv"),
            "--type",
            "TOTP",
            "--time-step",
            "60",
        ]);
        assert.equal(code, 1); // the file's two malformed rows
        assert.match(out, /000123456\s+TOTP\s+6\s+HmacSHA1\s+step 60s/);
        assert.match(out, /type TOTP \(3 tokens, from the defaults option\)/);
    });

    it("--format forces a layout; an unknown one is a usage error", () => {
        assert.equal(run(["check-seeds", fixturePath("seeds", "privacyidea.csv"), "--format", "privacyidea"]).code, 1);
        const bad = run(["check-seeds", fixturePath("seeds", "privacyidea.csv"), "--format", "rsa"]);
        assert.equal(bad.code, 2);
        assert.match(bad.err, /--format rsa is not one of auto, pskc, pingid/);
    });

    it("a refused file exits 2 naming the file and the reason", () => {
        const { code, err } = run(["check-seeds", corpus("original/invalid/wrongversion.pskcxml")]);
        assert.equal(code, 2);
        assert.match(err, /wrongversion\.pskcxml: refused, no token can be loaded from it/);
        assert.match(err, /unsupported PSKC Version "1\.2"/);
    });

    it("without the check-seeds command or file it prints the usage and exits 2", () => {
        assert.equal(run([]).code, 2);
        assert.match(run(["check"]).err, /unknown command "check"/);
        assert.equal(run(["--help"]).code, 0);
    });

    it("runs as a program (#!/usr/bin/env node), as the package's bin will", () => {
        assert.equal(
            readFileSync(path.join(REPO_ROOT, "provider/seeds/checkSeedsCli.ts"), "utf8").split("\n")[0],
            "#!/usr/bin/env node",
        );
        const script = path.resolve(__dirname, "../../../provider/seeds/checkSeedsCli.js");
        const child = spawnSync(
            process.execPath,
            [script, "check-seeds", sharedFixturePath("pskc-rfc6030", "figure6.pskcxml"), "--pre-shared-key-env", "K"],
            {
                env: { ...process.env, K: PSK },
                encoding: "utf8",
            },
        );
        assert.equal(child.status, 0, child.stderr);
        assert.match(child.stdout, /987654321\s+HOTP\s+8\s+HmacSHA1\s+counter 0/);
        assert.ok(!child.stdout.includes(RFC4226_SECRET_HEX));
    });
});
