import { PingOneOathError } from "../errors";
import { execFile } from "node:child_process";

/**
 * Runs a command that prints a token's current code (e.g. `ykman oath accounts code -s NAME` for a
 * YubiKey, whose seed cannot be read back) and returns the code. Runs only when a code is needed, so a
 * HOTP counter is spent only then. The output is never logged: it is a live credential.
 */
export function codeFromCommand(command: string, timeoutMs = 60_000): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile("/bin/sh", ["-c", command], { timeout: timeoutMs, maxBuffer: 64 * 1024 }, (error, stdout, stderr) => {
            if (error) {
                const why = error.killed
                    ? `timed out after ${timeoutMs / 1000} s`
                    : `failed (${error.code ?? error.signal})`;
                reject(
                    new PingOneOathError(
                        `The otpCommand \`${command}\` ${why}: ${String(stderr).trim().slice(0, 300) || "no error output"}`,
                        { cause: error },
                    ),
                );
                return;
            }
            // The last 6-8 digit group: ykman prints either the bare code (-s) or "NAME  CODE".
            const codes = String(stdout).match(/\b\d{6,8}\b/g);
            if (!codes) {
                reject(
                    new PingOneOathError(
                        `The otpCommand \`${command}\` printed no 6 to 8 digit code; it should print the token's current code.`,
                    ),
                );
                return;
            }
            resolve(codes[codes.length - 1]);
        });
    });
}
