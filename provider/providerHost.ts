import type * as pulumi from "@pulumi/pulumi";
import {
    type ConnectionSettings,
    ConnectionSettingsError,
    PingOneClient,
    chosenEmulatorStateFile,
    connectionSettingsFromConfig,
    connectionSettingsFromEnv,
    connectionSettingsFromInput,
    resolveClientOptions,
    resolveConnection,
} from "./client";
import { embeddedEmulatorConnection } from "./embeddedEmulator";
import { ResourceError } from "./errors";
import {
    type SecretReference,
    describeSecretReference,
    howToSet,
    isSecretReference,
    resolveSecretReference,
} from "./secretReference";

/**
 * State of the provider host process, shared by every resource type's implementation: the stack
 * config handed over by `configure`. Never serialized: this module is `require`d inside the host.
 */
let stackConfig: ((key: string) => string | undefined) | undefined;

export function configureFromStack(request: pulumi.dynamic.ConfigureRequest): void {
    const config = request.config;
    stackConfig = (key) => config.get(key);
}

/** A stack config value (`namespace:key`) as `configure` handed it over; undefined before configure. */
export function stackConfigValue(key: string): string | undefined {
    return stackConfig?.(key);
}

/**
 * A PingOne client for one resource: its `connection` input first, then stack config, then the
 * environment. Credentials are read here, when a method runs, never when the program is serialized.
 */
export async function clientFor(
    connection: ConnectionSettings | undefined,
    environmentId: string,
): Promise<PingOneClient> {
    const sources = settingsSources(connection);
    const emulatorStateFile = chosenEmulatorStateFile(sources);
    const resolved = emulatorStateFile
        ? await embeddedEmulatorConnection(emulatorStateFile, environmentId)
        : resolveConnection(sources, environmentId);
    return PingOneClient.forConnection(resolved, resolveClientOptions(stackConfig), logInfo);
}

/**
 * What is wrong with how a resource would reach PingOne (no credentials, half a pair, an unknown region,
 * a bad client setting), found without a call: so `pulumi preview` says it, not `pulumi up`.
 */
export function connectionProblem(
    connection: ConnectionSettings | undefined,
    environmentId: string,
): string | undefined {
    try {
        const sources = settingsSources(connection);
        if (!chosenEmulatorStateFile(sources)) resolveConnection(sources, environmentId);
        resolveClientOptions(stackConfig);
        return undefined;
    } catch (error) {
        if (error instanceof ConnectionSettingsError) return error.message;
        throw error;
    }
}

function settingsSources(connection: ConnectionSettings | undefined) {
    const sources = [connectionSettingsFromInput(connection)];
    if (stackConfig) sources.push(connectionSettingsFromConfig(stackConfig));
    sources.push(connectionSettingsFromEnv());
    return sources;
}

/**
 * A secret given as a value or by reference (`SecretReference`), as the provider host sees it.
 * @throws ResourceError naming the config key or variable that is not set (check reports that first).
 */
export function secretValue(value: string | SecretReference): string {
    if (!isSecretReference(value)) return value;
    const resolved = resolveSecretReference(value, stackConfig);
    if (resolved === undefined) {
        throw new ResourceError(`The ${describeSecretReference(value)} is not set: ${howToSet(value)}.`);
    }
    return resolved;
}

/** What is wrong with a referenced secret (not set, or refused by `rule`), for check; never echoes it. */
export function referencedSecretProblem(
    ref: SecretReference,
    rule: (value: string) => string | undefined,
): string | undefined {
    const value = resolveSecretReference(ref, stackConfig);
    if (value === undefined) return `The ${describeSecretReference(ref)} is not set: ${howToSet(ref)}.`;
    const problem = rule(value);
    return problem ? `${problem} (read from the ${describeSecretReference(ref)}).` : undefined;
}

/** Logs through the engine when connected, else stdout (which the engine shows as info). */
export function logInfo(message: string): void {
    // Loaded when needed, from wherever the host resolves @pulumi/pulumi: this module is also loaded by
    // tests outside any Pulumi run.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("@pulumi/pulumi") as typeof pulumi).log.info(message);
}

/** A warning through the engine when connected, else stdout. */
export function logWarn(message: string): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require("@pulumi/pulumi") as typeof pulumi).log.warn(message);
}
