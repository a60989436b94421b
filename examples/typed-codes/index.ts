import * as pulumi from "@pulumi/pulumi";
import { OathTokenActivation } from "../../provider";

/**
 * Activate one key fob with the codes read off its display:
 *   pulumi config set environmentId <uuid>; pulumi config set userId <uuid>; pulumi config set deviceId <uuid>
 *   pulumi config set --secret otp 123456; pulumi config set --secret nextOtp 654321
 * Fresh codes on a later run are no change: the activation is done once. The codes go by reference: the
 * provider host reads them from stack config, so they are never resource inputs (which Pulumi's SDK prints
 * in its debug logs at preview).
 */
export default function typedCodes() {
    const config = new pulumi.Config();
    const activation = new OathTokenActivation("fob", {
        environmentId: config.require("environmentId"),
        userId: config.require("userId"),
        deviceId: config.require("deviceId"),
        otp: { config: `${pulumi.getProject()}:otp` },
        nextOtp: config.getSecret("nextOtp") ? { config: `${pulumi.getProject()}:nextOtp` } : undefined,
    });
    return { status: activation.status, resynced: activation.resynced };
}
