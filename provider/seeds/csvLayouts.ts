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
// - privacyidea-export: owner, serial, hexkey, type, digits, step (privacyIDEA's own CSV
//                export, spaces after commas; the 6th column is the time step for TOTP and the
//                counter for HOTP, as in its importer). The owner is not used as a PingOne
//                username (privacyIDEA owners are user@realm): use an assignments file.
// - yubikey-log: the YubiKey Personalization Tool log (`LOGGING START,...`, then one row per
//                programmed slot: `OATH-HOTP,<date>,<slot>,<public id>,,<hex secret>,...`);
//                the public id (token identifier) is the serial. Other slot types are refused.
// - yubico:      Yubico's serial format `serial,,0,hexkey,,timestamp,` (0 in the 3rd column is
//                OATH-HOTP; a public/private id there is Yubico OTP, empty is a static password).
// privacyIDEA's importer takes a 64-hex-digit key as SHA256 and a 128-hex-digit key as
// SHA512 (both layouts here do the same); PingOne's HOTP is SHA1 only, so such HOTP rows are
// refused rather than loaded with the wrong hash.

import type { OathTokenType } from "../model/oathToken";
import { normalizeHeader } from "./csvText";
import { base32ToHex, hexSecretToHex } from "./secretEncoding";
import { parseHashName, parseWholeNumber, type TokenDraft } from "./tokenRules";
import type { SeedCsvFormat } from "./types";

export const LAYOUT_LABELS: Record<SeedCsvFormat, string> = {
    pingid: "PingID (serial,hexsecret[,counter])",
    privacyidea: "privacyIDEA (serial,seed,TOTP|HOTP,otplen,timestep|counter)",
    linotp: "LinOTP (serial,key,hotp|totp,6|8,30|60,sha1|sha256|sha512)",
    entra: "Microsoft Entra (upn,serial number,secret key,time interval,manufacturer,model)",
    "privacyidea-export": "privacyIDEA export (owner, serial, hexkey, type, digits, step)",
    "yubikey-log": "YubiKey Personalization Tool log (LOGGING START; OATH-HOTP,date,slot,public id,,hex secret,...)",
    yubico: "Yubico serial format (serial,,0,hexkey,,timestamp)",
};

const YUBIKEY_LOG_TYPES = new Set(["yubico otp", "oath-hotp", "static password", "challenge-response", "static"]);

