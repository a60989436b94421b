import type * as pulumi from "@pulumi/pulumi";

/** The package subpath of provider/hostEntry.ts, as `package.json` `exports` names it. */
export const hostEntrySpecifier = "pulumi-pingone-oath/provider-host";

/**
 * An export of provider/hostEntry.ts. The resources pass it as
 * `"fooProvider" satisfies keyof typeof fooProviderModule`, so the compiler checks the name against
 * the module hostEntry re-exports (this folder imports no resource: the entry sits above them all).
 */
export type ProviderExportName = string;

/**
 * A dynamic provider whose serialized text only says where the real one lives, for your own
 * `pulumi.dynamic.Resource`.
 *
 * Pulumi serializes the provider object into every resource's state, and uses the stored text for
 * refresh, update and delete. So the text names no path: inside the provider host it resolves the
 * package from the folder the command runs in (the Pulumi project, whose `node_modules` holds the
 * package; or the package's own folder), so a moved or re-cloned checkout runs its own code.
 */
export function lazyProvider<I, O>(exportName: ProviderExportName): pulumi.dynamic.ResourceProvider<I, O> {
    // Pulumi serializes this closure: `require` keeps it self-contained (no module captured by value).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const load = (): pulumi.dynamic.ResourceProvider<I, O> => {
        const from = require("path").join(process.cwd(), "package.json");
        return require("module").createRequire(from)(hostEntrySpecifier)[exportName];
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
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
