import * as path from "node:path";
import {
    PingOneEmulator,
    RFC_TEST_SECRET_HEX,
    SAMPLE_CLIENT_ID,
    SAMPLE_CLIENT_SECRET,
    SAMPLE_ENVIRONMENT_ID,
} from "../emulator";

/** Users of the demo tenant; the demo assignments file names them. */
const demoUsers = ["alice", "bob", "carol", "dave", "erin", "frank"];

/**
 * The demo tenant: the sample environment and worker app, some users, and one token already in the
 * inventory (as if uploaded by hand earlier) whose server counter lags the fob, so the demo shows
 * adoption and a resync.
 */
function demoSeed() {
    return {
        environments: [
            {
                id: SAMPLE_ENVIRONMENT_ID,
                clients: [{ clientId: SAMPLE_CLIENT_ID, clientSecret: SAMPLE_CLIENT_SECRET }],
                users: demoUsers.map((username) => ({ username })),
                tokens: [
                    {
                        serialNumber: "FOB000004",
                        secret: RFC_TEST_SECRET_HEX,
                        type: "HOTP" as const,
                        otpLength: 6 as const,
                        counter: 0,
                    },
                ],
                maxAllowedDevices: 5,
            },
        ],
    };
}

/** Where a stack's emulated tenant is kept: a git-ignored folder of the project, one file per stack. */
function demoStateFile(stack: string): string {
    return path.join(".pingone-emulator", `${stack}.json`);
}

/**
 * Makes sure the stack's emulated tenant exists (created with the demo seed on first use; a corrupt file
 * is reported here, at preview) and returns the path to hand to `connection.emulatorStateFile`. The
 * emulator itself runs inside the provider host, which makes the API calls: the program starts no server,
 * so it ends by itself, and `refresh` and `destroy`, which do not run it, still find the tenant.
 */
export function prepareDemoTenant(projectDir: string, stack: string): string {
    const relative = demoStateFile(stack);
    PingOneEmulator.ensureStateFile(path.resolve(projectDir, relative), demoSeed());
    return relative;
}

export { SAMPLE_ENVIRONMENT_ID, RFC_TEST_SECRET_HEX };
