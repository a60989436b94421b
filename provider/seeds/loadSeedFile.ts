// Loads a vendor seed file from disk, choosing PSKC or CSV by extension, or by content when
// the extension says nothing (an XML document starts with "<").

import { extname } from "node:path";
import { parseSeedCsv } from "./csv";
import { readTextFile } from "./files";
import { parsePskc } from "./pskc";
import type { PskcOptions, SeedCsvFormat, SeedLoadResult } from "./types";

export type SeedFileOptions = PskcOptions & { format?: SeedCsvFormat | "auto" };

const PSKC_EXTENSIONS = new Set([".xml", ".pskc", ".pskcxml"]);
const CSV_EXTENSIONS = new Set([".csv", ".txt"]);

export function loadSeedFile(path: string, options: SeedFileOptions = {}): SeedLoadResult {
  const text = readTextFile(path, "seed");
  const file = options.file ?? path;
  const extension = extname(path).toLowerCase();
  const isPskc = PSKC_EXTENSIONS.has(extension) || (!CSV_EXTENSIONS.has(extension) && text.trimStart().startsWith("<"));
  if (isPskc) {
    const pskcOptions: PskcOptions = { file };
    if (options.preSharedKeyHex !== undefined) pskcOptions.preSharedKeyHex = options.preSharedKeyHex;
    if (options.passphrase !== undefined) pskcOptions.passphrase = options.passphrase;
    return parsePskc(text, pskcOptions);
  }
  return parseSeedCsv(text, { file, format: options.format ?? "auto" });
}
