import type * as pulumi from "@pulumi/pulumi";
import { type ConnectionSettings } from "../client/connection";
import { AmbiguousOutcomeError, PingOneApiError } from "../client/errors";
import { type PingOneClient } from "../client/pingOneClient";
import { type MfaDevice } from "../client/types";
import { clientFor, configureFromStack, logInfo } from "../providerHost";
import { InputChecker, diffByKeys, isUnknown } from "../validation";

export interface OathTokenDeviceInputs {
    environmentId: string;
    userId?: string;
    username?: string;
    serialNumber: string;
    connection?: ConnectionSettings;
}

export interface OathTokenDeviceOutputs {
    environmentId: string;
    userId: string;
    username?: string;
    serialNumber: string;
    deviceId: string;
    status: string;
    /** The device already existed and was adopted. */
    adopted: boolean;
    connection?: ConnectionSettings;
}

const replaceKeys = ["environmentId", "userId", "username", "serialNumber"] as const;

export const oathTokenDeviceProvider: pulumi.dynamic.ResourceProvider<OathTokenDeviceInputs, OathTokenDeviceOutputs> = {
    async configure(request) {
        configureFromStack(request);
    },

    async check(_olds, news) {
        const n = news as unknown as Record<string, unknown>;
        const checker = new InputChecker(n);
        checker.pingOneId("environmentId", "PingOne environment id");
        const hasId = n.userId !== undefined && n.userId !== "";
        const hasName = n.username !== undefined && n.username !== "";
        if (!hasId && !hasName)
            checker.fail("userId", "Set userId (the user's UUID) or username (looked up in the environment).");
        if (hasId && hasName && !isUnknown(n.userId) && !isUnknown(n.username))
            checker.fail("username", "Set userId or username, not both.");
        if (hasId) checker.pingOneId("userId", "PingOne user id");
        if (hasName && !isUnknown(n.username) && typeof n.username !== "string")
            checker.fail("username", "username must be a string.");
        const serial = n.serialNumber;
        if (!isUnknown(serial) && (typeof serial !== "string" || !/^[A-Za-z0-9]{1,50}$/.test(serial))) {
            checker.fail(
                "serialNumber",
                "serialNumber is required: 1 to 50 letters and digits, the serial of a token in the environment's OATH inventory.",
            );
        }
        checker.connection();
        return { inputs: news, failures: checker.failures };
    },

    async diff(_id, olds, news) {
        const o = olds as unknown as Record<string, unknown>;
        const n = { ...(news as unknown as Record<string, unknown>) };
        // Outputs always hold the resolved userId; compare it only when the user gave one.
        if (n.userId === undefined) n.userId = o.userId;
        return diffByKeys(o, n, replaceKeys, ["connection"], true);
    },

    async create(inputs) {
        const client = await clientFor(inputs.connection, inputs.environmentId);
        const userId = await resolveUserId(client, inputs);
        const { device, adopted } = await pairOrAdopt(client, inputs, userId);
        return { id: device.id, outs: outputsOf(inputs, userId, device, adopted) };
    },

    async read(id, state) {
        if (!state) throw new Error(`Cannot refresh device ${id}: no prior state (import is not supported).`);
        const client = await clientFor(state.connection, state.environmentId);
        const device = await client.getDevice(state.environmentId, state.userId, id);
        if (!device) return {};
        return { id, props: outputsOf(state, state.userId, device, state.adopted) };
    },

    async update(id, olds, news) {
        const client = await clientFor(news.connection, news.environmentId);
        const device = await client.getDevice(news.environmentId, olds.userId, id);
        if (!device)
            throw new Error(
                `Device ${id} of user ${olds.userId} no longer exists in PingOne: run pulumi refresh, then pulumi up.`,
            );
        return { outs: outputsOf(news, olds.userId, device, olds.adopted) };
    },

    async delete(id, props) {
        const client = await clientFor(props.connection, props.environmentId);
        const deleted = await client.deleteDevice(props.environmentId, props.userId, id);
        logInfo(
            deleted
                ? `Removed device ${id} (token ${props.serialNumber}) from user ${props.userId}.`
                : `Device ${id} of user ${props.userId} was already gone.`,
        );
    },
};

