import * as pulumi from "@pulumi/pulumi";
import { OathTokenActivation, OathTokenDevice, OathToken } from "../../provider";

/**
 * Pair and activate a YubiKey's OATH-HOTP credential. Its seed was written to the key (and exported
 * with `ykman oath accounts add … -O` at programming time), but it cannot be read back later, so the
 * codes come from the key itself: `ykman` runs on the machine running `pulumi up`, with the key plugged in,
 * only when the activation needs a code.
 *   pulumi config set environmentId <uuid>; pulumi config set username alice
 *   pulumi config set serialNumber YK12345678; pulumi config set --secret secretHex <hex seed>
 */
export default function yubikey() {
    const config = new pulumi.Config();
    const environmentId = config.require("environmentId");
    const serialNumber = config.require("serialNumber");
    const token = new OathToken(serialNumber, {
        environmentId,
        serialNumber,
        secret: config.requireSecret("secretHex"),
        type: "HOTP",
    });
    const device = new OathTokenDevice(serialNumber, {
        environmentId,
        username: config.require("username"),
        serialNumber: token.serialNumber,
    });
    const activation = new OathTokenActivation(serialNumber, {
        environmentId,
        userId: device.userId,
        deviceId: device.deviceId,
        otpCommand: `ykman oath accounts code -s 'PingOne:${config.require("username")}'`,
    });
    return { status: activation.status };
}
