import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { codeFromCommand } from "../../../provider/otp/otpFromCommand";
import { fakeYkmanCommand, rfc4226Codes } from "../../support/fixtures";

describe("codes from a command", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "otp-command-"));

    it("reads the code a command prints, and the next one on the next run", async () => {
        const counter = path.join(dir, "read");
        assert.equal(await codeFromCommand(fakeYkmanCommand(counter)), rfc4226Codes[0]);
        assert.equal(await codeFromCommand(fakeYkmanCommand(counter)), rfc4226Codes[1]);
        assert.equal(await codeFromCommand(`echo 'PingOne:alice  ${rfc4226Codes[3]}'`), rfc4226Codes[3]);
    });

    it("says what went wrong with a failing or silent command", async () => {
        await assert.rejects(
            codeFromCommand("echo 'no YubiKey detected' >&2; exit 2"),
            /otpCommand .* failed \(2\): no YubiKey detected/,
        );
        await assert.rejects(codeFromCommand("echo hello"), /printed no 6 to 8 digit code/);
    });
});
