#!/usr/bin/env node
// CLI: node dist/emulator/main.js [--port 8788] [--seed file.json] [--latency MS] [--rate-limit RPS]
// Without --seed it serves the sample tenant (see sampleSeed.ts).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PingOneEmulator } from "./server";
import { sampleSeed } from "./sampleSeed";
import type { EmulatorOptions, EmulatorSeed } from "./types";

const USAGE = "usage: node dist/emulator/main.js [--port 8788] [--seed file.json] [--latency MS] [--rate-limit RPS]";

interface CliArgs {
    port: number;
    seedFile?: string;
    latencyMs: number;
    rateLimit?: number;
}

const cliOptions = {
    port: { type: "string" },
    seed: { type: "string" },
    latency: { type: "string" },
    "rate-limit": { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

function parseCliArgs(argv: string[]): CliArgs {
    const args: CliArgs = { port: 8788, latencyMs: 0 };
    const number = (flag: string, raw: string | undefined, integer: boolean): number => {
        const value = Number(raw);
        if (
            raw === undefined ||
            raw === "" ||
            !Number.isFinite(value) ||
            value < 0 ||
            (integer && !Number.isInteger(value))
        ) {
            throw new Error(`${flag} needs a ${integer ? "non-negative integer" : "non-negative number"}`);
        }
        return value;
    };
    // Not strict, so the messages stay ours: a missing value arrives as undefined, an unknown flag or a
    // positional as a token; the tokens come in command-line order, so the first problem is the one named.
    const { tokens } = parseArgs({
        args: argv,
        options: cliOptions,
        strict: false,
        allowPositionals: true,
        tokens: true,
    });
    for (const token of tokens) {
        // `-hx` arrives as -h then -x: as before, it is one unknown argument.
        const whole =
            token.kind === "option" && (token.rawName.startsWith("--") || argv[token.index] === token.rawName);
        const name = token.kind === "option" && whole ? token.name : undefined;
        const value = token.kind === "option" ? token.value : undefined;
        switch (name) {
            case "port":
                args.port = number("--port", value, true);
                break;
            case "seed":
                args.seedFile = value;
                if (!args.seedFile) throw new Error("--seed needs a file");
                break;
            case "latency":
                args.latencyMs = number("--latency", value, true);
                break;
            case "rate-limit":
                args.rateLimit = number("--rate-limit", value, false);
                if (args.rateLimit === 0) throw new Error("--rate-limit must be positive");
                break;
            case "help":
                console.log(USAGE);
                process.exit(0);
                break;
            default:
                throw new Error(`unknown argument ${argv[token.index]}`);
        }
    }
    return args;
}

async function main(): Promise<void> {
    let args: CliArgs;
    try {
        args = parseCliArgs(process.argv.slice(2));
    } catch (error) {
        console.error(`${(error as Error).message}\n${USAGE}`);
        process.exit(2);
    }

    const options: EmulatorOptions = {
        port: args.port,
        latencyMs: args.latencyMs,
        rateLimit: args.rateLimit ? { requestsPerSecond: args.rateLimit } : null,
    };
    const seed: EmulatorSeed = args.seedFile
        ? (JSON.parse(readFileSync(args.seedFile, "utf8")) as EmulatorSeed)
        : sampleSeed();
    options.seed = seed;
    // Every exchange goes to a log, so a test run pointed at this emulator (the acceptance suite) can check
    // them against PingOne's contract: the path is one of the variables printed below.
    const exchangeLog =
        process.env.PINGONE_EMULATOR_EXCHANGE_LOG ??
        join(mkdtempSync(join(tmpdir(), "pingone-emulator-")), "exchanges.jsonl");
    options.exchangeLog = exchangeLog;
    const emulator = await PingOneEmulator.start(options);

    const firstEnv = seed.environments?.[0];
    const firstClient = firstEnv?.clients?.[0];
    console.log(`PingOne emulator listening`);
    console.log(`  API URL:   ${emulator.apiUrl}`);
    console.log(`  Auth URL:  ${emulator.authUrl}   (token: ${emulator.authUrl}/{envId}/as/token)`);
    if (args.seedFile) console.log(`  Seeded from ${args.seedFile}`);
    if (firstEnv && firstClient) {
        console.log(`  Environment: ${firstEnv.id}`);
        console.log(`  Client: ${firstClient.clientId} / ${firstClient.clientSecret}`);
        const list = (items: string[]) => (items.length > 0 ? items.join(", ") : "(none)");
        console.log(
            `  Users: ${list((firstEnv.users ?? []).map((u) => `${u.username} (${emulator.getUser(firstEnv.id, u.username)?.id})`))}`,
        );
        console.log(`  Tokens: ${list((firstEnv.tokens ?? []).map((t) => `${t.serialNumber} ${t.type}`))}`);
        console.log("");
        console.log("Set these to point a client at the emulator:");
        console.log(`  export PINGONE_API_URL=${emulator.apiUrl}`);
        console.log(`  export PINGONE_AUTH_URL=${emulator.authUrl}`);
        console.log(`  export PINGONE_ENVIRONMENT_ID=${firstEnv.id}`);
        console.log(`  export PINGONE_CLIENT_ID=${firstClient.clientId}`);
        console.log(`  export PINGONE_CLIENT_SECRET=${firstClient.clientSecret}`);
        console.log(`  export PINGONE_EMULATOR_EXCHANGE_LOG=${exchangeLog}`);
        console.log("or, for one Pulumi stack:");
        console.log(`  pulumi config set pingone:apiUrl ${emulator.apiUrl}`);
        console.log(`  pulumi config set pingone:authUrl ${emulator.authUrl}`);
        console.log(`  pulumi config set pingone:environmentId ${firstEnv.id}`);
        console.log(`  pulumi config set pingone:clientId ${firstClient.clientId}`);
        console.log(`  pulumi config set --secret pingone:clientSecret ${firstClient.clientSecret}`);
        console.log(`  pulumi config set environmentId ${firstEnv.id}   # where the example programs put the tokens`);
    } else {
        console.log("");
        console.log("Set these to point a client at the emulator (the seed file names no environment with a client):");
        console.log(`  export PINGONE_API_URL=${emulator.apiUrl}`);
        console.log(`  export PINGONE_AUTH_URL=${emulator.authUrl}`);
        console.log(`  export PINGONE_ENVIRONMENT_ID=<environment id>`);
        console.log(`  export PINGONE_CLIENT_ID=<client id>`);
        console.log(`  export PINGONE_CLIENT_SECRET=<client secret>`);
    }
    console.log("Press Ctrl+C to stop.");

    const shutdown = (signal: string) => {
        console.log(`\n${signal}: stopping the emulator`);
        emulator.stop().then(
            () => process.exit(0),
            (error: unknown) => {
                console.error(error);
                process.exit(1);
            },
        );
    };
    process.once("SIGINT", () => shutdown("SIGINT"));
    process.once("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const port = (error as { port?: number } | undefined)?.port;
    const why =
        code === "EADDRINUSE"
            ? `port ${port} is already in use (another emulator?): stop that process, or pick another port with --port N`
            : error instanceof Error
              ? error.message
              : String(error);
    console.error(`PingOne emulator failed to start: ${why}`);
    process.exit(1);
});
