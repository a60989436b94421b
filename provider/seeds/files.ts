// Reading seed and assignment files from disk: any failure to read is a SeedFileError, so
// callers handle one error type for "this file is unusable".

import { readFileSync } from "node:fs";
import { SeedFileError } from "./types";

export function readTextFile(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8").replace(/^\uFEFF/, "");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const message = `cannot read the ${what} file: ${reason}`;
    throw new SeedFileError(`${path}: ${message}`, [{ location: { file: path }, message, severity: "error" }]);
  }
}
