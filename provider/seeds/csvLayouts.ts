// The CSV layouts token vendors and other OTP servers use, one reader per layout, plus the
// per-row guess used for auto-detection. Readers only decode what a row says; PingOne's
// rules (serial, lengths, hash) are applied afterwards by TokenCollector.
//
// Layouts (cells are trimmed, header row optional except where noted):
// - pingid:      serial, hexsecret[, counter]                                 HOTP, SHA1, 6 digits
// - privacyidea: serial, hexseed[, hotp|totp[, otplen[, counter|timestep]]]  (privacyIDEA's
//                importer: the 5th column is the counter for HOTP and the time step for TOTP;
//                type defaults to HOTP). With a leading `# version: 2` comment each row starts
//                with user, resolver, realm; the user becomes assignedTo.
// - linotp:      serial, hexkey[, hotp|totp[, 6|8[, 30|60[, sha1|sha256|sha512]]]] (LinOTP's
//                importer: the 5th column is used for TOTP only; an empty hash column means
//                SHA512 for a 64-byte key, SHA256 for a 32-byte key, else SHA1).
// - entra:       upn, serial number, secret key (base32), time interval, manufacturer, model
//                (Microsoft Entra hardware OATH upload; TOTP, SHA1, 6 digits; the header row
//                is expected and, when present, columns are found by name).

import { normalizeHeader } from "./csvText";
import { base32ToHex, hexSecretToHex } from "./secretEncoding";
import { parseHashName, parseWholeNumber, type TokenDraft } from "./tokenRules";
import type { OtpType, SeedCsvFormat } from "./types";

export const LAYOUT_LABELS: Record<SeedCsvFormat, string> = {
  pingid: "PingID (serial,hexsecret[,counter])",
  privacyidea: "privacyIDEA (serial,seed,TOTP|HOTP,otplen,timestep|counter)",
  linotp: "LinOTP (serial,key,hotp|totp,6|8,30|60,sha1|sha256|sha512)",
  entra: "Microsoft Entra (upn,serial number,secret key,time interval,manufacturer,model)",
};

export interface RowRead {
  draft?: TokenDraft;
  issues: string[];
}

/** Column positions for the Entra layout (from its header, or the documented order). */
export interface EntraColumns {
  upn?: number;
  serial: number;
  secret: number;
  interval?: number;
  manufacturer?: number;
  model?: number;
}

export const ENTRA_DEFAULT_COLUMNS: EntraColumns = { upn: 0, serial: 1, secret: 2, interval: 3, manufacturer: 4, model: 5 };

const HEADER_WORDS = new Set([
  "serial", "serialnumber", "serialno", "sn", "secret", "secretkey", "hexsecret", "seed", "key", "hexkey",
  "upn", "type", "tokentype", "otplen", "otplength", "digits", "length", "counter", "timestep", "timeinterval",
  "interval", "period", "hash", "hashlib", "algorithm", "manufacturer", "model", "user", "username",
]);

/** The first row is a header when it names at least two known columns (or starts with upn). */
export function isHeaderRow(cells: string[]): boolean {
  const names = cells.map(normalizeHeader);
  return names[0] === "upn" || names.filter((name) => HEADER_WORDS.has(name)).length >= 2;
}

/** True for an Entra header (it is the only layout whose header is fixed). */
export function isEntraHeader(cells: string[]): boolean {
  const names = cells.map(normalizeHeader);
  return names.includes("upn") || names.includes("secretkey");
}

/** Find Entra columns by header name; undefined when the required ones are missing. */
export function entraColumnsFromHeader(cells: string[]): EntraColumns | undefined {
  const names = cells.map(normalizeHeader);
  const find = (...wanted: string[]): number | undefined => {
    const index = names.findIndex((name) => wanted.includes(name));
    return index >= 0 ? index : undefined;
  };
  const serial = find("serialnumber", "serial", "serialno");
  const secret = find("secretkey", "secret");
  if (serial === undefined || secret === undefined) return undefined;
  return {
    serial,
    secret,
    upn: find("upn"),
    interval: find("timeinterval", "interval", "timestep"),
    manufacturer: find("manufacturer"),
    model: find("model"),
  };
}

/** Cells without trailing empties ("a,b,," has two columns). */
function meaningful(cells: string[]): string[] {
  let end = cells.length;
  while (end > 0 && cells[end - 1] === "") end -= 1;
  return cells.slice(0, end);
}

function typeCell(cell: string | undefined): OtpType | undefined {
  const value = (cell ?? "").toLowerCase();
  if (value === "hotp" || value === "hmac") return "HOTP"; // LinOTP calls HOTP "hmac"
  if (value === "totp") return "TOTP";
  return undefined;
}

/** Which layout a data row looks like, for auto-detection; undefined when unclear. */
export function guessLayout(cells: string[], version?: number): SeedCsvFormat | undefined {
  if (version === 2) return "privacyidea";
  const row = meaningful(cells);
  if (row.length >= 3 && typeCell(row[2])) return row.length >= 6 ? "linotp" : "privacyidea";
  if (row.length === 6 && row[0]?.includes("@")) return "entra";
  if (row.length === 2 || (row.length === 3 && /^\d+$/.test(row[2] ?? ""))) return "pingid";
  return undefined;
}

