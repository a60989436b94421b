import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * The `pulumi` binary run as a user runs it: a subprocess in a project folder, with a local file backend
 * and a passphrase secrets provider, so nothing leaves the machine.
 */

export const repoRoot = path.resolve(__dirname, "../..");
/** Local-only passphrase for the demo and test stacks' secrets provider. */
export const localPassphrase = "local-demo-passphrase-not-for-production";

let cachedBinary: string | undefined;

/**
 * The CLI from scripts/ensure-pulumi.sh (found, or built from the Go module proxy and cached). Its folder
 * also holds the Node.js language host and the dynamic provider shim, so it goes first on PATH.
 */
export function pulumiBinary(): string {
    cachedBinary ??= execFileSync("bash", [path.join(repoRoot, "scripts/ensure-pulumi.sh")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    }).trim();
    return cachedBinary;
}

/**
 * The environment for the CLI and every process it starts: the CLI folder on PATH, the backend, no PingOne.
 * PINGONE_EMULATOR_EXCHANGE_LOG stays: it names no tenant, only where emulators log what they served (the
 * contract tests read it).
 */
export function cliEnvironment(backendDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env };
    const kept = new Set(["PINGONE_EMULATOR_EXCHANGE_LOG"]);
    for (const key of Object.keys(env)) {
        if ((key.startsWith("PINGONE_") || key.startsWith("PULUMI_")) && !kept.has(key)) delete env[key];
    }
    fs.mkdirSync(backendDir, { recursive: true });
    return {
        ...env,
        PATH: `${path.dirname(pulumiBinary())}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: localPassphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        ...extra,
    };
}

export interface CliResult {
    command: string;
    code: number;
    /** stdout and stderr, interleaved as they came. */
    output: string;
    seconds: number;
}

/** A Pulumi project folder and the environment its commands run in. */
export class PulumiProject {
    /** A Ctrl-C (or SIGTERM) arrived while a command ran; the CLI was left to cancel cleanly. */
    interrupted = false;

    constructor(
        public dir: string,
        readonly env: NodeJS.ProcessEnv,
        /** Called with each chunk of output (e.g. to stream it to the console). */
        readonly onOutput?: (text: string) => void,
    ) {}

    /** Runs `pulumi ARGS --non-interactive` in the folder; rejects on a non-zero exit unless `allowFailure`. */
    run(args: string[], options: { allowFailure?: boolean; timeoutMs?: number } = {}): Promise<CliResult> {
        const command = `pulumi ${args.join(" ")}`;
        const started = Date.now();
        return new Promise((resolve, reject) => {
            const child = spawn(pulumiBinary(), [...args, "--non-interactive"], {
                cwd: this.dir,
                env: this.env,
                stdio: ["ignore", "pipe", "pipe"],
            });
            let output = "";
            const collect = (chunk: Buffer) => {
                output += chunk.toString();
                this.onOutput?.(chunk.toString());
            };
            child.stdout.on("data", collect);
            child.stderr.on("data", collect);
            const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 240_000);
            // Ctrl-C reaches the CLI too (same process group): it cancels cleanly, releasing the stack's lock
            // and ending its plugins. Waiting for it, instead of dying first, leaves nothing running.
            const interrupted = () => {
                this.interrupted = true;
                this.onOutput?.("\n(interrupted: waiting for pulumi to cancel and exit)\n");
            };
            // A SIGTERM to this process alone is passed on as one Ctrl-C (a second would cancel abruptly).
            const terminated = () => {
                interrupted();
                child.kill("SIGINT");
            };
            process.on("SIGINT", interrupted);
            process.on("SIGTERM", terminated);
            child.on("error", reject);
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                process.off("SIGINT", interrupted);
                process.off("SIGTERM", terminated);
                const result = { command, code: code ?? -1, output, seconds: (Date.now() - started) / 1000 };
                if (result.code !== 0 && !options.allowFailure) {
                    reject(new Error(`${command} in ${this.dir} exited ${signal ?? code}:\n${output}`));
                } else {
                    resolve(result);
                }
            });
        });
    }

    /** The stack's outputs (secrets shown), as `pulumi stack output --json` prints them. */
    async outputs(): Promise<Record<string, unknown>> {
        const { output } = await this.run(["stack", "output", "--json", "--show-secrets"]);
        return JSON.parse(output.slice(output.indexOf("{"))) as Record<string, unknown>;
    }
}

/**
 * Processes (other than this one) whose working folder or command line is inside `dir`: what a CLI run
 * left behind (a program, a provider host, a server).
 */
export function processesUnder(dir: string): string[] {
    const found: string[] = [];
    const root = fs.realpathSync(dir);
    for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
        if (Number(pid) === process.pid) continue;
        try {
            const cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
            const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
            if (cwd === root || cwd.startsWith(root + path.sep) || cmdline.includes(root))
                found.push(`${pid} (cwd ${cwd}): ${cmdline}`);
        } catch {
            // Gone meanwhile, or not ours to read.
        }
    }
    return found;
}

/** Every file of a folder, concatenated with the list: what an audit of state or logs must search. */
export function readAllFiles(dir: string): { files: string[]; text: string } {
    const files: string[] = [];
    const walk = (folder: string) => {
        for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
            const full = path.join(folder, entry.name);
            if (entry.isDirectory()) walk(full);
            else files.push(full);
        }
    };
    if (fs.existsSync(dir)) walk(dir);
    return { files, text: files.map((f) => fs.readFileSync(f, "utf8")).join("\n") };
}
