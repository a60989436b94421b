// The PingOne client: HTTP, auth, retries, pacing and PingOne's error envelope. Knows nothing of Pulumi.
export { ConnectionSettingsError } from "./errors";
export { pingOneRegions } from "./regions";
export {
    chosenEmulatorStateFile,
    connectionSettingsFromConfig,
    connectionSettingsFromEnv,
    connectionSettingsFromInput,
    resolveConnection,
    type ConnectionSettings,
    type ResolvedConnection,
} from "./connection";
export { defaultClientOptions, resolveClientOptions } from "./clientOptions";
export { PingOneClient } from "./pingOneClient";
export { resetAccessTokenSources } from "./accessTokens";