export interface RowRead {
    draft?: TokenDraft;
    issues: string[];
    /** A row that carries no token by design (e.g. the log's LOGGING START line). */
    skip?: boolean;
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

export const ENTRA_DEFAULT_COLUMNS: EntraColumns = {
    upn: 0,
    serial: 1,
    secret: 2,
    interval: 3,
    manufacturer: 4,
    model: 5,
};

const HEADER_WORDS = new Set([
    "serial",
    "serialnumber",
    "serialno",
    "sn",
    "secret",
    "secretkey",
    "hexsecret",
    "seed",
    "key",
    "hexkey",
    "upn",
    "type",
    "tokentype",
    "otplen",
    "otplength",
    "digits",
    "length",
    "counter",
    "timestep",
    "timeinterval",
    "interval",
    "period",
    "hash",
    "hashlib",
    "algorithm",
    "manufacturer",
    "model",
    "user",
    "username",
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

/**
 * A cell quoted in a message; long values are described, not shown, because a shifted column
 * can put the secret where a type or a number was expected, and messages reach logs.
 */
function shown(cell: string | undefined): string {
    const value = cell ?? "";
    return value.length <= 12 ? `"${value}"` : `(a ${value.length}-character value, not shown)`;
}

/** Cells without trailing empties ("a,b,," has two columns). */
function meaningful(cells: string[]): string[] {
    let end = cells.length;
    while (end > 0 && cells[end - 1] === "") end -= 1;
    return cells.slice(0, end);
}

function typeCell(cell: string | undefined): OathTokenType | undefined {
    const value = (cell ?? "").toLowerCase();
    if (value === "hotp" || value === "hmac") return "HOTP"; // LinOTP calls HOTP "hmac"
    if (value === "totp") return "TOTP";
    return undefined;
}

/**
 * Which layout a data row's shape identifies, for auto-detection; undefined when it fits none.
 * The shapes are mutually exclusive, so a row never fits two layouts; a file whose rows point
 * to different layouts is refused by the caller rather than decided by a vote.
 */
export function guessLayout(cells: string[], version?: number): SeedCsvFormat | undefined {
    if (version === 2) return "privacyidea";
    const first = (cells[0] ?? "").toLowerCase();
    if (first.startsWith("logging start") || (cells.length >= 6 && YUBIKEY_LOG_TYPES.has(first))) return "yubikey-log";
    if (cells.length >= 6 && /^\d+$/.test(cells[0] ?? "") && /^\d{4}-\d\d-\d\dT/.test(cells[5] ?? "")) return "yubico";
    const row = meaningful(cells);
    if (row.length >= 3 && typeCell(row[2])) return row.length >= 6 ? "linotp" : "privacyidea";
    if (row.length >= 4 && row.length <= 6 && typeCell(row[3])) return "privacyidea-export";
    if (row.length === 6 && row[0]?.includes("@")) return "entra";
    if (row.length === 2 || (row.length === 3 && /^\d+$/.test(row[2] ?? ""))) return "pingid";
    return undefined;
}

/** Number of non-empty leading columns (trailing empty cells left out). */
export function columnCount(cells: string[]): number {
    return meaningful(cells).length;
}

export function readPingIdRow(cells: string[]): RowRead {
    const row = meaningful(cells);
    const issues: string[] = [];
    if (row.length < 2 || row.length > 3) {
        issues.push(`expected serial,hexsecret[,counter] but the row has ${row.length} column(s)`);
    }
    // The layout carries no type: the collector takes it from the defaults and says so.
    const draft: TokenDraft = { serialNumber: row[0] ?? "" };
    readHexSecret(row[1], draft, issues);
    if (row[2] !== undefined && row[2] !== "") {
        const counter = parseWholeNumber(row[2]);
        if (counter === undefined) issues.push(`the counter ${shown(row[2])} is not a whole number`);
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
        issues.push(
            `privacyIDEA rows have at most 5 columns but this one has ${row.length} (a 6th hash column is LinOTP's layout)`,
        );
    }
    // Without a type column the importer's HOTP is an assumption: the collector applies the
    // defaults and names it in the file's warning.
    const type = row[2] ? typeCell(row[2]) : undefined;
    if (row[2] && !type) return { issues: [`token type ${shown(row[2])} is not supported: only HOTP and TOTP`] };
    const draft: TokenDraft = { serialNumber: row[0] ?? "" };
    if (type) draft.type = type;
    if (username) draft.assignedTo = { username };
    readHexSecret(row[1], draft, issues);
    readOtpLength(row[3], draft, issues);
    readStepOrCounter(row[4], draft, issues);
    applyPrivacyIdeaKeyLength(draft, issues);
    return { draft, issues };
}

/** privacyIDEA's export: owner, serial, hexkey, type, digits, step. */
export function readPrivacyIdeaExportRow(cells: string[]): RowRead {
    const row = meaningful(cells);
    const issues: string[] = [];
    if (row.length < 4) return { issues: ["expected owner, serial, hexkey, type[, digits[, step]]"] };
    if (row.length > 6) issues.push(`privacyIDEA export rows have 6 columns but this one has ${row.length}`);
    const type = typeCell(row[3]);
    if (!type) return { issues: [`token type ${shown(row[3])} is not supported: only HOTP and TOTP`] };
    const draft: TokenDraft = { type, serialNumber: row[1] ?? "" };
    readHexSecret(row[2], draft, issues);
    readOtpLength(row[4], draft, issues);
    readStepOrCounter(row[5], draft, issues);
    applyPrivacyIdeaKeyLength(draft, issues);
    return { draft, issues };
}

/** The YubiKey Personalization Tool log: only OATH-HOTP slots can be PingOne tokens. */
export function readYubikeyLogRow(cells: string[]): RowRead {
    const kind = (cells[0] ?? "").trim();
    if (kind.toLowerCase().startsWith("logging start")) return { issues: [], skip: true };
    if (kind.toLowerCase() !== "oath-hotp") {
        const what = YUBIKEY_LOG_TYPES.has(kind.toLowerCase())
            ? `programmed as ${shown(kind)}`
            : `of unknown type ${shown(kind)}`;
        return {
            issues: [
                `this YubiKey slot is ${what}; only OATH-HOTP slots can be PingOne OATH tokens: ` +
                    `re-program the slot as OATH-HOTP or leave it out`,
            ],
        };
    }
    const issues: string[] = [];
    const publicId = (cells[3] ?? "").trim();
    const draft: TokenDraft = { type: "HOTP", serialNumber: publicId };
    if (publicId === "") {
        issues.push(
            "the OATH-HOTP row has no public id (token identifier) to use as the serial: program the key with a token identifier, " +
                "or use Yubico's serial-number export",
        );
    }
    readHexSecret(cells[5], draft, issues);
    return { draft, issues };
}

/** Yubico's serial format: serial,,0,hexkey,,timestamp (0 = OATH-HOTP). */
export function readYubicoRow(cells: string[]): RowRead {
    const mode = (cells[2] ?? "").trim();
    const serial = (cells[0] ?? "").trim();
    if (mode === "") {
        return {
            draft: undefined,
            issues: [
                "this YubiKey is in static password mode (3rd column empty); only OATH-HOTP " +
                    "(0 in the 3rd column) can be a PingOne OATH token",
            ],
        };
    }
    if (mode !== "0") {
        return {
            issues: [
                `this YubiKey is in Yubico OTP mode (private id "${mode}" in the 3rd column); only OATH-HOTP ` +
                    `(0 there) can be a PingOne OATH token`,
            ],
        };
    }
    const issues: string[] = [];
    const draft: TokenDraft = { type: "HOTP", serialNumber: serial };
    readHexSecret(cells[3], draft, issues);
    return { draft, issues };
}

function readStepOrCounter(cell: string | undefined, draft: TokenDraft, issues: string[]): void {
    if (!cell) return;
    const value = parseWholeNumber(cell);
    const what = draft.type === "TOTP" ? "time step" : "counter";
    if (value === undefined) issues.push(`the ${what} ${shown(cell)} is not a whole number`);
    else if (draft.type === "TOTP") draft.timeStep = value;
    else draft.counter = value;
}

/** privacyIDEA's importer: a 32-byte key means SHA256, a 64-byte key SHA512. */
function applyPrivacyIdeaKeyLength(draft: TokenDraft, issues: string[]): void {
    if (!draft.secret) return;
    const digits = draft.secret.length;
    const hash = digits === 64 ? "HmacSHA256" : digits === 128 ? "HmacSHA512" : undefined;
    if (!hash) {
        // Any other length is SHA1 by the same rule: a stated value, not an assumption.
        if (draft.type === "TOTP") draft.hashAlgorithm = "HmacSHA1";
        return;
    }
    if (draft.type === "HOTP") {
        issues.push(
            `privacyIDEA reads a ${digits}-hex-digit key as ${hash}, but PingOne's HOTP tokens use HmacSHA1 only: this token cannot be loaded ` +
                "as it is; if it really is HOTP-SHA1, give it the LinOTP layout with sha1 in its 6th column",
        );
        return;
    }
    draft.hashAlgorithm = hash;
}

export function readLinOtpRow(cells: string[]): RowRead {
    const row = meaningful(cells);
    const issues: string[] = [];
    if (row.length < 2) return { issues: ["expected at least serial,key"] };
    if (row.length > 6) issues.push(`LinOTP rows have at most 6 columns but this one has ${row.length}`);
    const type = row[2] ? typeCell(row[2]) : undefined;
    if (row[2] && !type) return { issues: [`token type ${shown(row[2])} is not supported: only hotp and totp`] };
    const draft: TokenDraft = { serialNumber: row[0] ?? "" };
    if (type) draft.type = type;
    readHexSecret(row[1], draft, issues);
    readOtpLength(row[3], draft, issues);
    if (type === "TOTP" && row[4]) {
        const step = parseWholeNumber(row[4]);
        if (step === undefined) issues.push(`the time step ${shown(row[4])} is not a whole number`);
        else draft.timeStep = step;
    }
    if (row[5]) {
        const hash = parseHashName(row[5]);
        if (hash) draft.hashAlgorithm = hash;
        else issues.push(`hash ${shown(row[5])} is not one of sha1, sha256, sha512`);
    } else if (draft.secret) {
        const bytes = draft.secret.length / 2;
        const inferred = bytes === 64 ? "HmacSHA512" : bytes === 32 ? "HmacSHA256" : "HmacSHA1";
        if (type === "HOTP" && inferred !== "HmacSHA1") {
            issues.push(
                `the hash column is empty, so LinOTP's rule makes this ${bytes}-byte key ${inferred}, ` +
                    `but PingOne's HOTP tokens use HmacSHA1 only: write sha1 in the 6th column if the token really uses SHA1`,
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
        else draft.secret = decoded.hex;
    }
    const interval = cell(columns.interval);
    if (interval) {
        const step = parseWholeNumber(interval);
        if (step === undefined) issues.push(`the time interval ${shown(interval)} is not a whole number of seconds`);
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
    else draft.secret = decoded.hex;
}

function readOtpLength(cell: string | undefined, draft: TokenDraft, issues: string[]): void {
    if (!cell) return;
    const length = parseWholeNumber(cell);
    if (length === undefined) issues.push(`the OTP length ${shown(cell)} is not a number`);
    else draft.otpLength = length;
}