async function resolveUserId(client: PingOneClient, inputs: OathTokenDeviceInputs): Promise<string> {
    // A given id is not read first: pairing answers 404 if the user does not exist.
    if (inputs.userId) return inputs.userId;
    const user = await client.findUserByUsername(inputs.environmentId, inputs.username!);
    if (!user)
        throw new Error(
            `No user named "${inputs.username}" in environment ${inputs.environmentId}: check the username (assignments file) or create the user first.`,
        );
    return user.id;
}

function findPaired(devices: MfaDevice[], serialNumber: string): MfaDevice | undefined {
    return devices.find((d) => d.type === "OATH_TOKEN" && d.serialNumber === serialNumber);
}

/**
 * Creating a device is not idempotent. PingOne refuses to pair a token twice, so the create goes first
 * (no read on the happy path); a refusal or an unclear answer leads to a look at the user's devices, and
 * a device with this serial there is adopted. No retry or re-run leaves two devices.
 */
async function pairOrAdopt(
    client: PingOneClient,
    inputs: OathTokenDeviceInputs,
    userId: string,
): Promise<{ device: MfaDevice; adopted: boolean }> {
    const who = `user ${inputs.username ?? userId}`;
    for (let attempt = 1; ; attempt++) {
        try {
            return {
                device: await client.createOathTokenDevice(inputs.environmentId, userId, inputs.serialNumber),
                adopted: false,
            };
        } catch (error) {
            const ambiguous = error instanceof AmbiguousOutcomeError;
            const paired = error instanceof PingOneApiError && error.hasDetail("UNIQUENESS_VIOLATION");
            if (ambiguous || paired) {
                const now = findPaired(await client.listDevices(inputs.environmentId, userId), inputs.serialNumber);
                if (now) {
                    logInfo(`Token ${inputs.serialNumber} is already paired with ${who} (device ${now.id}): adopted.`);
                    return { device: now, adopted: paired };
                }
                if (ambiguous && attempt < 3) continue;
            }
            throw explainPairingError(error, inputs.serialNumber, who);
        }
    }
}

function explainPairingError(error: unknown, serialNumber: string, who: string): Error {
    if (!(error instanceof PingOneApiError)) return error instanceof Error ? error : new Error(String(error));
    const ref = error.requestId ? ` PingOne request id: ${error.requestId}.` : "";
    if (error.hasDetail("LIMIT_EXCEEDED")) {
        return new Error(
            `Cannot pair token ${serialNumber} with ${who}: the user already has the most MFA devices PingOne allows (maxAllowedDevices in the MFA policy). Remove an old device or raise the limit.${ref}`,
            { cause: error },
        );
    }
    if (error.hasDetail("UNIQUENESS_VIOLATION")) {
        return new Error(
            `Cannot pair token ${serialNumber} with ${who}: the token is already paired with another device or user. Unpair it first.${ref}`,
            { cause: error },
        );
    }
    if (error.status === 404) {
        return new Error(
            `Cannot pair token ${serialNumber} with ${who}: PingOne has no such user in this environment. Check userId/username.${ref}`,
            { cause: error },
        );
    }
    if (error.hasDetail("INVALID_VALUE")) {
        return new Error(
            `Cannot pair token ${serialNumber} with ${who}: PingOne does not know that serial. Add it to the OATH token inventory first (OathToken).${ref} (${error.message})`,
            { cause: error },
        );
    }
    return new Error(`Pairing token ${serialNumber} with ${who} failed: ${error.message}`, { cause: error });
}

function outputsOf(
    inputs: Pick<OathTokenDeviceInputs, "environmentId" | "username" | "serialNumber" | "connection">,
    userId: string,
    device: MfaDevice,
    adopted: boolean,
): OathTokenDeviceOutputs {
    const outs = {
        environmentId: inputs.environmentId,
        userId,
        username: inputs.username,
        serialNumber: device.serialNumber ?? inputs.serialNumber,
        deviceId: device.id,
        status: device.status,
        adopted,
        connection: inputs.connection,
    } satisfies OathTokenDeviceOutputs;
    return JSON.parse(JSON.stringify(outs)) as OathTokenDeviceOutputs;
}
