import { type ConnectionSettings } from "../client/connection";
import { type PingOneApiError } from "../client/errors";
import { type PingOneClient } from "../client/pingOneClient";
import { type MfaDevice } from "../client/types";
import { createOrAdopt } from "../dynamic/createOrAdopt";
import { defineProvider } from "../dynamic/defineProvider";
import { ResourceError } from "../errors";
import { oathTokenRules } from "../model/oathToken";
import { logInfo } from "../providerHost";
import { isUnknown } from "../validation";

export interface OathTokenDeviceInputs {
    environmentId: string;
    userId?: string;
    username?: string;
    serialNumber: string;
    /**
     * Take over an object PingOne already holds for this serial (made by hand, by another tool, or by a run
     * of this stack that died before saving its state). Default false: such an object is an error, since a
     * stack owns only what it created. An adopted object is never revoked or deleted by the stack.
     */
    adopt?: boolean;
    connection?: ConnectionSettings;
}

export interface OathTokenDeviceOutputs {
    environmentId: string;
    userId: string;
    username?: string;
    serialNumber: string;
    deviceId: string;
    status: string;
    /** The device already existed and was adopted: the stack leaves it in PingOne on destroy. */
    adopted: boolean;
    connection?: ConnectionSettings;
}

/** Pairing of an inventory token with a user: an `OATH_TOKEN` MFA device in `ACTIVATION_REQUIRED`. */
export const oathTokenDeviceProvider = defineProvider<OathTokenDeviceInputs, OathTokenDeviceOutputs, MfaDevice>({
    kind: "device",
    replaceKeys: ["environmentId", "userId", "username", "serialNumber"],
    updateKeys: ["connection"],
    // The token can be paired only once.
    deleteBeforeReplace: true,

    check(raw, checker) {
        checker.pingOneId("environmentId", "PingOne environment id");
        const hasId = raw.userId !== undefined && raw.userId !== "";
        const hasName = raw.username !== undefined && raw.username !== "";
        if (!hasId && !hasName)
            checker.fail("userId", "Set userId (the user's UUID) or username (looked up in the environment).");
        if (hasId && hasName && !isUnknown(raw.userId) && !isUnknown(raw.username))
            checker.fail("username", "Set userId or username, not both.");
        if (hasId) checker.pingOneId("userId", "PingOne user id");
        if (hasName && !isUnknown(raw.username) && typeof raw.username !== "string")
            checker.fail("username", "username must be a string.");
        const serial = raw.serialNumber;
        if (!isUnknown(serial) && oathTokenRules.serialNumber(serial)) {
            checker.fail(
                "serialNumber",
                "serialNumber is required: 1 to 50 letters and digits, the serial of a token in the environment's OATH inventory.",
            );
        }
        checker.boolean("adopt");
        checker.connection();
        // The checks above vouch for the shape (at preview some values may still be unknown).
        return raw as unknown as OathTokenDeviceInputs;
    },

    // Outputs always hold the resolved userId; compare it only when the user gave one.
    comparable: (olds, news) => ({ ...news, userId: news.userId ?? olds.userId }),

    async create(client, inputs) {
        const userId = await resolveUserId(client, inputs);
        const who = `user ${inputs.username ?? userId}`;
        const { object, adopted } = await createOrAdopt({
            what: `token ${inputs.serialNumber} paired with ${who}`,
            create: () => client.createOathTokenDevice(inputs.environmentId, userId, inputs.serialNumber),
            find: async () => findPaired(await client.listDevices(inputs.environmentId, userId), inputs.serialNumber),
            explain: (error) => explainPairingError(error, inputs.serialNumber, who),
            adopt: inputs.adopt === true,
        });
        return { id: object.id, outs: outputsOf(inputs, userId, object, adopted) };
    },

    fetch: (client, id, state) => client.getDevice(state.environmentId, state.userId, id),
    outputs: (settings, device, previous) => outputsOf(settings, previous.userId, device, previous.adopted),
    describe: (id, state) => `Device ${id} (token ${state.serialNumber}) of user ${state.username ?? state.userId}`,

    async delete(client, id, state) {
        if (state.adopted) {
            logInfo(
                `Device ${id} (token ${state.serialNumber}) of user ${state.userId} was adopted, not created by this stack: left in PingOne.`,
            );
            return;
        }
        const deleted = await (await client()).deleteDevice(state.environmentId, state.userId, id);
        logInfo(
            deleted
                ? `Removed device ${id} (token ${state.serialNumber}) from user ${state.userId}.`
                : `Device ${id} of user ${state.userId} was already gone.`,
        );
    },
});

async function resolveUserId(client: PingOneClient, inputs: OathTokenDeviceInputs): Promise<string> {
    // A given id is not read first: pairing answers 404 if the user does not exist.
    if (inputs.userId) return inputs.userId;
    const user = await client.findUserByUsername(inputs.environmentId, inputs.username!);
    if (!user)
        throw new ResourceError(
            `No user named "${inputs.username}" in environment ${inputs.environmentId}: check the username (assignments file) or create the user first.`,
        );
    return user.id;
}

function findPaired(devices: MfaDevice[], serialNumber: string): MfaDevice | undefined {
    return devices.find((d) => d.type === "OATH_TOKEN" && d.serialNumber === serialNumber);
}

export function explainPairingError(error: PingOneApiError, serialNumber: string, who: string): string | undefined {
    const what = `Cannot pair token ${serialNumber} with ${who}`;
    if (error.hasDetail("LIMIT_EXCEEDED")) {
        return `${what}: the user already has the most MFA devices PingOne allows (maxAllowedDevices in the MFA policy). Remove an old device or raise the limit.`;
    }
    if (error.hasDetail("UNIQUENESS_VIOLATION")) {
        return `${what}: the token is already paired with another device or user. Unpair it first.`;
    }
    if (error.status === 404) return `${what}: PingOne has no such user in this environment. Check userId/username.`;
    if (error.hasDetail("INVALID_VALUE")) {
        return `${what}: PingOne does not know that serial. Add it to the OATH token inventory first (OathToken). (${error.message})`;
    }
    return `Pairing token ${serialNumber} with ${who} failed: ${error.message}`;
}

function outputsOf(
    inputs: Pick<OathTokenDeviceInputs, "environmentId" | "username" | "serialNumber" | "connection">,
    userId: string,
    device: MfaDevice,
    adopted: boolean,
): OathTokenDeviceOutputs {
    return {
        environmentId: inputs.environmentId,
        userId,
        username: inputs.username,
        serialNumber: device.serialNumber ?? inputs.serialNumber,
        deviceId: device.id,
        status: device.status,
        adopted,
        connection: inputs.connection,
    };
}
