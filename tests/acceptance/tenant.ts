import {
    PingOneClient,
    connectionSettingsFromEnv,
    resolveClientOptions,
    resolveConnection,
    type ResolvedConnection,
} from "../../provider/client";
import { AmbiguousOutcomeError, PingOneApiError } from "../../provider/client/errors";
import { type Ledger } from "./ledger";

/**
 * The suite's own calls to the tenant, besides what `pulumi` does: it makes its test users, checks what the
 * stack left, and sweeps. Same variables as the provider (those of the Terraform provider), same client.
 */

/** The tenant of PINGONE_* (the Terraform provider's variables); its environment holds the test objects. */
export interface Tenant {
    client: PingOneClient;
    connection: ResolvedConnection;
    environmentId: string;
}

export function tenantFromEnv(env: NodeJS.ProcessEnv = process.env): Tenant {
    const connection = resolveConnection([connectionSettingsFromEnv(env)]);
    const environmentId = env.PINGONE_ENVIRONMENT_ID?.trim();
    if (!environmentId)
        throw new Error(
            "Set PINGONE_ENVIRONMENT_ID: the sandbox environment the suite creates its users and tokens in (the worker app's).",
        );
    return {
        client: PingOneClient.forConnection(connection, resolveClientOptions(undefined, env)),
        connection,
        environmentId,
    };
}

const usersPath = (t: Tenant) => `/environments/${encodeURIComponent(t.environmentId)}/users`;

/**
 * Creates the planned users (POST .../users, application/json: `username` and an `email` at example.com, which
 * takes no mail), noting each in the ledger before the call and its id after. A create whose answer was lost
 * is looked up by its exact username.
 */
export async function createUsers(tenant: Tenant, ledger: Ledger, usernames: string[]): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    for (const username of usernames) {
        ledger.userAsked(username);
        let id: string;
        try {
            const user = await tenant.client.http.request<{ id: string; username: string }>({
                method: "POST",
                path: usersPath(tenant),
                body: { username, email: `${username}@example.com` },
            });
            id = user.id;
        } catch (error) {
            if (!(error instanceof AmbiguousOutcomeError)) throw error;
            const found = await tenant.client.findUserByUsername(tenant.environmentId, username);
            if (!found) throw error;
            id = found.id;
        }
        ledger.userCreated(username, id);
        ids.set(username, id);
    }
    return ids;
}

export interface SweepReport {
    removed: string[];
    /** Planned, and not in the tenant (never created, or already removed). */
    absent: string[];
    /** Found under a planned name but not what this run made (another id): not touched. */
    leftAlone: string[];
    errors: string[];
}

/**
 * Removes what the ledger says this run created, and nothing else: each planned serial and username is
 * looked up by its exact value (never a listing by pattern), checked against the run's prefix and against
 * the id the ledger holds, then deleted. Tokens first (revoking unpairs their devices), then users (their
 * devices go with them). Never throws for one object: problems are collected, so every other object is
 * still removed.
 */
export async function sweep(tenant: Tenant, ledger: Ledger): Promise<SweepReport> {
    const { plan } = ledger;
    const report: SweepReport = { removed: [], absent: [], leftAlone: [], errors: [] };
    const env = tenant.environmentId;
    const serials = [...plan.singles.map((s) => s.serialNumber), ...plan.fleet.map((f) => f.serialNumber)];
    for (const serial of serials) {
        try {
            if (!serial.startsWith(plan.serialPrefix)) throw new Error(`serial ${serial} lacks ${plan.serialPrefix}`);
            const token = await tenant.client.findOathTokenBySerial(env, serial);
            const known = ledger.data.tokens[serial]?.id;
            if (!token) report.absent.push(`token ${serial}`);
            else if (token.serialNumber !== serial || (known !== undefined && known !== token.id))
                report.leftAlone.push(`token ${token.serialNumber} (${token.id}; this run's was ${known})`);
            else if (await tenant.client.deleteOathToken(env, token.id))
                report.removed.push(`token ${serial} (${token.id})`);
            else report.absent.push(`token ${serial}`);
        } catch (error) {
            report.errors.push(`token ${serial}: ${(error as Error).message}`);
        }
    }
    for (const [username, { id: known }] of Object.entries(ledger.data.users)) {
        try {
            if (!username.startsWith(plan.prefix)) throw new Error(`username ${username} lacks ${plan.prefix}`);
            const user = await tenant.client.findUserByUsername(env, username);
            if (!user) report.absent.push(`user ${username}`);
            else if (user.username.toLowerCase() !== username || (known !== undefined && known !== user.id))
                report.leftAlone.push(`user ${user.username} (${user.id}; this run's was ${known})`);
            else if (await deleteUser(tenant, user.id)) report.removed.push(`user ${username} (${user.id})`);
            else report.absent.push(`user ${username}`);
        } catch (error) {
            report.errors.push(`user ${username}: ${(error as Error).message}`);
        }
    }
    return report;
}

/** DELETE .../users/{id} (204); false when it was already gone (404). */
async function deleteUser(tenant: Tenant, userId: string): Promise<boolean> {
    try {
        await tenant.client.http.request<void>({
            method: "DELETE",
            path: `${usersPath(tenant)}/${encodeURIComponent(userId)}`,
        });
        return true;
    } catch (error) {
        if (error instanceof PingOneApiError && error.status === 404) return false;
        throw error;
    }
}

/** The report as the run prints it: what the ledger says was created, and what the sweep did. */
export function describeSweep(ledger: Ledger, report: SweepReport): string {
    const { plan, users } = ledger.data;
    const created = Object.entries(users).map(([name, { id }]) => `${name}${id ? ` (${id})` : " (id not recorded)"}`);
    const lines = [
        `acceptance sweep of ${plan.prefix} in environment ${ledger.data.environmentId} (ledger ${ledger.file}${ledger.fromFile ? "" : ": missing, plan rebuilt from the prefix"})`,
        `  ${ledger.fromFile ? "created" : "planned"} by the run: ${created.length} users: ${created.join(", ") || "none"}`,
        `  and through pulumi up, ${plan.singles.length + plan.fleet.length} tokens planned: ${plan.serialPrefix}S01..S${String(plan.singles.length).padStart(2, "0")}, ${plan.serialPrefix}F01..F${String(plan.fleet.length).padStart(2, "0")}`,
        `  removed (${report.removed.length}): ${report.removed.join(", ") || "nothing"}`,
        `  not in the tenant (${report.absent.length}): ${report.absent.join(", ") || "none"}`,
    ];
    if (report.leftAlone.length) lines.push(`  left alone, not this run's: ${report.leftAlone.join(", ")}`);
    if (report.errors.length) lines.push(`  FAILED: ${report.errors.join("; ")}`);
    return lines.join("\n");
}
