/**
 * Where a secret is read from, by name, so the secret itself never becomes a resource input. Pulumi's Node
 * SDK prints every registered resource's inputs in its debug log during preview (`-v=9`, `--debug`, the
 * event log the Automation API reads), secrets included; a reference is resolved in the provider host.
 *
 * - `{ config: "myproject:fob1Seed" }`: stack config, set with `pulumi config set --secret myproject:fob1Seed ...`
 *   (the provider host receives the stack's config from the engine).
 * - `{ env: "FOB1_SEED" }`: an environment variable of the `pulumi` command.
 */
export type SecretReference = { config: string } | { env: string };

export function isSecretReference(value: unknown): value is SecretReference {
    if (!value || typeof value !== "object" || Array.isArray(value)) return false;
    const keys = Object.keys(value);
    return (
        keys.length === 1 &&
        (keys[0] === "config" || keys[0] === "env") &&
        typeof (value as Record<string, unknown>)[keys[0]!] === "string"
    );
}

/** "stack config myproject:key" / "environment variable VAR": how messages name a reference. */
export function describeSecretReference(ref: SecretReference): string {
    return "env" in ref ? `environment variable ${ref.env}` : `stack config ${ref.config}`;
}

/**
 * The secret a reference names, or undefined when it is not set.
 * @param readConfig stack config (the provider host's `configure`, or the program's own config).
 */
export function resolveSecretReference(
    ref: SecretReference,
    readConfig: ((key: string) => string | undefined) | undefined,
    env: NodeJS.ProcessEnv = process.env,
): string | undefined {
    const value = "env" in ref ? env[ref.env] : readConfig?.(ref.config);
    return value === undefined || value === "" ? undefined : value;
}

/** What to do when a reference is not set: the command that sets it. */
export function howToSet(ref: SecretReference): string {
    return "env" in ref
        ? `set it in the environment of the pulumi command (export ${ref.env}=...)`
        : `set it: pulumi config set --secret ${ref.config} <value>`;
}
