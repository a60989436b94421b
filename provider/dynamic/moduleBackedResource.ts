import * as pulumi from "@pulumi/pulumi";
import { type ConnectionSettings } from "../client/connection";
import { hostEntrySpecifier, type ProviderExportName } from "./lazyProvider";

/**
 * How a resource reaches PingOne, overriding stack config (`pingone:*`) and the `PINGONE_*` variables;
 * every field optional, see `ConnectionSettings`. The resources store it as a secret.
 */
export type ConnectionArgs = { [K in keyof ConnectionSettings]?: pulumi.Input<string> };

/**
 * The `__provider` text the dynamic provider host loads: a CommonJS module whose `handler()` returns the
 * provider. Pulumi's closure serialization of even a small stub takes over 2 KB, stored twice per
 * resource; this hand-written module is a few hundred bytes. It names no path: the engine runs refresh,
 * update and delete with the text stored in state, so it resolves the package from the folder the
 * command runs in (the project's `node_modules`, or the package's own folder), never from the checkout
 * that created the resource.
 */
export function providerModuleText(exportName: ProviderExportName): string {
    const [specifier, name] = [hostEntrySpecifier, exportName].map((s) => JSON.stringify(s));
    return (
        `exports.handler = function () {\n` +
        `  var dir = process.cwd(), m;\n` +
        `  try { m = require("module").createRequire(require("path").join(dir, "package.json"))(${specifier}); }\n` +
        `  catch (e) { throw new Error("Run npm install in " + dir + ": " + e.message); }\n` +
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
        exportName: ProviderExportName,
        name: string,
        props: Record<string, unknown>,
        opts: pulumi.CustomResourceOptions | undefined,
        secretOutputs: string[],
    ) {
        const additionalSecretOutputs = [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secretOutputs])];
        super(
            `pulumi-nodejs:dynamic/pingone:${type}`,
            name,
            { ...props, __provider: providerModuleText(exportName) },
            { ...opts, additionalSecretOutputs },
        );
        warnOfSecretInputs(this, props.connection);
    }
}

let warnedOfConnectionSecrets = false;

/**
 * Credentials given in `connection` are resource inputs: stored encrypted, but printed by Pulumi's Node SDK
 * in its debug log of every registered resource (`-v=9`, `--debug`, the event log the Automation API reads),
 * and kept in the outputs so refresh and destroy can reach PingOne. Said once per program run.
 */
function warnOfSecretInputs(resource: pulumi.Resource, connection: unknown): void {
    if (warnedOfConnectionSecrets || connection === undefined) return;
    pulumi.output(connection).apply((value) => {
        const given = value as Record<string, unknown> | undefined;
        if (
            warnedOfConnectionSecrets ||
            !given ||
            (given.clientSecret === undefined && given.apiAccessToken === undefined)
        )
            return;
        warnedOfConnectionSecrets = true;
        pulumi.log.warn(
            "connection.clientSecret / connection.apiAccessToken are resource inputs: Pulumi stores them encrypted, but its SDK " +
                "prints resource inputs and outputs in its debug logs (-v=9, --debug, the event log). Set them as stack config " +
                "instead (pulumi config set --secret pingone:clientSecret ...) or as PINGONE_CLIENT_SECRET / PINGONE_API_ACCESS_TOKEN.",
            resource,
        );
    });
}
