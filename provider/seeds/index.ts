// Seed-file loaders: vendor PSKC and CSV seed files to PingOne-ready tokens (secrets in hex),
// and the assignments file that says which user gets which token.

export * from "./types";
export { parsePskc } from "./pskc";
export { parseSeedCsv, CSV_FORMATS } from "./csv";
export {
    loadSeedFile,
    parseSeedText,
    SEED_FILE_FORMATS,
    type SeedFileOptions,
    type SeedFileFormat,
} from "./loadSeedFile";
export { parseAssignments, loadAssignmentsFile } from "./assignments";
export { base32ToHex, hexSecretToHex } from "./secretEncoding";
export { DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_TOKENS } from "./files";
