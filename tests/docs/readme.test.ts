import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

const repoRoot = path.resolve(__dirname, "../../..");

/** The README and the pages of docs/, repository-relative. */
const pages = [
    "README.md",
    ...fs
        .readdirSync(path.join(repoRoot, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
];
const read = (page: string) => fs.readFileSync(path.join(repoRoot, page), "utf8");

/**
 * The README is a first screen; the reference is in docs/. Their TypeScript blocks compile as written,
 * against the package's public entry point, and their relative links lead somewhere.
 */
describe("README and docs/", function () {
    this.timeout(120_000);
    const blocks = pages.flatMap((page) =>
        [...read(page).matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => ({ page, code: m[1] })),
    );

    it("keeps the README to a first screen: what it is, the two commands, a program, the links (40 lines)", () => {
        const readme = read("README.md");
        const lines = readme.trimEnd().split("\n");
        assert.ok(lines.length <= 40, `README.md has ${lines.length} lines`);
        assert.match(readme, /npm ci && npm run demo/);
        assert.match(readme, /^npm test\b/m);
        assert.match(readme, /new OathTokenFleet\(/);
        // Every page of docs/ is found from the README, by its links or the pages they lead to.
        const reached = new Set(["README.md"]);
        for (const page of reached) {
            for (const [, target] of read(page).matchAll(/\]\(([^)#\s]+\.md)(#[^)]*)?\)/g)) {
                const linked = path.normalize(path.join(path.dirname(page), target));
                if (pages.includes(linked)) reached.add(linked);
            }
        }
        assert.deepEqual(
            pages.filter((p) => !reached.has(p)),
            [],
        );
    });

    it("links only to files and headings that exist", () => {
        const broken: string[] = [];
        const anchor = (heading: string) =>
            heading
                .toLowerCase()
                .replace(/[^\p{L}\p{N} _-]/gu, "")
                .replace(/ /g, "-");
        for (const page of pages) {
            for (const [, target] of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
                if (/^(https?:|mailto:)/.test(target)) continue;
                const [file, hash] = target.split("#");
                const resolved = file ? path.join(path.dirname(page), file) : page;
                if (!fs.existsSync(path.join(repoRoot, resolved))) {
                    broken.push(`${page}: ${target}`);
                } else if (hash && resolved.endsWith(".md")) {
                    const headings = [...read(resolved).matchAll(/^#+ (.*)$/gm)].map((m) => anchor(m[1]));
                    if (!headings.includes(hash)) broken.push(`${page}: ${target} (no such heading)`);
                }
            }
        }
        assert.deepEqual(broken, []);
    });

    it("has TypeScript blocks, and each compiles as written (strict, imports of pulumi-pingone-oath)", () => {
        assert.ok(blocks.length >= 2, "the README and docs/ show the API in ```ts blocks");
        // Each block is a module of its own, as a user would paste it into index.ts.
        const folder = fs.mkdtempSync(path.join(repoRoot, "dist", "readme-"));
        try {
            const files = blocks.map(({ page, code }, i) => {
                const file = path.join(folder, `${path.basename(page, ".md")}-block${i + 1}.ts`);
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
