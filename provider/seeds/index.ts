// Seed-file loaders: vendor PSKC and CSV seed files to PingOne-ready tokens (secrets in hex),
// and the assignments file that says which user gets which token.

export * from "./types";
export { parsePskc } from "./pskc";
export { parseSeedCsv } from "./csv";
export { loadSeedFile, type SeedFileOptions } from "./loadSeedFile";
export { parseAssignments, loadAssignmentsFile } from "./assignments";
export { base32ToHex, hexSecretToHex } from "./secretEncoding";
