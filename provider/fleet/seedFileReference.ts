import { createHash } from "node:crypto";
import { statSync } from "node:fs";
import * as path from "node:path";
import { projectFolder } from "../embeddedEmulator";
import { oathTokenFingerprint } from "../model/oathToken";
import { type SecretReference, describeSecretReference, howToSet, resolveSecretReference } from "../secretReference";
import { type SeedFileOptions, type SeedLoadResult, type TokenSeed, SeedFileError, loadSeedFile } from "../seeds";
import { type FleetShard, inShard } from "./shards";

/** The seed file options a fleet passes on: everything but secrets, which go by reference. */
export type SeedFileReadOptions = Omit<
    SeedFileOptions,
    "passphrase" | "preSharedKeyHex" | "ivHex" | "file" | "now" | "serialFilter"
>;

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
    /** The fleet's shard: the host reads and keeps only these serials' seeds. */
    shard?: FleetShard;
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

/** A token of the file, and its fingerprint (`oathTokenFingerprint`). */
export interface FingerprintedSeed {
    seed: TokenSeed;
    fingerprint: string;
}

/** A seed file as loaded (only the shard's tokens and problems), and its tokens by serial with fingerprints. */
export interface FingerprintedSeeds {
    result: SeedLoadResult;
    bySerial: Map<string, FingerprintedSeed>;
}

/** Loaded files by a digest of (path, size, mtime, options, shard); the options hold secrets, the digest does not. */
const cache = new Map<string, { file: string; shard: string; seeds: FingerprintedSeeds }>();

/**
 * `file` loaded once per process and file version (size and modification time) for given options and
 * shard: the program and the provider host each ask for the same file many times (every batch's check,
 * every run of an inline program), and parsing a 100,000-token PSKC takes seconds. A shard loads only its
 * own seeds. One version per file and shard is kept: an edited file replaces the older entry.
 * @throws SeedFileError when the file cannot be read or used.
 */
export function fingerprintedSeeds(
    file: string,
    options: Omit<SeedFileOptions, "serialFilter">,
    shard?: FleetShard,
): FingerprintedSeeds {
    let stat: { size: number; mtimeMs: number };
    try {
        stat = statSync(file);
    } catch {
        // Gone or unreadable: the loader's own error names the file and the way out.
        return withFingerprints(loadSeedFile(file, options));
    }
    const shardKey = shard ? `${shard.index}/${shard.count}` : "";
    const key = createHash("sha256")
        .update(JSON.stringify([file, stat.size, stat.mtimeMs, options, shardKey]))
        .digest("hex");
    const hit = cache.get(key);
    if (hit) return hit.seeds;
    const result = loadSeedFile(file, {
        ...options,
        // One shard of one is the whole file: nothing to cut.
        ...(shard && shard.count > 1 ? { serialFilter: (serial: string) => inShard(serial, shard) } : {}),
    });
    const seeds = withFingerprints(result);
    for (const [old, entry] of cache) if (entry.file === file && entry.shard === shardKey) cache.delete(old);
    cache.set(key, { file, shard: shardKey, seeds });
    return seeds;
}

function withFingerprints(result: SeedLoadResult): FingerprintedSeeds {
    const bySerial = new Map(
        result.tokens.map((seed) => [seed.serialNumber, { seed, fingerprint: oathTokenFingerprint(seed) }]),
    );
    return { result, bySerial };
}

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
    try {
        statSync(file);
    } catch (error) {
        throw new SeedFileError(
            `The seed file ${file} (${reference.path} in the fleet's inputs) cannot be read: ${(error as Error).message}. ` +
                `The provider host reads it again whenever it creates or changes tokens: keep it where the program read it.`,
            [],
            error,
        );
    }
    return fingerprintedSeeds(file, { ...reference.options, ...secretOptions(reference, readConfig) }, reference.shard)
        .bySerial;
}
