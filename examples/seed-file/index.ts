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
export default async function seedFile() {
    const config = new pulumi.Config();
    const secret = (key: string) =>
        new Promise<string | undefined>((resolve) => {
            const value = config.getSecret(key);
            if (!value) resolve(undefined);
            else value.apply(resolve);
        });
    const fleet = OathTokenFleet.fromFiles("batch", {
        environmentId: config.require("environmentId"),
        seedFile: config.require("seedFile"),
        seedFileOptions: {
            passphrase: await secret("pskcPassphrase"),
            preSharedKeyHex: await secret("pskcPreSharedKey"),
        },
        assignmentsFile: config.require("assignmentsFile"),
    });
    return { devices: fleet.summary };
}
