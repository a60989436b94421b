// The emulated tenant on disk, so it outlives the process that serves it: one JSON file, replaced
// atomically (write a sibling, then rename) so a crash mid-write leaves the previous state whole.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import type { EnvironmentSnapshot } from "./store";

const FORMAT = "pingone-emulator-state";
const VERSION = 1;

interface StateFile {
    format: typeof FORMAT;
    version: typeof VERSION;
    environments: EnvironmentSnapshot[];
}

/** A state file that cannot be used; the message names the file and the way out. */
export class EmulatorStateFileError extends Error {
    constructor(
        readonly file: string,
        problem: string,
        options?: { cause?: unknown },
    ) {
        super(
            `PingOne emulator state file ${file} ${problem}. It holds the emulated tenant between runs; ` +
                `move it aside to start from a fresh tenant, then run \`pulumi refresh --yes --run-program\` (the program recreates the ` +
                `file) so the stack forgets the objects that lived only there.`,
            options,
        );
        this.name = "EmulatorStateFileError";
    }

    /** Shown by util.inspect (console.log, error reports) as its message: the stack adds nothing here. */
    [inspect.custom](): string {
        return `${this.name}: ${this.message}`;
    }
}

/** The environments saved in `file`, or undefined when there is no such file yet. */
export function readStateFile(file: string): EnvironmentSnapshot[] | undefined {
    let text: string;
    try {
        text = readFileSync(file, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new EmulatorStateFileError(file, `cannot be read (${(error as Error).message})`, { cause: error });
    }
    let parsed: Partial<StateFile>;
    try {
        parsed = JSON.parse(text) as Partial<StateFile>;
    } catch (error) {
        throw new EmulatorStateFileError(file, `is not valid JSON (${(error as Error).message})`, { cause: error });
    }
    if (parsed?.format !== FORMAT || parsed.version !== VERSION || !Array.isArray(parsed.environments)) {
        throw new EmulatorStateFileError(file, `is not a version-${VERSION} emulator state (format "${FORMAT}")`);
    }
    for (const env of parsed.environments) {
        const lists = [env?.clients, env?.users, env?.tokens, env?.devices];
        if (typeof env?.id !== "string" || typeof env.maxAllowedDevices !== "number" || !lists.every(Array.isArray)) {
            throw new EmulatorStateFileError(
                file,
                `has an environment entry without id, maxAllowedDevices, clients, users, tokens or devices`,
            );
        }
        // Optional: files written before OATH jobs were emulated have none.
        if (env.oathJobs !== undefined && !Array.isArray(env.oathJobs)) {
            throw new EmulatorStateFileError(file, `has an environment entry whose oathJobs is not a list`);
        }
    }
    return parsed.environments;
}

/** Replaces `file` with the given environments, atomically and durably. */
export function writeStateFile(file: string, environments: EnvironmentSnapshot[]): void {
    const state: StateFile = { format: FORMAT, version: VERSION, environments };
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    try {
        const fd = openSync(temporary, "w", 0o600);
        try {
            writeSync(fd, JSON.stringify(state, null, 1));
            fsyncSync(fd);
        } finally {
            closeSync(fd);
        }
        renameSync(temporary, file);
    } catch (error) {
        rmSync(temporary, { force: true });
        throw new EmulatorStateFileError(file, `cannot be written (${(error as Error).message})`, { cause: error });
    }
}
