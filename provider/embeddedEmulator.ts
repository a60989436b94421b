import { existsSync } from "node:fs";
import * as path from "node:path";
import type { PingOneEmulator } from "../emulator";
import { ConnectionSettingsError, type ResolvedConnection } from "./client";

/**
 * The embedded PingOne emulator, when a connection names an `emulatorStateFile`: one server per state
 * file, started in this process (the provider host, which makes the API calls) on a free loopback port,
 * and gone with it. The tenant lives in the file, so `refresh` and `destroy`, which do not run the
 * program, and next week's `up` see it as the last command left it.
 */
const running = new Map<string, Promise<PingOneEmulator>>();

/**
 * The Pulumi project folder (the nearest one up from `start` with a `Pulumi.yaml`), or `start`. The CLI
 * starts the program and the provider host in that folder or, with a `main` inside it, in a folder below.
 */
export function projectFolder(start: string = process.cwd()): string {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        if (["Pulumi.yaml", "Pulumi.yml"].some((name) => existsSync(path.join(dir, name)))) return dir;
        if (path.dirname(dir) === dir) return path.resolve(start);
    }
}

/** A connection to the embedded emulator serving `stateFile` (relative to the project folder). */
export async function embeddedEmulatorConnection(
    stateFile: string,
    environmentId: string,
): Promise<ResolvedConnection> {
    const file = path.resolve(projectFolder(), stateFile);
    let emulator = running.get(file);
    if (!emulator) {
        if (!existsSync(file)) {
            throw new ConnectionSettingsError(
                `The embedded PingOne emulator's state file ${file} does not exist. It is created by the program that chose the ` +
                    `emulator (the root project does on every \`pulumi preview\` and \`up\`). If it was deleted, the emulated tenant went ` +
                    `with it: \`pulumi refresh --yes --run-program\` recreates it and forgets the objects that were lost; or ` +
                    `\`pulumi stack rm --force\` drops the stack (nothing outside this folder was provisioned).`,
            );
        }
        // Loaded only here: a user of real PingOne never loads the emulator.
        const { PingOneEmulator } = await import("../emulator");
        emulator = PingOneEmulator.start({ stateFile: file, unref: true });
        running.set(file, emulator);
        emulator.catch(() => running.delete(file));
    }
    const started = await emulator;
    const [client] = started.listClients(environmentId);
    if (!client) {
        throw new ConnectionSettingsError(
            `The embedded PingOne emulator (state file ${file}) has no environment ${environmentId} with a worker app: ` +
                `use the environment the file was created with.`,
        );
    }
    return {
        apiUrl: started.apiUrl,
        authUrl: started.authUrl,
        credentials: {
            kind: "clientCredentials",
            clientId: client.clientId,
            clientSecret: client.clientSecret,
            environmentId,
        },
    };
}
