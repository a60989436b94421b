import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * `User-Agent` of every request this client sends (API calls and token requests), e.g.
 * `pulumi-pingone-oath/0.1.0`: a tenant admin reading PingOne's audit log, and the project's contract
 * tests reading the emulator's exchange log, tell this client's calls from everyone else's by it.
 */
export const userAgent = `pulumi-pingone-oath/${packageVersion()}`;

function packageVersion(): string {
    // dist/provider/client/ -> the package root, in the repository and in an installed package alike.
    try {
        const manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
            version?: string;
        };
        return manifest.version ?? "0.0.0";
    } catch {
        return "0.0.0";
    }
}
