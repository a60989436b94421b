// Shapes shared by every seed loader. A loader never throws for one bad token: it records a
// SeedProblem and carries on, so one typo in a 500-token vendor file does not block the rest.

export type OtpType = "HOTP" | "TOTP";
export type HashAlgorithm = "HmacSHA1" | "HmacSHA256" | "HmacSHA512";

/** Where a token (or a problem) came from, so people can find it in the vendor's file. */
export interface SeedLocation {
  file: string;
  /** 1-based physical line (CSV files). */
  line?: number;
  /** 1-based position of the KeyPackage in a PSKC KeyContainer. */
  keyPackage?: number;
  serialNumber?: string;
}

export interface TokenSeed {
  /** Kept as a string, leading zeros intact. */
  serialNumber: string;
  /** Lowercase hex: what PingOne's oathTokens `secret` wants. */
  secretHex: string;
  type: OtpType;
  /** 6 when the file says nothing. */
  otpLength: 6 | 8;
  /** HmacSHA1 when the file says nothing. */
  hashAlgorithm: HashAlgorithm;
  /** HOTP only (default 0). */
  counter?: number;
  /** TOTP only (default 30). */
  timeStep?: 30 | 60;
  manufacturer?: string;
  model?: string;
  /** Set when the seed file itself names the user (e.g. the `upn` column of Microsoft Entra CSV). */
  assignedTo?: { username: string };
  location: SeedLocation;
}

/**
 * What is wrong and how to fix it. `severity` is an addition to the agreed shape: absent or
 * "error" means the token/row was NOT loaded; "warning" means it was loaded but a person should
 * look (e.g. a PSKC serial taken from Key/@Id because DeviceInfo/SerialNo is missing).
 */
export interface SeedProblem {
  location: SeedLocation;
  message: string;
  severity?: "error" | "warning";
}

export interface SeedLoadResult {
  tokens: TokenSeed[];
  problems: SeedProblem[];
}

export interface PskcOptions {
  /** Name used in locations and messages (defaults to "<pskc>"). */
  file?: string;
  /** Pre-shared transport key, hex (32 hex digits for AES-128). */
  preSharedKeyHex?: string;
  /** Passphrase for PBKDF2-protected files. */
  passphrase?: string;
}

export type SeedCsvFormat = "pingid" | "privacyidea" | "linotp" | "entra";

export interface SeedCsvOptions {
  file?: string;
  format?: SeedCsvFormat | "auto";
}

export interface Assignment {
  serialNumber: string;
  /** Set when the user column holds a UUID (a PingOne user id). */
  userId?: string;
  /** Set otherwise (a PingOne username). */
  username?: string;
  location: SeedLocation;
}

export interface AssignmentLoadResult {
  assignments: Assignment[];
  problems: SeedProblem[];
}

/** Thrown only when the whole file is unusable; `problems` says why (one entry or several). */
export class SeedFileError extends Error {
  readonly problems: SeedProblem[];

  constructor(message: string, problems: SeedProblem[] = []) {
    super(message);
    this.name = "SeedFileError";
    this.problems = problems;
  }
}

/** One line a person can read: `file line 4 (serial 0012): message`. */
export function formatSeedProblem(problem: SeedProblem): string {
  const where: string[] = [problem.location.file];
  if (problem.location.line !== undefined) where.push(`line ${problem.location.line}`);
  if (problem.location.keyPackage !== undefined) where.push(`KeyPackage ${problem.location.keyPackage}`);
  if (problem.location.serialNumber !== undefined) where.push(`(serial ${problem.location.serialNumber})`);
  const prefix = problem.severity === "warning" ? "warning: " : "";
  return `${where.join(" ")}: ${prefix}${problem.message}`;
}
