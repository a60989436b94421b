import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { OathTokenFleet, loadSeedFile } from "../provider";
import { projectFolder } from "../provider/embeddedEmulator";
import { RFC_TEST_SECRET_HEX, SAMPLE_ENVIRONMENT_ID, prepareDemoTenant } from "./demoTenant";

/**
 * The main job: roll out the hardware tokens of a vendor seed file to the users of an assignments file.
 *
 * Stack config (namespace `pingone-oath`, the project's name): `environmentId`, `seedFile`,
 * `assignmentsFile` (paths relative to the project folder; defaults in Pulumi.yaml: the demo files),
 * `seedPassphrase` / `seedPreSharedKey` (secret, for encrypted PSKC), `adoptExisting` (take over tokens and
 * devices PingOne already holds; default false with PingOne, true for the demo tenant), `reportFile` (the
 * roll-out report, .csv or .md; default `.pulumi-reports/<stack>/rollout.md`, git-ignored).
 * PingOne: `pingone:*` stack config or the `PINGONE_*` variables. With no credentials set, the stack uses
 * the embedded PingOne emulator, whose tenant is kept in `.pingone-emulator/<stack>.json`, and says so.
 */
export default async function main(): Promise<{ devices: pulumi.Output<unknown>; pingone: string; report: string }> {
    const config = new pulumi.Config("pingone-oath");
    const pingone = new pulumi.Config("pingone");
    // Not process.cwd(): language hosts differ on whether the program runs in the project folder or in
    // the folder of `main` (dist/program).
    const projectDir = projectFolder(__dirname);
    const seedFile = path.resolve(projectDir, config.get("seedFile") ?? "examples/data/demo-seeds.csv");
    const assignmentsFile = path.resolve(
        projectDir,
        config.get("assignmentsFile") ?? "examples/data/demo-assignments.csv",
    );
    // By reference: the program and the provider host each read the secret from stack config, so it is
    // never a resource input.
    const secretRef = (key: string) =>
        pulumi.runtime.getConfig(`pingone-oath:${key}`) !== undefined ? { config: `pingone-oath:${key}` } : undefined;
    const seedFileOptions = {
        passphrase: secretRef("seedPassphrase"),
        preSharedKey: secretRef("seedPreSharedKey"),
    };

    const setting = (key: string, variable: string) => pingone.get(key) ?? process.env[variable];
    const credentialsSet = !!(
        setting("clientId", "PINGONE_CLIENT_ID") ||
        setting("apiAccessToken", "PINGONE_API_ACCESS_TOKEN") ||
        setting("emulatorStateFile", "PINGONE_EMULATOR_STATE_FILE")
    );
    let environmentId = config.get("environmentId") ?? process.env.PINGONE_ENVIRONMENT_ID;
    let connection: { emulatorStateFile: string } | undefined;
    if (credentialsSet) {
        // Decided on the file's content, not on where its path came from: a public test secret never
        // reaches a real tenant, whatever config or default named the file.
        const secrets = {
            passphrase: seedFileOptions.passphrase && pulumi.runtime.getConfig(seedFileOptions.passphrase.config),
            preSharedKeyHex:
                seedFileOptions.preSharedKey && pulumi.runtime.getConfig(seedFileOptions.preSharedKey.config),
        };
        const demo = loadSeedFile(seedFile, secrets).tokens.filter(
            (t) => t.secret.toLowerCase() === RFC_TEST_SECRET_HEX,
        );
        if (demo.length > 0) {
            throw new Error(
                `${seedFile} holds ${demo.length} token(s) (${demo
                    .slice(0, 3)
                    .map((t) => t.serialNumber)
                    .join(", ")}${demo.length > 3 ? ", …" : ""}) ` +
                    `whose secret is the public RFC 4226 test key, and PingOne credentials are set: such tokens would let anyone compute ` +
                    `their codes. Set pingone-oath:seedFile and pingone-oath:assignmentsFile to your vendor's files ` +
                    `(pulumi config set pingone-oath:seedFile tokens.pskcxml), or unset the PingOne credentials to try the embedded emulator.`,
            );
        }
    } else {
        let stateFile: string;
        try {
            stateFile = prepareDemoTenant(projectDir, pulumi.getStack());
        } catch (error) {
            // A corrupt state file: its message names the file and the way out; the stack adds nothing (and
            // Node 22's colouring of Pulumi's source-mapped frames takes seconds, see provider/errors.ts).
            const runError = new pulumi.RunError((error as Error).message);
            runError.stack = runError.message;
            throw runError;
        }
        pulumi.log.warn(
            `No PingOne credentials set (pingone:clientId / pingone:apiAccessToken or PINGONE_CLIENT_ID / PINGONE_API_ACCESS_TOKEN): ` +
                `this stack provisions the embedded PingOne emulator, whose tenant is kept in ${stateFile}, not PingOne.`,
        );
        connection = { emulatorStateFile: stateFile };
        environmentId ??= SAMPLE_ENVIRONMENT_ID;
    }
    if (!environmentId) {
        throw new Error(
            "Set the PingOne environment to provision into: pulumi config set pingone-oath:environmentId <uuid> (or PINGONE_ENVIRONMENT_ID).",
        );
    }

    // A stack owns only what it created. The demo tenant holds FOB000004 already (uploaded "by hand"): the
    // demo adopts it on purpose, and leaves it in the tenant on destroy. With PingOne, adopting is opt-in.
    const adoptExisting = config.getBoolean("adoptExisting") ?? connection !== undefined;
    if (connection && adoptExisting && config.getBoolean("adoptExisting") === undefined) {
        pulumi.log.info(
            "The demo tenant holds token FOB000004 already, as if uploaded by hand: the demo adopts it on purpose " +
                "(pingone-oath:adoptExisting defaults to true with the emulator), and destroy leaves it in the tenant.",
        );
    }
    const reportFile = path.resolve(
        projectDir,
        config.get("reportFile") ?? path.join(".pulumi-reports", pulumi.getStack(), "rollout.md"),
    );
    const fleet = new OathTokenFleet("tokens", {
        environmentId,
        seedFile,
        seedFileOptions,
        assignmentsFile,
        connection,
        adoptExisting,
        reportFile,
    });
    return {
        devices: fleet.summary,
        // Relative: the state names no folder of this machine.
        report: path.relative(projectDir, reportFile),
        pingone: connection ? `embedded emulator (${connection.emulatorStateFile})` : "PingOne",
    };
}
