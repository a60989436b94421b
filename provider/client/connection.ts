import { ConnectionSettingsError } from "./errors";
import { isRegionCode, pingOneRegions } from "./regions";

/** How to reach and authenticate to PingOne. Every field is optional; see `resolveConnection`. */
export interface ConnectionSettings {
    /** Client id of a PingOne worker application (client credentials grant). */
    clientId?: string;
    /** Secret of that worker application. */
    clientSecret?: string;
    /** Environment the worker application lives in (where its token is issued). */
    environmentId?: string;
    /** A ready access token, instead of client credentials. */
    apiAccessToken?: string;
    /** `NA` (default), `EU`, `CA`, `AU`, `SG` or `AP`. */
    regionCode?: string;
    /** Full API base URL, e.g. `http://127.0.0.1:8788/v1`; overrides the region. */
    apiUrl?: string;
    /** Full auth base URL, e.g. `http://127.0.0.1:8788`; overrides the region. */
    authUrl?: string;
    /**
     * Instead of PingOne: the embedded PingOne emulator, started inside the provider host on a free
     * loopback port, serving the tenant kept in this JSON file (a path relative to the Pulumi project
     * folder, the one with `Pulumi.yaml`). The file must exist: create it with
     * `PingOneEmulator.ensureStateFile`. For demos and tests; never chosen unless set.
     */
    emulatorStateFile?: string;
}

export type ConnectionField = keyof ConnectionSettings;

/** One place settings can come from, with the names a user would set there. */
export interface SettingsSource {
    /** e.g. "environment variables" */
    description: string;
    settings: ConnectionSettings;
    /** What the user sets, per field, in this source (e.g. `PINGONE_CLIENT_ID`). */
    names: Record<ConnectionField, string>;
}

export type Credentials =
    | { kind: "clientCredentials"; clientId: string; clientSecret: string; environmentId: string }
    | { kind: "accessToken"; accessToken: string };

export interface ResolvedConnection {
    apiUrl: string;
    authUrl: string;
    credentials: Credentials;
}

/** Every connection setting, in the order messages list them. */
export const connectionFields: readonly ConnectionField[] = [
    "clientId",
    "clientSecret",
    "environmentId",
    "apiAccessToken",
    "regionCode",
    "apiUrl",
    "authUrl",
    "emulatorStateFile",
];

export function connectionSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SettingsSource {
    const apiHost = nonEmpty(env.PINGONE_API_SERVICE_HOSTNAME);
    const authHost = nonEmpty(env.PINGONE_AUTH_SERVICE_HOSTNAME);
    if (!!apiHost !== !!authHost) {
        throw new ConnectionSettingsError(
            "PINGONE_API_SERVICE_HOSTNAME and PINGONE_AUTH_SERVICE_HOSTNAME go together: set both or neither.",
        );
    }
    return {
        description: "environment variables",
        settings: {
            clientId: nonEmpty(env.PINGONE_CLIENT_ID),
            clientSecret: nonEmpty(env.PINGONE_CLIENT_SECRET),
            environmentId: nonEmpty(env.PINGONE_ENVIRONMENT_ID),
            apiAccessToken: nonEmpty(env.PINGONE_API_ACCESS_TOKEN),
            // PINGONE_REGION is the deprecated name the Terraform provider still reads.
            regionCode: nonEmpty(env.PINGONE_REGION_CODE) ?? nonEmpty(env.PINGONE_REGION),
            apiUrl: nonEmpty(env.PINGONE_API_URL) ?? (apiHost ? `https://${apiHost}/v1` : undefined),
            authUrl: nonEmpty(env.PINGONE_AUTH_URL) ?? (authHost ? `https://${authHost}` : undefined),
            emulatorStateFile: nonEmpty(env.PINGONE_EMULATOR_STATE_FILE),
        },
        names: {
            clientId: "PINGONE_CLIENT_ID",
            clientSecret: "PINGONE_CLIENT_SECRET",
            environmentId: "PINGONE_ENVIRONMENT_ID",
            apiAccessToken: "PINGONE_API_ACCESS_TOKEN",
            regionCode: "PINGONE_REGION_CODE",
            apiUrl: "PINGONE_API_URL",
            authUrl: "PINGONE_AUTH_URL",
            emulatorStateFile: "PINGONE_EMULATOR_STATE_FILE",
        },
    };
}

/** Stack config under the `pingone:` namespace, as `configure` hands it to the provider. */
export function connectionSettingsFromConfig(get: (key: string) => string | undefined): SettingsSource {
    const settings: ConnectionSettings = {};
    const names = {} as Record<ConnectionField, string>;
    for (const field of connectionFields) {
        names[field] = `pingone:${field}`;
        settings[field] = nonEmpty(get(`pingone:${field}`));
    }
    return { description: "stack config", settings, names };
}

export function connectionSettingsFromInput(settings: ConnectionSettings | undefined): SettingsSource {
    const names = {} as Record<ConnectionField, string>;
    const cleaned: ConnectionSettings = {};
    for (const field of connectionFields) {
        names[field] = `connection.${field}`;
        cleaned[field] = nonEmpty(settings?.[field]);
    }
    return { description: "the resource's `connection` input", settings: cleaned, names };
}

