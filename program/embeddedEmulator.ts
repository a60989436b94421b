import { PingOneEmulator, SAMPLE_CLIENT_ID, SAMPLE_CLIENT_SECRET, SAMPLE_ENVIRONMENT_ID, RFC_TEST_SECRET_HEX } from "../emulator";

/** Users of the demo tenant; the demo assignments file names them. */
export const demoUsers = ["alice", "bob", "carol", "dave", "erin", "frank"];

/**
 * The demo tenant: the sample environment and worker app, some users, and one token already in the
 * inventory (as if uploaded by hand earlier) whose server counter lags the fob, so the demo shows
 * adoption and a resync.
 */
export function demoSeed() {
    return {
        environments: [
            {
                id: SAMPLE_ENVIRONMENT_ID,
                clients: [{ clientId: SAMPLE_CLIENT_ID, clientSecret: SAMPLE_CLIENT_SECRET }],
                users: demoUsers.map((username) => ({ username })),
                tokens: [{ serialNumber: "FOB000004", secret: RFC_TEST_SECRET_HEX, type: "HOTP" as const, otpLength: 6 as const, counter: 0 }],
                maxAllowedDevices: 5,
            },
        ],
    };
}

let embedded: Promise<PingOneEmulator> | undefined;

/**
 * One emulator per process, on a fixed port so the connection it is reached by stays the same from
 * run to run (a changed URL would show as a change of every resource).
 */
export function embeddedEmulator(port: number): Promise<PingOneEmulator> {
    embedded ??= PingOneEmulator.start({ port, seed: demoSeed() });
    return embedded;
}

export async function stopEmbeddedEmulator(): Promise<void> {
    const running = embedded;
    embedded = undefined;
    if (running) await (await running).stop();
}

export const embeddedConnection = (port: number) => ({
    apiUrl: `http://127.0.0.1:${port}/v1`,
    authUrl: `http://127.0.0.1:${port}`,
    clientId: SAMPLE_CLIENT_ID,
    clientSecret: SAMPLE_CLIENT_SECRET,
    environmentId: SAMPLE_ENVIRONMENT_ID,
});

export { SAMPLE_ENVIRONMENT_ID };