export function readPingIdRow(cells: string[]): RowRead {
  const row = meaningful(cells);
  const issues: string[] = [];
  if (row.length < 2 || row.length > 3) {
    issues.push(`expected serial,hexsecret[,counter] but the row has ${row.length} column(s)`);
  }
  const draft: TokenDraft = { type: "HOTP", serialNumber: row[0] ?? "" };
  readHexSecret(row[1], draft, issues);
  if (row[2] !== undefined && row[2] !== "") {
    const counter = parseWholeNumber(row[2]);
    if (counter === undefined) issues.push(`the counter "${row[2]}" is not a whole number`);
    else draft.counter = counter;
  }
  return { draft, issues };
}

export function readPrivacyIdeaRow(cells: string[], version?: number): RowRead {
  let row = meaningful(cells);
  const issues: string[] = [];
  let username: string | undefined;
  if (version === 2) {
    username = row[0] || undefined;
    row = row.slice(3); // user, resolver, realm
  }
  if (row.length < 2) return { issues: ["expected at least serial,seed"] };
  if (row.length > 5) {
    issues.push(`privacyIDEA rows have at most 5 columns but this one has ${row.length} (a 6th hash column is LinOTP's layout)`);
  }
  const type = row[2] ? typeCell(row[2]) : "HOTP";
  if (!type) return { issues: [`token type "${row[2]}" is not supported: only HOTP and TOTP`] };
  const draft: TokenDraft = { type, serialNumber: row[0] ?? "" };
  if (username) draft.assignedTo = { username };
  readHexSecret(row[1], draft, issues);
  readOtpLength(row[3], draft, issues);
  if (row[4]) {
    const value = parseWholeNumber(row[4]);
    const what = type === "TOTP" ? "time step" : "counter";
    if (value === undefined) issues.push(`the ${what} "${row[4]}" is not a whole number`);
    else if (type === "TOTP") draft.timeStep = value;
    else draft.counter = value;
  }
  return { draft, issues };
}

export function readLinOtpRow(cells: string[]): RowRead {
  const row = meaningful(cells);
  const issues: string[] = [];
  if (row.length < 2) return { issues: ["expected at least serial,key"] };
  if (row.length > 6) issues.push(`LinOTP rows have at most 6 columns but this one has ${row.length}`);
  const type = row[2] ? typeCell(row[2]) : "HOTP";
  if (!type) return { issues: [`token type "${row[2]}" is not supported: only hotp and totp`] };
  const draft: TokenDraft = { type, serialNumber: row[0] ?? "" };
  readHexSecret(row[1], draft, issues);
  readOtpLength(row[3], draft, issues);
  if (type === "TOTP" && row[4]) {
    const step = parseWholeNumber(row[4]);
    if (step === undefined) issues.push(`the time step "${row[4]}" is not a whole number`);
    else draft.timeStep = step;
  }
  if (row[5]) {
    const hash = parseHashName(row[5]);
    if (hash) draft.hashAlgorithm = hash;
    else issues.push(`hash "${row[5]}" is not one of sha1, sha256, sha512`);
  } else if (draft.secretHex) {
    const bytes = draft.secretHex.length / 2;
    const inferred = bytes === 64 ? "HmacSHA512" : bytes === 32 ? "HmacSHA256" : "HmacSHA1";
    if (type === "HOTP" && inferred !== "HmacSHA1") {
      issues.push(
        `the hash column is empty, so LinOTP's rule makes this ${bytes}-byte key ${inferred}, but PingOne's HOTP tokens use HmacSHA1 only: write sha1 in the 6th column if the token really uses SHA1`,
      );
    } else {
      draft.hashAlgorithm = inferred;
    }
  }
  return { draft, issues };
}

export function readEntraRow(cells: string[], columns: EntraColumns): RowRead {
  const issues: string[] = [];
  const cell = (index: number | undefined): string => (index === undefined ? "" : (cells[index] ?? ""));
  const draft: TokenDraft = { type: "TOTP", serialNumber: cell(columns.serial) };
  const upn = cell(columns.upn);
  if (upn) draft.assignedTo = { username: upn };
  const secret = cell(columns.secret);
  if (secret === "") issues.push("the secret key is empty");
  else {
    const decoded = base32ToHex(secret);
    if ("error" in decoded) issues.push(decoded.error);
    else draft.secretHex = decoded.hex;
  }
  const interval = cell(columns.interval);
  if (interval) {
    const step = parseWholeNumber(interval);
    if (step === undefined) issues.push(`the time interval "${interval}" is not a whole number of seconds`);
    else draft.timeStep = step;
  }
  if (cell(columns.manufacturer)) draft.manufacturer = cell(columns.manufacturer);
  if (cell(columns.model)) draft.model = cell(columns.model);
  return { draft, issues };
}

function readHexSecret(cell: string | undefined, draft: TokenDraft, issues: string[]): void {
  if (cell === undefined || cell === "") {
    issues.push("the secret is empty");
    return;
  }
  const decoded = hexSecretToHex(cell);
  if ("error" in decoded) issues.push(decoded.error);
  else draft.secretHex = decoded.hex;
}

function readOtpLength(cell: string | undefined, draft: TokenDraft, issues: string[]): void {
  if (!cell) return;
  const length = parseWholeNumber(cell);
  if (length === undefined) issues.push(`the OTP length "${cell}" is not a number`);
  else draft.otpLength = length;
}
