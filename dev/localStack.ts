import * as fs from "node:fs";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { localPassphrase, pulumiBinary, readAllFiles, repoRoot } from "./pulumiCli";

/**
 * Runs inline programs through the real Pulumi CLI with the Automation API: a local file backend and a
 * passphrase secrets provider under a git-ignored folder of the repo, so nothing leaves the machine.
 * Inline programs need no language host plugin, only the `pulumi` binary. (Projects on disk are run
 * through the CLI itself: see pulumiCli.ts.)
 */

export const stateRoot = path.join(repoRoot, ".pulumi-state");

let cachedCommand: Promise<PulumiCommand> | undefined;

/** The CLI from scripts/ensure-pulumi.sh, for the Automation API. */
export function pulumiCli(): Promise<PulumiCommand> {
    // PulumiCommand wants the install root, whose bin/ holds pulumi.
    cachedCommand ??= (async () =>
        PulumiCommand.get({ root: path.dirname(path.dirname(pulumiBinary())), skipVersionCheck: true }))();
    return cachedCommand;
}

export interface LocalStackOptions {
    /** Folder name under .pulumi-state for this stack's backend and work dir. */
    name: string;
    stackName?: string;
    projectName?: string;
    program: PulumiFn;
    /** Extra environment for the CLI and the provider host it launches. */
    envVars?: Record<string, string>;
    /** Stack config; `secret: true` values are encrypted in state. */
    config?: Record<string, { value: string; secret?: boolean }>;
    /** Start from an empty backend. */
    fresh?: boolean;
}

export interface LocalStack {
    stack: Stack;
    backendDir: string;
    workDir: string;
}

export async function openLocalStack(options: LocalStackOptions): Promise<LocalStack> {
    const base = path.join(stateRoot, options.name);
    if (options.fresh) fs.rmSync(base, { recursive: true, force: true });
    const backendDir = path.join(base, "backend");
    // Inside the repo, so the provider host (started in this folder) resolves node_modules from it.
    const workDir = path.join(base, "work");
    fs.mkdirSync(backendDir, { recursive: true });
    fs.mkdirSync(workDir, { recursive: true });
    const pulumiCommand = await pulumiCli();
    const binDir = path.dirname(pulumiCommand.command);
    const projectName = options.projectName ?? "pingone-oath";
    const stack = await LocalWorkspace.createOrSelectStack(
        { stackName: options.stackName ?? "dev", projectName, program: options.program },
        {
            workDir,
            pulumiCommand,
            projectSettings: { name: projectName, runtime: "nodejs", backend: { url: `file://${backendDir}` } },
            envVars: {
                PULUMI_BACKEND_URL: `file://${backendDir}`,
                PULUMI_CONFIG_PASSPHRASE: localPassphrase,
                PULUMI_SKIP_UPDATE_CHECK: "true",
                PULUMI_DIY_BACKEND_NO_LOCK: "false",
                PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ""}`,
                ...options.envVars,
            },
        },
    );
    for (const [key, { value, secret }] of Object.entries(options.config ?? {})) {
        await stack.setConfig(key, { value, secret: secret ?? false });
    }
    return { stack, backendDir, workDir };
}

/** Every file of the backend, concatenated: what an audit of the state must search. */
export const readBackendFiles = readAllFiles;
