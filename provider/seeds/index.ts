// Seed-file loaders: vendor PSKC and CSV seed files to PingOne-ready tokens (secrets in hex), and the
// assignments file that says which user gets which token.
export {
    SeedFileError,
    formatSeedProblem,
    type Assignment,
    type AssignmentLoadResult,
    type SeedDefaults,
    type SeedLoadResult,
    type SeedLocation,
    type SeedProblem,
    type SeedProblemCause,
    type TokenSeed,
} from "./types";
export { parsePskc } from "./pskc";
export { parseSeedCsv } from "./csv";
export { loadSeedFile, type SeedFileFormat, type SeedFileOptions } from "./loadSeedFile";
export { loadAssignmentsFile, parseAssignments } from "./assignments";
export { base32ToHex, hexSecretToHex } from "./secretEncoding";
export { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOKENS } from "./files";
