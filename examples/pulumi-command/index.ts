import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { OathTokenActivation } from "../../provider";

/**
 * Read a YubiKey's current code with `@pulumi/command` and activate with it. Note the differences from
 * `otpCommand`: the command runs on every `pulumi up` that creates it (a HOTP read advances the key's
 * counter even when the device is already active), and its stdout must be marked secret.
 * Needs the `pulumi-resource-command` plugin (installed by @pulumi/command's install script, online).
 */
export default function pulumiCommand() {
    const config = new pulumi.Config();
    const account = config.require("ykmanAccount");
    const read = new command.local.Command(
        "read-code",
        { create: `ykman oath accounts code -s '${account}'` },
        { additionalSecretOutputs: ["stdout"] },
    );
    const activation = new OathTokenActivation("yubikey", {
        environmentId: config.require("environmentId"),
        userId: config.require("userId"),
        deviceId: config.require("deviceId"),
        otp: read.stdout.apply((out) => out.trim()),
    });
    return { status: activation.status };
}
