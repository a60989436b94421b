import * as pulumi from "@pulumi/pulumi";
import { packagePath } from "./lazyProvider";

/** Where a provider implementation lives: a compiled module of this package and its export. */
export interface ProviderImplementation {
    /** Absolute path of the compiled module (from `require.resolve`). */
    modulePath: string;
    exportName: string;
}

/**
 * The `__provider` text the dynamic provider host loads: a CommonJS module whose `handler()` returns the
 * provider. Pulumi's closure serialization of even a small stub takes over 2 KB, stored twice per
 * resource; this hand-written module takes about 300 bytes and says the same thing: require the compiled
 * implementation, by absolute path (this checkout) or else by package name (an installed copy).
 */
export function providerModuleText({ modulePath, exportName }: ProviderImplementation): string {
    const [local, installed, name] = [modulePath, packagePath(modulePath), exportName].map((s) => JSON.stringify(s));
    return (
        `exports.handler = function () {\n` +
        `  var m;\n` +
        `  try { m = require(${local}); } catch (e) { try { m = require(${installed}); } catch (_) { throw e; } }\n` +
        `  return m[${name}];\n` +
        `};\n`
    );
}

/**
 * A dynamic resource (type token `pulumi-nodejs:dynamic/pingone:<type>`, run by Pulumi's Node.js
 * dynamic provider host) whose provider is a compiled module of this package rather than a serialized
 * closure. It is what `pulumi.dynamic.Resource` does, with a smaller `__provider`.
 */
export abstract class ModuleBackedResource extends pulumi.CustomResource {
    /**
     * `secretOutputs`: outputs stored encrypted. The engine re-marks an output only when its key equals a
     * secret input's key; naming them here also covers keys the provider adds.
     */
    protected constructor(
        type: string,
        implementation: ProviderImplementation,
        name: string,
        props: Record<string, unknown>,
        opts: pulumi.CustomResourceOptions | undefined,
        secretOutputs: string[],
    ) {
        const additionalSecretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secretOutputs])];
        super(`pulumi-nodejs:dynamic/pingone:${type}`, name, { ...props, __provider: providerModuleText(implementation) }, { ...opts, additionalSecretOutputs });
    }
}
