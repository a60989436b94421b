import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const repoRoot = path.resolve(__dirname, "../../..");

/** The README's TypeScript blocks compile as written, against the package's public entry point. */
describe("README code", function () {
    this.timeout(120_000);
    const readme = fs.readFileSync(path.join(repoRoot, "README.md"), "utf8");
    const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1]);

    it("has TypeScript blocks, and each compiles as written (strict, imports of pulumi-pingone-oath)", () => {
        assert.ok(blocks.length >= 1, "the README shows the API in ```ts blocks");
        // Each block is a module of its own, as a user would paste it into index.ts.
        const folder = fs.mkdtempSync(path.join(repoRoot, "dist", "readme-"));
        try {
            const files = blocks.map((code, i) => {
                const file = path.join(folder, `block${i + 1}.ts`);
                fs.writeFileSync(file, code);
                return file;
            });
            const program = ts.createProgram(files, {
                strict: true,
                noEmit: true,
                target: ts.ScriptTarget.ES2022,
                module: ts.ModuleKind.CommonJS,
                moduleResolution: ts.ModuleResolutionKind.Node10,
                esModuleInterop: true,
                skipLibCheck: true,
                types: ["node"],
                typeRoots: [path.join(repoRoot, "node_modules/@types")],
                baseUrl: repoRoot,
                // What `npm install pulumi-pingone-oath` resolves to: the package's `types` entry.
                paths: { "pulumi-pingone-oath": ["provider/index.ts"] },
            });
            const problems = ts
                .getPreEmitDiagnostics(program)
                .map(
                    (d) =>
                        `${d.file ? path.basename(d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
                );
            assert.deepEqual(problems, []);
        } finally {
            fs.rmSync(folder, { recursive: true, force: true });
        }
    });
});
