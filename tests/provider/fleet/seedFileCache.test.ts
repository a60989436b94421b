// The seed file is parsed once per process and file version, and a shard reads only its own KeyPackages
// (issue 18): what a shard gets must be exactly what the whole file gives for its serials.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pskcDocument, randomTokens } from "../../../dev/pskcFile";
import { fingerprintedSeeds } from "../../../provider/fleet/seedFileReference";
import { inShard } from "../../../provider/fleet/shards";
import { loadSeedFile } from "../../../provider/seeds";

describe("seed file: parsed once per process, a shard reads only its seeds", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "seed-cache-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const write = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };

    it("a shard's tokens and problems are the whole file's for its serials, at the file's KeyPackage positions", () => {
        const tokens = randomTokens(60, "SHD");
        // Broken KeyPackages (no secret) come last in the file: their problems must keep their positions.
        const broken = ["SHDX1", "SHDX2", "SHDX3", "SHDX4", "SHDX5", "SHDX6"];
        const file = write("tokens.pskcxml", pskcDocument(tokens, broken));
        const whole = loadSeedFile(file);
        assert.equal(whole.tokens.length, 60);
        let seen = 0;
        for (let index = 0; index < 3; index++) {
            const shard = { index, count: 3 };
            const keep = (serial: string) => inShard(serial, shard);
            const part = loadSeedFile(file, { serialFilter: keep });
            const expected = whole.tokens.filter((t) => keep(t.serialNumber));
            assert.deepEqual(part.tokens, expected);
            assert.deepEqual(
                part.problems,
                whole.problems.filter((p) => p.location.serialNumber === undefined || keep(p.location.serialNumber)),
            );
            seen += part.tokens.length;
        }
        assert.equal(seen, 60, "the shards together hold every token once");
        assert.ok(
            whole.problems.some((p) => (p.location.keyPackage ?? 0) > 60),
            "the broken KeyPackages are reported at their positions after the 60 good ones",
        );
    });

    it("a shard does not parse other shards' KeyPackages: one the schema refuses fails only its own shard", () => {
        const tokens = randomTokens(30, "SCH");
        const bad = tokens[7]!.serialNumber;
        const parts = pskcDocument(tokens).split("<KeyPackage>");
        // parts[0] is the header; KeyPackage i is parts[i + 1].
        parts[8] = parts[8]!.replace('Length="6"', 'Length="TWELVE"');
        const file = write("schema.pskcxml", parts.join("<KeyPackage>"));
        assert.throws(() => loadSeedFile(file), /KeyPackage 8: .*does not follow the PSKC schema/);
        const badShard = [0, 1, 2, 3].find((index) => inShard(bad, { index, count: 4 }))!;
        const other = { index: (badShard + 1) % 4, count: 4 };
        const part = loadSeedFile(file, { serialFilter: (serial) => inShard(serial, other) });
        assert.ok(part.tokens.length > 0);
        assert.ok(part.tokens.every((t) => inShard(t.serialNumber, other)));
        assert.throws(
            () => loadSeedFile(file, { serialFilter: (serial) => inShard(serial, { index: badShard, count: 4 }) }),
            /KeyPackage 8: .*does not follow the PSKC schema/,
        );
    });

    it("cuts the file only where it is safe: with a comment in it, the whole file is parsed and then filtered", () => {
        const tokens = randomTokens(12, "CMT");
        const text = pskcDocument(tokens).replace(
            "<KeyPackage>",
            "<!-- <KeyPackage><DeviceInfo><SerialNo>CMT00001</SerialNo></DeviceInfo></KeyPackage> -->\n<KeyPackage>",
        );
        const file = write("commented.pskcxml", text);
        const keep = (serial: string) => serial === "CMT00003";
        const part = loadSeedFile(file, { serialFilter: keep });
        assert.deepEqual(
            part.tokens.map((t) => [t.serialNumber, t.location.keyPackage]),
            [["CMT00003", 3]],
        );
    });

    it("loads a file once per version and shard: the same answer object until the file changes", () => {
        const file = write("cached.pskcxml", pskcDocument(randomTokens(20, "CCH")));
        const first = fingerprintedSeeds(file, {});
        assert.equal(fingerprintedSeeds(file, {}), first, "a second ask is answered from the cache");
        const shard = fingerprintedSeeds(file, {}, { index: 0, count: 2 });
        assert.notEqual(shard, first);
        assert.ok(shard.bySerial.size < first.bySerial.size);
        assert.equal(fingerprintedSeeds(file, {}, { index: 0, count: 2 }), shard);
        // Other options are another entry (they can change what is read).
        assert.notEqual(fingerprintedSeeds(file, { defaults: { digits: 8 } }), first);

        // An edited file (another size and modification time) is read again.
        fs.writeFileSync(file, pskcDocument(randomTokens(21, "CCH")));
        fs.utimesSync(file, new Date(), new Date(Date.now() + 5_000));
        const edited = fingerprintedSeeds(file, {});
        assert.notEqual(edited, first);
        assert.equal(edited.bySerial.size, 21);
        for (const [serial, { seed, fingerprint }] of edited.bySerial) {
            assert.equal(seed.serialNumber, serial);
            assert.match(fingerprint, /^[A-Za-z0-9_-]{22}$/);
        }
    });

    it("a file that cannot be read is the loader's error, naming it, and is not cached", () => {
        const missing = path.join(dir, "missing.pskcxml");
        assert.throws(() => fingerprintedSeeds(missing, {}), /missing\.pskcxml/);
        fs.writeFileSync(missing, pskcDocument(randomTokens(3, "LATE")));
        assert.equal(fingerprintedSeeds(missing, {}).bySerial.size, 3);
    });
});
