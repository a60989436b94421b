import { randomBytes, randomInt } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pskcDocument } from "../dev/pskcFile";

/** One generated hardware token and the user it goes to. */
export interface BenchToken {
    serialNumber: string;
    secretHex: string;
    counter: number;
    userId: string;
}

export interface BenchFiles {
    dir: string;
    /** Plain-value PSKC (RFC 6030), HOTP, 6 digits. */
    seedFile: string;
    /** `serialNumber,userId`: pairing needs no user look-up. */
    assignmentsFile: string;
    tokens: BenchToken[];
}

/**
 * N tokens with random 20-byte secrets and small random counters, one per user, written to a fresh
 * temp dir as the vendor's PSKC file and the admin's assignments CSV.
 */
export function writeBenchFiles(label: string, userIds: string[]): BenchFiles {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pingone-bench-${label}-`));
    const tokens: BenchToken[] = userIds.map((userId, i) => ({
        serialNumber: `BENCH${String(i + 1).padStart(6, "0")}`,
        secretHex: randomBytes(20).toString("hex"),
        counter: randomInt(0, 50),
        userId,
    }));
    const seedFile = path.join(dir, "tokens.pskcxml");
    const assignmentsFile = path.join(dir, "assignments.csv");
    fs.writeFileSync(seedFile, pskcDocument(tokens));
    fs.writeFileSync(
        assignmentsFile,
        ["serialNumber,userId", ...tokens.map((t) => `${t.serialNumber},${t.userId}`)].join("\n") + "\n",
    );
    return { dir, seedFile, assignmentsFile, tokens };
}

export function removeBenchFiles(files: BenchFiles): void {
    fs.rmSync(files.dir, { recursive: true, force: true });
}
