/**
 * What the dynamic provider host loads (package subpath `pulumi-pingone-oath/provider-host`): the
 * provider implementations, by the export names that resources store in their `__provider` text.
 */
export { oathTokenActivationProvider } from "../activation/activationProvider";
export { oathTokenProvider } from "../inventory/oathTokenProvider";
export { oathTokenDeviceProvider } from "../pairing/oathTokenDeviceProvider";
export { oathTokenBatchProvider } from "../fleet/oathTokenBatchProvider";
