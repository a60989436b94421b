/**
 * What the dynamic provider host loads (package subpath `pulumi-pingone-oath/provider-host`): the
 * provider implementations, by the export names that resources store in their `__provider` text.
 *
 * A composition root, like index.ts: it imports the resource folders and nothing imports it, so every
 * import in provider/ points down (tests/provider/importGraph.test.ts). Whole modules are re-exported:
 * a resource names its provider as a `keyof typeof` its provider module, which the compiler checks, and
 * whatever such a module exports is here.
 */
export * from "./activation/activationProvider";
export * from "./inventory/oathTokenProvider";
export * from "./pairing/oathTokenDeviceProvider";
export * from "./fleet/oathTokenBatchProvider";