/**
 * The emulator state file to serve instead of PingOne, when the first source that says how to
 * authenticate names one (so a resource's own credentials always beat an emulator set in stack config).
 */
export function chosenEmulatorStateFile(sources: SettingsSource[]): string | undefined {
    const source = credentialSourceOf(sources);
    const stateFile = source?.settings.emulatorStateFile;
    if (stateFile === undefined) return undefined;
    const { settings: s, names, description } = source!;
    if (s.clientId !== undefined || s.clientSecret !== undefined || s.apiAccessToken !== undefined) {
        throw new ConnectionSettingsError(
            `Both the embedded emulator (${names.emulatorStateFile}) and PingOne credentials are set in ${description}: set one, not both.`,
        );
    }
    return stateFile;
}

function credentialSourceOf(sources: SettingsSource[]): SettingsSource | undefined {
    return sources.find(
        ({ settings: s }) =>
            s.clientId !== undefined ||
            s.clientSecret !== undefined ||
            s.apiAccessToken !== undefined ||
            s.emulatorStateFile !== undefined,
    );
}

/**
 * Picks settings from the sources in order (first match wins). Credentials come whole from the first
 * source that has any, so a stray env var never mixes with a resource's own credentials.
 */
export function resolveConnection(sources: SettingsSource[], fallbackEnvironmentId?: string): ResolvedConnection {
    const first = (field: ConnectionField) => {
        for (const source of sources) {
            const value = source.settings[field];
            if (value !== undefined) return { value, source };
        }
        return undefined;
    };

    const apiUrl = first("apiUrl");
    const authUrl = first("authUrl");
    const region = first("regionCode");
    let regionUrls: { apiUrl: string; authUrl: string } = pingOneRegions.NA;
    if (region) {
        const code = region.value.toUpperCase();
        if (!isRegionCode(code)) {
            throw new ConnectionSettingsError(
                `Unknown PingOne region "${region.value}" in ${region.source.names.regionCode} (${region.source.description}): ` +
                    `use one of ${Object.keys(pingOneRegions).join(", ")}.`,
            );
        }
        regionUrls = pingOneRegions[code];
    }
    const resolvedApiUrl = trimSlash(apiUrl?.value ?? regionUrls.apiUrl);
    const resolvedAuthUrl = trimSlash(authUrl?.value ?? regionUrls.authUrl);
    for (const [url, found] of [
        [resolvedApiUrl, apiUrl],
        [resolvedAuthUrl, authUrl],
    ] as const) {
        if (found && !/^https?:\/\/[^/]+/.test(url)) {
            throw new ConnectionSettingsError(
                `${found.source.names[found === apiUrl ? "apiUrl" : "authUrl"]} (${found.source.description}) is not an http(s) URL: "${url}".`,
            );
        }
    }

    const credentialSource = credentialSourceOf(sources);
    if (!credentialSource || credentialSource.settings.emulatorStateFile !== undefined) {
        throw new ConnectionSettingsError(
            "No PingOne credentials found. Set PINGONE_CLIENT_ID, PINGONE_CLIENT_SECRET and PINGONE_ENVIRONMENT_ID " +
                "(or PINGONE_API_ACCESS_TOKEN) in the environment, or the stack config pingone:clientId, " +
                "pingone:clientSecret (as a secret: `pulumi config set --secret pingone:clientSecret ...`) and " +
                "pingone:environmentId, or the resource's `connection` input.",
        );
    }
    const { settings: s, names, description } = credentialSource;
    if (s.apiAccessToken !== undefined) {
        if (s.clientId !== undefined || s.clientSecret !== undefined) {
            throw new ConnectionSettingsError(
                `Both an access token (${names.apiAccessToken}) and client credentials (${names.clientId}) are set in ${description}: set one, not both.`,
            );
        }
        return {
            apiUrl: resolvedApiUrl,
            authUrl: resolvedAuthUrl,
            credentials: { kind: "accessToken", accessToken: s.apiAccessToken },
        };
    }
    if (s.clientId === undefined) {
        throw new ConnectionSettingsError(
            `${names.clientSecret} is set in ${description} but ${names.clientId} is not: set ${names.clientId}.`,
        );
    }
    if (s.clientSecret === undefined) {
        throw new ConnectionSettingsError(
            `${names.clientId} is set in ${description} but ${names.clientSecret} is not: set ${names.clientSecret}.`,
        );
    }
    const environmentId = s.environmentId ?? first("environmentId")?.value ?? fallbackEnvironmentId;
    if (!environmentId) {
        throw new ConnectionSettingsError(
            `Client credentials need the worker application's environment: set ${names.environmentId} (${description}).`,
        );
    }
    return {
        apiUrl: resolvedApiUrl,
        authUrl: resolvedAuthUrl,
        credentials: { kind: "clientCredentials", clientId: s.clientId, clientSecret: s.clientSecret, environmentId },
    };
}

function nonEmpty(value: string | undefined): string | undefined {
    if (value === undefined || value === null) return undefined;
    const trimmed = String(value).trim();
    return trimmed === "" ? undefined : trimmed;
}

function trimSlash(url: string): string {
    return url.replace(/\/+$/, "");
}
