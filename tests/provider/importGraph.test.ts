import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/**
 * The house's layout as a rule: provider/ is layered, and every import points down (or sideways within a
 * layer, without a cycle between its folders). The composition roots, index.ts (the SDK) and hostEntry.ts
 * (what the provider host loads), sit on top and nothing imports them. The emulator knows nothing of the
 * provider. Type-only imports count: a type import back up a layer ties the layers together as much as a
 * value import does.
 */
const repoRoot = path.resolve(__dirname, "../../..");
const providerDir = path.join(repoRoot, "provider");

/** Bottom first. An entry ending in "/" is a folder; otherwise a file directly in provider/. */
const layers: { name: string; units: string[] }[] = [
    { name: "foundations", units: ["errors.ts", "secretReference.ts", "model/"] },
    { name: "PingOne's API and the vendors' files", units: ["client/", "otp/", "seeds/"] },
    { name: "the provider host's services", units: ["validation.ts", "embeddedEmulator.ts", "providerHost.ts"] },
    { name: "dynamic-resource plumbing", units: ["dynamic/"] },
    { name: "resources", units: ["inventory/", "pairing/", "activation/"] },
    { name: "the fleet", units: ["fleet/"] },
    { name: "composition roots", units: ["index.ts", "hostEntry.ts"] },
];
const compositionRoots = new Set(["index.ts", "hostEntry.ts"]);

function sourceFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => path.relative(providerDir, path.join(e.parentPath, e.name)));
}

/** Relative imports of a file, resolved to repo-relative paths: import/export from, import("..."), require. */
function importsOf(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    const { importedFiles } = ts.preProcessFile(text, true, true);
    return importedFiles
        .map((f) => f.fileName)
        .filter((name) => name.startsWith("."))
        .map((name) => {
            const target = path.resolve(path.dirname(file), name);
            for (const candidate of [`${target}.ts`, path.join(target, "index.ts")]) {
                if (fs.existsSync(candidate)) return path.relative(repoRoot, candidate);
            }
            throw new Error(`${path.relative(repoRoot, file)} imports ${name}, which resolves to no .ts file`);
        });
}

const unitOf = (file: string) => (file.includes("/") ? `${file.split("/")[0]}/` : file);

describe("provider/'s import graph", () => {
    const files = sourceFiles(providerDir);
    const layerOf = new Map(layers.flatMap((layer, rank) => layer.units.map((unit) => [unit, rank] as const)));
    const edges = files.flatMap((from) =>
        importsOf(path.join(providerDir, from))
            .filter((to) => to.startsWith("provider/"))
            .map((to) => ({ from, to: to.slice("provider/".length) })),
    );

    it("places every module of provider/ in a layer", () => {
        const unplaced = files.filter((f) => !layerOf.has(unitOf(f)));
        assert.deepEqual(unplaced, [], "add them to the layers in this test, where their imports put them");
        assert.ok(files.length > 40, `read ${files.length} modules`);
    });

    it("imports only downwards, or within a layer", () => {
        const upward = edges
            .filter(({ from, to }) => layerOf.get(unitOf(to))! > layerOf.get(unitOf(from))!)
            .map(({ from, to }) => `${from} (${layers[layerOf.get(unitOf(from))!].name}) imports ${to}`);
        assert.deepEqual(upward, []);
    });

    it("has no cycle between the folders (or top-level files) of one layer", () => {
        const next = new Map<string, Set<string>>();
        for (const { from, to } of edges) {
            const [a, b] = [unitOf(from), unitOf(to)];
            if (a !== b && layerOf.get(a) === layerOf.get(b)) next.set(a, (next.get(a) ?? new Set()).add(b));
        }
        const reaches = (start: string, goal: string, seen = new Set<string>()): boolean =>
            [...(next.get(start) ?? [])].some(
                (n) => n === goal || (!seen.has(n) && (seen.add(n), reaches(n, goal, seen))),
            );
        const cyclic = [...next.keys()].filter((unit) => reaches(unit, unit));
        assert.deepEqual(cyclic, []);
    });

    it("leaves the composition roots unimported", () => {
        const intoRoots = edges.filter(({ to }) => compositionRoots.has(to)).map(({ from, to }) => `${from} -> ${to}`);
        assert.deepEqual(intoRoots, []);
    });

    it("keeps the emulator free of the provider", () => {
        const emulatorDir = path.join(repoRoot, "emulator");
        const intoProvider = fs
            .readdirSync(emulatorDir, { recursive: true, encoding: "utf8" })
            .filter((f) => f.endsWith(".ts"))
            .flatMap((f) => importsOf(path.join(emulatorDir, f)).map((to) => `emulator/${f} -> ${to}`))
            .filter((edge) => edge.includes("-> provider/"));
        assert.deepEqual(intoProvider, []);
    });
});
