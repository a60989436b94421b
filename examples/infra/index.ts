import * as pulumi from "@pulumi/pulumi";
import { OathTokenFleet } from "pulumi-pingone-oath";

// PingOne credentials come from stack config (pingone:clientId, pingone:clientSecret set with --secret,
// pingone:environmentId, pingone:regionCode) or the PINGONE_* variables; with none, every resource
// fails with an error saying what to set. (The embedded emulator is never chosen for you.)
const config = new pulumi.Config();

const fleet = OathTokenFleet.fromFiles("tokens", {
    environmentId: config.require("environmentId"),
    seedFile: config.require("seedFile"),
    assignmentsFile: config.require("assignmentsFile"),
    // For the service desk: one row per token, written after every up and refresh (.csv or .md).
    reportFile: config.require("reportFile"),
});

export const devices = fleet.summary;
