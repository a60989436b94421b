import * as path from "node:path";
import type * as pulumi from "@pulumi/pulumi";

/**
 * A dynamic provider whose serialized text only says where the real one lives.
 *
 * Pulumi serializes the provider object into every resource's state (twice). Capturing the real
 * implementation would drag its whole module graph, by value, into that text. This stub captures two
 * strings and `require`s the compiled module inside the provider host instead: first by absolute path
 * (this checkout), then by package name (an installed copy, e.g. after the project moved).
 */
export function lazyProvider(absoluteModulePath: string, packageModulePath: string, exportName: string): pulumi.dynamic.ResourceProvider {
    const load = (): pulumi.dynamic.ResourceProvider => {
        let loaded: Record<string, pulumi.dynamic.ResourceProvider>;
        try {
            loaded = require(absoluteModulePath);
        } catch (error) {
            try {
                loaded = require(packageModulePath);
            } catch {
                throw error;
            }
        }
        return loaded[exportName];
    };
    return {
        configure: (req) => load().configure!(req),
        check: (olds, news) => load().check!(olds, news),
        diff: (id, olds, news) => load().diff!(id, olds, news),
        create: (inputs) => load().create(inputs),
        read: (id, props) => load().read!(id, props),
        update: (id, olds, news) => load().update!(id, olds, news),
        delete: (id, props) => load().delete!(id, props),
    };
}

/** `dist/provider/...` path of a compiled module, as seen from the package root. */
export function packagePath(absoluteModulePath: string): string {
    const marker = `${path.sep}dist${path.sep}`;
    const index = absoluteModulePath.lastIndexOf(marker);
    const relative = index >= 0 ? absoluteModulePath.slice(index + 1) : absoluteModulePath;
    return `pulumi-pingone-oath/${relative.split(path.sep).join("/")}`;
}
