import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { OathTokenFleet } from "../provider";
import { SAMPLE_ENVIRONMENT_ID, embeddedConnection, embeddedEmulator } from "./embeddedEmulator";

/**
 * The main job: roll out the hardware tokens of a vendor seed file to the users of an assignments file.
 *
 * Stack config (namespace `pingone-oath`): `environmentId`, `seedFile`, `assignmentsFile`,
 * `seedPassphrase` / `seedPreSharedKey` (secret, for encrypted PSKC), `emulatorPort`.
 * PingOne credentials: `pingone:*` stack config or the `PINGONE_*` variables. With none set, the
 * program starts the embedded PingOne emulator and provisions against it.
 */
export default async function main(): Promise<{ devices: pulumi.Output<unknown> }> {
    const config = new pulumi.Config("pingone-oath");
    const pingone = new pulumi.Config("pingone");
    const repoRoot = path.resolve(__dirname, "../..");
    const file = (key: string, fallback: string) => path.resolve(repoRoot, config.get(key) ?? fallback);

    const hasCredentials =
        !!(process.env.PINGONE_CLIENT_ID || process.env.PINGONE_API_ACCESS_TOKEN || pingone.get("clientId") || pingone.get("apiAccessToken"));
    let connection: ReturnType<typeof embeddedConnection> | undefined;
    let environmentId = config.get("environmentId") ?? process.env.PINGONE_ENVIRONMENT_ID;
    if (!hasCredentials) {
        const port = config.getNumber("emulatorPort") ?? 8788;
        const emulator = await embeddedEmulator(port);
        pulumi.log.info(`No PingOne credentials set: provisioning against the embedded PingOne emulator at ${emulator.apiUrl}.`);
        connection = embeddedConnection(port);
        environmentId ??= SAMPLE_ENVIRONMENT_ID;
    }
    if (!environmentId) {
        throw new Error("Set the PingOne environment to provision into: pulumi config set pingone-oath:environmentId <uuid> (or PINGONE_ENVIRONMENT_ID).");
    }

    if (hasCredentials && !config.get("seedFile")) {
        // The demo files hold the public RFC test secret: never roll them out to a real tenant.
        throw new Error(
            "PingOne credentials are set but pingone-oath:seedFile is not: the default demo seed file would put tokens with a public test " +
                "secret into your PingOne environment. Set pingone-oath:seedFile and pingone-oath:assignmentsFile to your vendor's files " +
                "(pulumi config set pingone-oath:seedFile tokens.pskcxml), or unset the PINGONE_* variables to try the embedded emulator.",
        );
    }
    const passphrase = config.getSecret("seedPassphrase");
    const preSharedKey = config.getSecret("seedPreSharedKey");
    // Encrypted PSKC keys are needed while the program runs (to read the file), so unwrap them here.
    const [pass, key] = await Promise.all([unwrap(passphrase), unwrap(preSharedKey)]);
    const fleet = OathTokenFleet.fromFiles("tokens", {
        environmentId,
        seedFile: file("seedFile", "examples/data/demo-seeds.csv"),
        seedFileOptions: { passphrase: pass, preSharedKeyHex: key },
        assignmentsFile: file("assignmentsFile", "examples/data/demo-assignments.csv"),
        connection,
    });
    return { devices: fleet.summary };
}

function unwrap(value: pulumi.Output<string> | undefined): Promise<string | undefined> {
    if (!value) return Promise.resolve(undefined);
    return new Promise((resolve) => value.apply((v) => resolve(v)));
}
