import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import {
    OathToken,
    OathTokenActivation,
    OathTokenDevice,
    OathTokenFleet,
    type SecretReference,
} from "pulumi-pingone-oath";

// The acceptance suite's program (tests/acceptance/lifecycle.acceptance.ts writes plan.json, the seed and
// assignments files, and the stack config). plan.json holds names, serials and where each secret is read,
// never a secret: seeds and codes are references the provider host resolves (secret stack config or the
// environment of the pulumi command), so none is a resource input. PingOne is reached through the
// PINGONE_* variables of the official Terraform provider.

/** One token paired and activated by hand: OathToken + OathTokenDevice + OathTokenActivation. */
interface SingleToken {
    name: string;
    serialNumber: string;
    username: string;
    type: "HOTP" | "TOTP";
    timeStep?: 30 | 60;
    secret: SecretReference;
    otp?: SecretReference;
    nextOtp?: SecretReference;
    /** Instead of otp/nextOtp: a command printing the token's current code. */
    otpCommand?: string;
}

interface ProgramPlan {
    singles: SingleToken[];
    fleet: { seedFile: string; assignmentsFile: string };
}

const environmentId = new pulumi.Config().require("environmentId");
const plan = JSON.parse(fs.readFileSync("plan.json", "utf8")) as ProgramPlan;

export const singles = pulumi.output(
    plan.singles.map((t) => {
        const token = new OathToken(t.name, {
            environmentId,
            serialNumber: t.serialNumber,
            secret: t.secret,
            type: t.type,
            timeStep: t.timeStep,
        });
        const device = new OathTokenDevice(t.name, {
            environmentId,
            username: t.username,
            serialNumber: token.serialNumber,
        });
        const activation = new OathTokenActivation(t.name, {
            environmentId,
            userId: device.userId,
            deviceId: device.deviceId,
            ...(t.otpCommand ? { otpCommand: t.otpCommand } : { otp: t.otp, nextOtp: t.nextOtp }),
        });
        return pulumi.output({
            name: t.name,
            serialNumber: token.serialNumber,
            username: t.username,
            userId: device.userId,
            deviceId: device.deviceId,
            status: activation.status,
            resynced: activation.resynced,
        });
    }),
);

const fleet = new OathTokenFleet("fleet", {
    environmentId,
    seedFile: plan.fleet.seedFile,
    assignmentsFile: plan.fleet.assignmentsFile,
});
export const fleetDevices = fleet.summary;
