// Issue 8's loader bullet: size and token-count caps, linear CSV layout detection, a named
// error for deep nesting, invalid UTF-8 refused with its line, UTF-16 with a BOM read.

import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
    DEFAULT_MAX_FILE_BYTES,
    DEFAULT_MAX_TOKENS,
    loadAssignmentsFile,
    loadSeedFile,
    parsePskc,
    parseSeedCsv,
} from "../../../provider/seeds";
import {
    RFC4226_SECRET_HEX,
    expectSeedFileError,
    rfcFigure,
    describeWithSharedFixtures,
} from "../../support/seedFixtures";

describeWithSharedFixtures("seeds/limits", () => {
    let dir: string;
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "seeds-limits-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, content: string | Buffer): string => {
        const file = path.join(dir, name);
        writeFileSync(file, content);
        return file;
    };
    const rows = (count: number): string =>
        Array.from({ length: count }, (_, i) => `${String(i).padStart(9, "0")},${RFC4226_SECRET_HEX}`).join("\n") +
        "\n";

    it("defaults: 20 MB per file and 100,000 tokens (PingOne's cap per environment)", () => {
        assert.equal(DEFAULT_MAX_FILE_BYTES, 20 * 1024 * 1024);
        assert.equal(DEFAULT_MAX_TOKENS, 100_000);
    });

    it("a file above the size cap is refused before it is read, naming its size and the option", () => {
        const file = write("big.csv", rows(10));
        expectSeedFileError(
            () => loadSeedFile(file, { maxFileBytes: 100 }),
            /big\.csv: the seed file is 510 bytes, above the 100 bytes limit.*maxFileBytes option, --max-bytes/,
        );
        assert.equal(loadSeedFile(file, { maxFileBytes: 1000 }).tokens.length, 10);
    });

    it("more tokens than the cap refuse the file (CSV and PSKC), naming where the cap was hit", () => {
        const csv = write("many.csv", rows(3));
        expectSeedFileError(
            () => loadSeedFile(csv, { maxTokens: 2 }),
            /many\.csv: the file holds more than 2 tokens \(line 3 is token 3\).*maxTokens option, --max-tokens/,
        );
        const packages = Array.from(
            { length: 3 },
            (_, i) => `<KeyPackage><DeviceInfo><SerialNo>S${i}</SerialNo></DeviceInfo>
      <Key Id="${i}" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp"><Data><Secret><PlainValue>MTIzNDU2Nzg5MDEyMzQ1Njc4OTA=</PlainValue></Secret></Data></Key></KeyPackage>`,
        );
        const xml = `<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">${packages.join("")}</KeyContainer>`;
        expectSeedFileError(
            () => parsePskc(xml, { file: "many.pskcxml", maxTokens: 2 }),
            /many\.pskcxml: the file holds more than 2 tokens \(KeyPackage 3/,
        );
    });

    it("CSV layout detection is linear: 4x the rows take well under 16x the time (it was quadratic)", function () {
        this.timeout(60_000);
        const time = (count: number): number => {
            const text = rows(count);
            const start = process.hrtime.bigint();
            const result = parseSeedCsv(text, { maxTokens: count });
            assert.equal(result.tokens.length, count);
            return Number(process.hrtime.bigint() - start);
        };
        time(2_000); // warm up
        const small = time(20_000);
        const large = time(80_000);
        assert.ok(large / small < 8, `80k rows took ${(large / small).toFixed(1)}x the time of 20k rows`);
    });

    it("elements nested beyond 100 levels are refused by name, not with the parser's raw message", () => {
        const deep = `<KeyContainer Version="1.0">${"<a>".repeat(150)}x${"</a>".repeat(150)}</KeyContainer>`;
        const error = expectSeedFileError(
            () => parsePskc(deep, { file: "deep.pskcxml" }),
            /deep\.pskcxml: not a PSKC file: elements are nested more than 100 levels deep/,
        );
        assert.doesNotMatch(error.message, /Maximum nested tags exceeded/);
    });

    it("invalid UTF-8 is refused with its line (not turned into U+FFFD), for seed and assignments files", () => {
        const bytes = Buffer.concat([
            Buffer.from("serialNumber,username\n0001,alice\n0002,j"),
            Buffer.from([0xf6]),
            Buffer.from("rg\n"),
        ]);
        const file = write("latin1.csv", bytes);
        expectSeedFileError(
            () => loadAssignmentsFile(file),
            /latin1\.csv: line 3 is not valid UTF-8 \(byte 40 of the file, 0xf6\).*save it as UTF-8/,
        );
        const seeds = write(
            "seeds-latin1.csv",
            Buffer.concat([Buffer.from(`0001,${RFC4226_SECRET_HEX}\n`), Buffer.from([0xe9, 0x0a])]),
        );
        expectSeedFileError(() => loadSeedFile(seeds), /line 2 is not valid UTF-8/);
    });

    it("UTF-16 with a byte-order mark (LE and BE) is read; UTF-16 without one is refused clearly", () => {
        const text = `0001,${RFC4226_SECRET_HEX}\r\n0002,${RFC4226_SECRET_HEX}\r\n`;
        const le = write("le.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
        assert.deepEqual(
            loadSeedFile(le).tokens.map((t) => t.serialNumber),
            ["0001", "0002"],
        );
        const beBody = Buffer.from(text, "utf16le");
        beBody.swap16();
        const be = write("be.csv", Buffer.concat([Buffer.from([0xfe, 0xff]), beBody]));
        assert.deepEqual(
            loadSeedFile(be).tokens.map((t) => t.serialNumber),
            ["0001", "0002"],
        );
        const pskc = write(
            "le.pskcxml",
            Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(rfcFigure(3), "utf16le")]),
        );
        assert.equal(loadSeedFile(pskc).tokens[0]?.secret, RFC4226_SECRET_HEX);
        const noBom = write("nobom.csv", Buffer.from(text, "utf16le"));
        expectSeedFileError(
            () => loadSeedFile(noBom),
            /NUL bytes near its start: it looks like UTF-16 or UTF-32 without a byte-order mark; save it as UTF-8/,
        );
    });
});
