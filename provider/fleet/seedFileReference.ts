import { statSync } from "node:fs";
import * as path from "node:path";
import { projectFolder } from "../embeddedEmulator";
import { oathTokenFingerprint } from "../model/oathToken";
import { type SecretReference, describeSecretReference, howToSet, resolveSecretReference } from "../secretReference";
import { type SeedFileOptions, type SeedLoadResult, type TokenSeed, SeedFileError, loadSeedFile } from "../seeds";

/** The seed file options a fleet passes on: everything but secrets, which go by reference. */
export type SeedFileReadOptions = Omit<SeedFileOptions, "passphrase" | "preSharedKeyHex" | "ivHex" | "file" | "now">;

/**
 * A seed file as the provider host finds it: the program and the host both read the file (the program to
 * report problems at preview and compute fingerprints, the host to get the secrets when it needs them),
 * so no secret travels between them.
 */
export interface SeedFileReference {
    /**
     * The file, relative to the Pulumi project folder (the nearest folder up with a `Pulumi.yaml`) when it is
     * inside it, so state names no checkout path; absolute otherwise.
     */
    path: string;
    /** Format, defaults and limits, as `loadSeedFile` takes them. */
    options?: SeedFileReadOptions;
    /** The PSKC passphrase (PBKDF2-protected files). */
    passphrase?: SecretReference;
    /** The PSKC pre-shared key, hex. */
    preSharedKey?: SecretReference;
    /** A CBC IV, hex, for files whose encrypted values carry none. */
    iv?: SecretReference;
}

/** Reads stack config (the provider host's `configure`, or the program's own config). */
export type ConfigReader = (key: string) => string | undefined;

/**
 * Resolves the references to the secrets they name.
 * @throws SeedFileError naming the config key or variable that is not set, and how to set it.
 */
export function secretOptions(
    reference: SeedFileReference,
    readConfig: ConfigReader | undefined,
    env: NodeJS.ProcessEnv = process.env,
): Pick<SeedFileOptions, "passphrase" | "preSharedKeyHex" | "ivHex"> {
    const read = (ref: SecretReference | undefined, what: string): string | undefined => {
        if (!ref) return undefined;
        const value = resolveSecretReference(ref, readConfig, env);
        if (value === undefined) {
            throw new SeedFileError(
                `${reference.path}: the ${what} is to come from the ${describeSecretReference(ref)}, which is not set ` +
                    `where the pulumi command runs: ${howToSet(ref)}, and run again.`,
            );
        }
        return value;
    };
    return {
        passphrase: read(reference.passphrase, "PSKC passphrase"),
        preSharedKeyHex: read(reference.preSharedKey, "PSKC pre-shared key"),
        ivHex: read(reference.iv, "CBC IV"),
    };
}

/** The path a reference stores for `file`: relative to the project folder when inside it. */
export function referencePath(file: string, project: string = projectFolder()): string {
    const absolute = path.resolve(file);
    const relative = path.relative(project, absolute);
    return relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join("/");
}

/** Loads a referenced seed file; `project` resolves a relative path (default: this process's project folder). */
function loadReferencedSeedFile(
    reference: SeedFileReference,
    readConfig: ConfigReader | undefined,
    project: string = projectFolder(),
): SeedLoadResult {
    const file = path.resolve(project, reference.path);
    return loadSeedFile(file, { ...reference.options, ...secretOptions(reference, readConfig) });
}

/** A token of the file, and its fingerprint (`oathTokenFingerprint`). */
export interface FingerprintedSeed {
    seed: TokenSeed;
    fingerprint: string;
}

const cache = new Map<string, Map<string, FingerprintedSeed>>();

/**
 * The provider host's view of a referenced file, by serial: read once per process and file version (size
 * and modification time), since every batch of a fleet asks for the same file.
 * @throws SeedFileError when the file cannot be read, or a secret reference is not set.
 */
export function seedsBySerial(
    reference: SeedFileReference,
    readConfig: ConfigReader | undefined,
): Map<string, FingerprintedSeed> {
    const project = projectFolder();
    const file = path.resolve(project, reference.path);
    let version: string;
    try {
        const stat = statSync(file);
        version = `${stat.size}:${stat.mtimeMs}`;
    } catch (error) {
        throw new SeedFileError(
            `The seed file ${file} (${reference.path} in the fleet's inputs) cannot be read: ${(error as Error).message}. ` +
                `The provider host reads it again whenever it creates or changes tokens: keep it where the program read it.`,
            [],
            error,
        );
    }
    const key = JSON.stringify([file, version, reference]);
    let seeds = cache.get(key);
    if (!seeds) {
        const loaded = loadReferencedSeedFile(reference, readConfig, project);
        seeds = new Map(
            loaded.tokens.map((seed) => [seed.serialNumber, { seed, fingerprint: oathTokenFingerprint(seed) }]),
        );
        // One version per file: an edited file replaces the older entry.
        for (const old of cache.keys()) if (JSON.parse(old)[0] === file) cache.delete(old);
        cache.set(key, seeds);
    }
    return seeds;
}
