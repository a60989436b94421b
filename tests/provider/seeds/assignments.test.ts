import { strict as assert } from "node:assert";
import { loadAssignmentsFile, parseAssignments, SeedFileError } from "../../../provider/seeds";
import { fixturePath, readFixture } from "../../support/seedFixtures";

describe("seeds/assignments", () => {
    it("reads serialNumber,username rows, keeping leading zeros", () => {
        const result = parseAssignments(readFixture("seeds", "assignments.csv"), { file: "a.csv" });
        assert.deepEqual(result.assignments, [
            {
                serialNumber: "000123456",
                username: "alice",
                location: { file: "a.csv", line: 2, serialNumber: "000123456" },
            },
            {
                serialNumber: "000123457",
                username: "bob@example.com",
                location: { file: "a.csv", line: 3, serialNumber: "000123457" },
            },
        ]);
    });

    it("reports a duplicate serial, a missing serial and a missing user by line", () => {
        const result = parseAssignments(readFixture("seeds", "assignments.csv"), { file: "a.csv" });
        assert.deepEqual(
            result.problems.map((p) => p.location.line),
            [4, 5, 6],
        );
        assert.match(result.problems[0]?.message ?? "", /000123456 is already assigned at line 2/);
        assert.match(result.problems[1]?.message ?? "", /serial number is missing/i);
        assert.match(result.problems[2]?.message ?? "", /no user is given/i);
    });

    it("a `user` column becomes userId for a UUID and username otherwise", () => {
        const file = fixturePath("seeds", "assignments-userid.csv");
        const result = loadAssignmentsFile(file);
        assert.deepEqual(
            result.assignments.map((a) => [a.serialNumber, a.userId, a.username]),
            [
                ["1234567", "5f1c2a3e-8d4b-4c6e-9a7f-0b1c2d3e4f50", undefined],
                ["1234568", undefined, "helga@contoso.com"],
            ],
        );
        assert.equal(result.assignments[0]?.location.file, file);
        assert.deepEqual(
            result.problems.map((p) => [p.location.line, p.location.serialNumber]),
            [[4, "1234-569"]],
        );
    });

    it("a userId column must hold UUIDs", () => {
        const text = "serialNumber,userId\n0001,5F1C2A3E-8D4B-4C6E-9A7F-0B1C2D3E4F50\n0002,alice\n";
        const result = parseAssignments(text);
        assert.deepEqual(
            result.assignments.map((a) => a.userId),
            ["5F1C2A3E-8D4B-4C6E-9A7F-0B1C2D3E4F50"],
        );
        assert.match(result.problems[0]?.message ?? "", /userId "alice" is not a UUID/);
        assert.equal(result.problems[0]?.location.line, 3);
    });

    it("accepts a headerless serial,user file", () => {
        const result = parseAssignments("0001,alice\n0002,0b1c2d3e-8d4b-4c6e-9a7f-5f1c2a3e4f50\n");
        assert.deepEqual(
            result.assignments.map((a) => [a.serialNumber, a.username, a.userId]),
            [
                ["0001", "alice", undefined],
                ["0002", undefined, "0b1c2d3e-8d4b-4c6e-9a7f-5f1c2a3e4f50"],
            ],
        );
    });

    it("a headerless file of another shape, or a header without a user column, is a SeedFileError", () => {
        assert.throws(
            () => parseAssignments("0001,alice,extra\n"),
            (error: unknown) => error instanceof SeedFileError && /needs a header row/.test(error.message),
        );
        assert.throws(
            () => parseAssignments("serial,model\n0001,c200\n"),
            (error: unknown) => error instanceof SeedFileError && /no user column/.test(error.message),
        );
    });

    it("an empty file is a problem", () => {
        const result = parseAssignments("serialNumber,username\n");
        assert.deepEqual(result.assignments, []);
        assert.match(result.problems[0]?.message ?? "", /no assignment rows/);
    });
});
