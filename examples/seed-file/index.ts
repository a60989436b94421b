import * as pulumi from "@pulumi/pulumi";
import { OathTokenFleet } from "../../provider";

/**
 * Roll out a vendor's token batch: an encrypted PSKC file and a `serialNumber,username` CSV.
 *   pulumi config set environmentId <uuid>
 *   pulumi config set seedFile batch-2026-11.pskcxml; pulumi config set assignmentsFile assignments.csv
 *   pulumi config set --secret pskcPassphrase '…'      (or pskcPreSharedKey, hex)
 * The codes are computed from the seeds at activation time: this proves possession of the seed file,
 * not of the physical tokens.
 */
export default function seedFile() {
    const config = new pulumi.Config();
    // Secrets by reference: the program and the provider host each read them from stack config, so they
    // are never resource inputs.
    const secret = (key: string) =>
        pulumi.runtime.getConfig(`${pulumi.getProject()}:${key}`) !== undefined
            ? { config: `${pulumi.getProject()}:${key}` }
            : undefined;
    const fleet = new OathTokenFleet("batch", {
        environmentId: config.require("environmentId"),
        seedFile: config.require("seedFile"),
        seedFileOptions: {
            passphrase: secret("pskcPassphrase"),
            preSharedKey: secret("pskcPreSharedKey"),
        },
        assignmentsFile: config.require("assignmentsFile"),
    });
    return { devices: fleet.summary };
}
