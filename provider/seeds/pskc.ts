// PSKC reader: RFC 6030 and the layouts before it (draft-ietf-keyprov-pskc-02 `<Device>` /
// `KeyId` / `KeyAlgorithm`, draft-hoyer `<SecretContainer>` / `<Secret>`, `<Data Name="SECRET">`
// values as ActivIdentity exports them). One TokenSeed per HOTP/TOTP key that is usable now,
// one problem per key that is not, naming the KeyPackage and serial.
//
// Decisions:
// - Algorithm URIs are matched on their last segment, so `...pskc:hotp`, `...pskc#totp` and a
//   draft's bare "HOTP" all work. A Key without Algorithm is loaded only when the defaults
//   option gives a type (and the file's warning says so).
// - `...pskc:pin` keys hold a device PIN (another key's PINPolicy refers to them): reported as
//   a warning, never loaded. OCRA, Yubico OTP, SecurID ... keys are reported as errors.
// - Serial: DeviceInfo/SerialNo; without it, the Key Id, with a warning.
// - Version: RFC 6030 containers must say 1.0 (python-pskc also takes "1", which draft
//   figures use); draft SecretContainers carry their schema's own numbers and are not checked.
// - Policy (RFC 6030 section 5): a key outside StartDate/ExpiryDate, whose KeyUsage excludes
//   OTP, or whose Policy holds elements this reader does not understand, is not loaded. Of
//   several KeyPackages for one serial (a re-keyed token, RFC 6030 figure 10) the one valid now
//   is kept; if several are valid and differ, none is (it cannot be told which the token holds).
// - A value that breaks the schema (a non-integer Length, a non-boolean CheckDigits) refuses
//   the file, as python-pskc does: the producer did not follow PSKC, so nothing in it is sure.
// - Counter is read for HOTP only, TimeInterval for TOTP only; Time and TimeDrift are ignored
//   (PingOne has nowhere to put them).

import { oathTokenDefaults, type OathHashAlgorithm, type OathTokenType } from "../model/oathToken";
import {
    PskcDecryptor,
    algorithmName,
    readContainerEncryption,
    readEncryptedData,
    type DecryptFailure,
    type EncryptedData,
} from "./pskcCrypto";
import { base64ToBytes } from "./secretEncoding";
import {
    TokenCollector,
    parseHashName,
    parseWholeNumber,
    resolveDefaults,
    type ResolvedDefaults,
    type TokenDraft,
} from "./tokenRules";
import {
    SeedFileError,
    seedFileError,
    type PskcOptions,
    type SeedLoadResult,
    type SeedLocation,
    type SeedProblemCause,
} from "./types";
import {
    attr,
    attrNames,
    attrOf,
    child,
    childNames,
    childOf,
    children,
    parseXmlDocument,
    text,
    textAt,
    type XmlElement,
} from "./xmlTree";

type ValueSource = { plain: string } | { encrypted: EncryptedData } | { error: string };

interface PolicyFacts {
    start?: Date;
    expiry?: Date;
    startText?: string;
    expiryText?: string;
    usage: string[];
    unknown: string[];
}

interface KeyRecord {
    location: SeedLocation;
    kind: OathTokenType | "pin" | "none" | "other";
    algorithm?: string;
    keyId?: string;
    serialFromKeyId: boolean;
    draft: TokenDraft;
    issues: string[];
    cause?: SeedProblemCause;
    values: { secret?: ValueSource; counter?: ValueSource; timeInterval?: ValueSource };
    failures: Array<{ field: string; failure: DecryptFailure }>;
    policy: PolicyFacts;
    deviceExpiry?: string;
    /** Why the policy keeps this key out now, if it does. */
    policyIssue?: string;
}

const KNOWN_POLICY_CHILDREN = new Set(["StartDate", "ExpiryDate", "NumberOfTransactions", "KeyUsage", "PINPolicy"]);
const KNOWN_PIN_ATTRIBUTES = new Set([
    "PINKeyId",
    "PINUsageMode",
    "MaxFailedAttempts",
    "MinLength",
    "MaxLength",
    "PINEncoding",
]);
const USAGE_FLAGS = ["OTP", "CR", "Integrity", "Encrypt", "Unlock"];
const BOOLEAN = /^(true|false|1|0)$/i;
/** Draft `<Data Name="...">` names to the RFC 6030 Data children they stand for. */
const LEGACY_FIELDS: Record<string, "secret" | "counter" | "timeInterval"> = {
    secret: "secret",
    counter: "counter",
    time_interval: "timeInterval",
    timeinterval: "timeInterval",
};

export function parsePskc(xml: string, options: PskcOptions = {}): SeedLoadResult {
    const file = options.file ?? "<pskc>";
    const parsed = parseXmlDocument(xml.replace(/^\uFEFF/, ""));
    if ("error" in parsed) throw seedFileError(file, `not a PSKC file: ${parsed.error}`);
    if (parsed.rootName !== "KeyContainer" && parsed.rootName !== "SecretContainer") {
        throw seedFileError(
            file,
            `not a PSKC file: the root element is <${parsed.rootName}>, expected <KeyContainer> (RFC 6030)`,
        );
    }
    const root = parsed.root;
    const version = attrOf(root, "Version", "version");
    if (parsed.rootName === "KeyContainer" && version !== undefined && version !== "1.0" && version !== "1") {
        throw seedFileError(
            file,
            `unsupported PSKC Version "${version}": this loader reads version 1.0 (RFC 6030), whose layout a later version may change; ` +
                "ask the vendor for a version 1.0 file",
        );
    }
    const defaults = resolveDefaults(file, options.defaults);
    const now = options.now ?? new Date();
    const packages = [...children(root, "KeyPackage"), ...children(root, "Device")];
    const positionOf = (index: number) => options.keyPackagePositions?.[index] ?? index + 1;
    checkSchema(file, packages, positionOf);

    const encryption = readContainerEncryption(root);
    const collectorOptions: ConstructorParameters<typeof TokenCollector>[0] = {
        file,
        defaults,
        hashDefinedByFormat: true,
    };
    if (options.maxTokens !== undefined) collectorOptions.maxTokens = options.maxTokens;
    const collector = new TokenCollector(collectorOptions);

    if (packages.length === 0) {
        const message = "the KeyContainer has no KeyPackage (nor a draft-style Device), so there are no tokens to load";
        collector.reject({ file }, [message], undefined, "no-secret");
        return collector.result();
    }

    // 1. Read every key as the file states it.
    const records: KeyRecord[] = [];
    packages.forEach((pkg, index) => {
        const location: SeedLocation = { file, keyPackage: positionOf(index) };
        const keys = [...children(pkg, "Key"), ...children(pkg, "Secret")];
        if (keys.length === 0) {
            collector.reject(location, ["the KeyPackage has no Key element"], undefined, "no-secret");
            return;
        }
        for (const key of keys) records.push(readKeyRecord(pkg, key, location, encryption.algorithmUri));
    });

    // 2. Open the values (a transport key is asked for only when something is encrypted).
    const encrypted = records.some((record) =>
        Object.values(record.values).some((value) => value && "encrypted" in value),
    );
    const decryptor = encrypted && !encryption.asymmetric ? PskcDecryptor.create(encryption, options, file) : undefined;
    for (const record of records) openValues(record, decryptor);

    // Every value failing a key check, and none verifying, means the key is wrong, not the rows.
    const attempts = records.flatMap((record) => record.failures);
    const keyFailures = attempts.filter(({ failure }) => failure.kind === "check" || failure.kind === "key-length");
    const opened = records.some(
        (record) =>
            record.draft.secret !== undefined &&
            record.values.secret !== undefined &&
            "encrypted" in record.values.secret,
    );
    if (
        decryptor &&
        !opened &&
        decryptor.verified === 0 &&
        keyFailures.length > 0 &&
        keyFailures.length === attempts.length
    ) {
        const problems = records
            .filter((record) => record.failures.length > 0)
            .map((record) => ({
                location: record.location,
                message: record.failures.map(({ field, failure }) => `${field}: ${failure.error}`).join("; "),
                severity: "error" as const,
                cause: "decryption" as const,
            }));
        throw new SeedFileError(
            `${file}: no secret could be decrypted: the ${decryptor.keySourceName} is wrong or the file was damaged ` +
                `(${problems[0]?.message ?? ""})`,
            problems,
        );
    }

    // 3. Failures in words, now that it is known whether the key was proven right.
    for (const record of records) {
        for (const { field, failure } of record.failures) {
            let message = failure.error;
            if (decryptor && decryptor.verified > 0 && failure.kind === "check") {
                message =
                    "the value does not decrypt, though other values in this file do with the same key: this value is damaged; " +
                    "ask the vendor for a fresh file";
            }
            record.issues.push(`${field}: ${message}`);
            record.cause ??=
                failure.kind === "unsupported" || failure.kind === "missing" ? "unsupported-cipher" : "decryption";
        }
        record.policyIssue = policyIssue(record.policy, now);
    }

    // 4. Several KeyPackages for one serial: keep the one valid now, if exactly one is.
    const usable = (record: KeyRecord): boolean =>
        (record.kind === "HOTP" || record.kind === "TOTP" || (record.kind === "none" && defaults.type !== undefined)) &&
        record.issues.length === 0 &&
        record.policyIssue === undefined &&
        record.draft.serialNumber !== undefined;
    const bySerial = new Map<string, KeyRecord[]>();
    for (const record of records) {
        if (!usable(record)) continue;
        const serial = record.draft.serialNumber as string;
        bySerial.set(serial, [...(bySerial.get(serial) ?? []), record]);
    }
    const clash = new Map<KeyRecord, string>();
    for (const [serial, group] of bySerial) {
        if (group.length < 2) continue;
        const [first, ...rest] = group as [KeyRecord, ...KeyRecord[]];
        const same = rest.every((record) => fingerprint(record, defaults) === fingerprint(first, defaults));
        const where = group.map((record) => record.location.keyPackage).join(" and ");
        for (const record of rest) {
            clash.set(
                record,
                same
                    ? `serial number ${serial} already appeared at KeyPackage ${first.location.keyPackage} with the same key; ` +
                          `each token must appear once: remove the duplicate`
                    : "",
            );
        }
        if (!same) {
            for (const record of group) {
                clash.set(
                    record,
                    `serial number ${serial} is in KeyPackages ${where} with different keys or settings, all valid now: ` +
                        "it cannot be told which one the " +
                        "token holds, so none was loaded; remove the stale KeyPackage (or ask the vendor for Policy dates that tell them apart)",
                );
            }
        }
    }

    // 5. Load or report, in file order.
    const loadedSerials = new Map<string, number | undefined>();
    const pending: Array<() => void> = [];
    for (const record of records) {
        const location = record.location;
        if (record.kind === "pin") {
            collector.warn(
                location,
                `Key ${record.keyId ? `"${record.keyId}" ` : ""}is a PIN key (pskc:pin): ` +
                    `it holds the device PIN another key's PINPolicy refers to, not an OTP token, so it was not loaded`,
                "not-otp",
            );
            continue;
        }
        if (record.kind === "other" || (record.kind === "none" && defaults.type === undefined)) {
            collector.reject(location, [notOtpMessage(record)], undefined, "not-otp");
            continue;
        }
        if (record.issues.length > 0) {
            collector.reject(location, record.issues, undefined, record.cause);
            continue;
        }
        if (record.policyIssue !== undefined) {
            const issue = record.policyIssue;
            // Said after the loop, so it can name the KeyPackage that holds this serial's current key.
            pending.push(() => {
                const current = record.draft.serialNumber ? loadedSerials.get(record.draft.serialNumber) : undefined;
                const elsewhere = current !== undefined && current !== location.keyPackage;
                const note = elsewhere ? ` (KeyPackage ${current} holds the key valid now for this serial)` : "";
                collector.reject(location, [issue + note], undefined, "policy");
            });
            continue;
        }
        const clashMessage = clash.get(record);
        if (clashMessage) {
            collector.reject(location, [clashMessage], undefined, "duplicate");
            continue;
        }
        const token = collector.accept(record.draft, location, [], undefined, false);
        if (!token) continue;
        loadedSerials.set(token.serialNumber, location.keyPackage);
        if (record.serialFromKeyId) {
            collector.warn(
                location,
                `no DeviceInfo/SerialNo: used Key Id "${record.keyId}" as the serial number; check it matches the serial printed on the token ` +
                    "(or add <SerialNo> to DeviceInfo), because PingOne users enter that serial",
            );
        }
        if (record.deviceExpiry) {
            collector.warn(
                location,
                `DeviceInfo says the device expired on ${record.deviceExpiry}; the key has no expiry of its own, so it was loaded, but the token ` +
                    "(its battery) may no longer work: check one before the roll-out",
                "policy",
            );
        }
    }
    for (const report of pending) report();
    return collector.result();
}

function readKeyRecord(
    pkg: XmlElement,
    key: XmlElement,
    packageLocation: SeedLocation,
    containerAlgorithm: string | undefined,
): KeyRecord {
    const info = childOf(pkg, "DeviceInfo", "DeviceId");
    const deviceSerial = textAt(info, "SerialNo");
    const keyId = attrOf(key, "Id", "KeyId", "SecretId");
    const algorithm = attrOf(key, "Algorithm", "KeyAlgorithm", "SecretAlgorithm");
    const serialNumber = deviceSerial || keyId || undefined;
    const location: SeedLocation = { ...packageLocation };
    if (serialNumber) location.serialNumber = serialNumber;

    const kind = keyKind(algorithm);
    const draft: TokenDraft = {};
    if (kind === "HOTP" || kind === "TOTP") draft.type = kind;
    if (serialNumber) draft.serialNumber = serialNumber;
    const manufacturer = textAt(info, "Manufacturer");
    const model = textAt(info, "Model");
    if (manufacturer) draft.manufacturer = manufacturer;
    if (model) draft.model = model;

    const record: KeyRecord = {
        location,
        kind,
        serialFromKeyId: !deviceSerial && !!keyId,
        draft,
        issues: [],
        values: {},
        failures: [],
        policy: readPolicy(key),
    };
    if (algorithm) record.algorithm = algorithm;
    if (keyId) record.keyId = keyId;
    const deviceExpiry = textAt(info, "ExpiryDate") ?? textAt(info, "Expiry");
    const expiry = deviceExpiry ? parseDate(deviceExpiry) : undefined;
    if (deviceExpiry && expiry && expiry.getTime() < Date.now()) record.deviceExpiry = deviceExpiry;

    const parameters = child(key, "AlgorithmParameters");
    const suite = textAt(parameters, "Suite");
    if (suite) {
        const hash = suiteHash(suite);
        if (hash) draft.hashAlgorithm = hash;
        else
            record.issues.push(
                `AlgorithmParameters/Suite "${suite}" names no hash PingOne supports (SHA1, SHA256, SHA512)`,
            );
    }
    const format = child(parameters, "ResponseFormat") ?? child(key, "Usage", "ResponseFormat");
    const lengthText = attrOf(format, "Length", "length");
    if (lengthText !== undefined) {
        const length = parseWholeNumber(lengthText);
        if (length === undefined) record.issues.push(`ResponseFormat Length "${lengthText}" is not a number`);
        else draft.otpLength = length;
    }
    const encoding = attrOf(format, "Encoding", "Format", "format");
    if (encoding && encoding.toUpperCase() !== "DECIMAL") {
        record.issues.push(
            `ResponseFormat Encoding "${encoding}" is not supported: PingOne OATH tokens show decimal digits`,
        );
    }

    // RFC 6030: Data/Secret, Data/Counter ...; drafts: <Data Name="SECRET"><Value> (+ValueDigest).
    const data = child(key, "Data");
    const secret = child(data, "Secret");
    if (secret) record.values.secret = valueSource(secret);
    const counter = child(data, "Counter");
    if (counter) record.values.counter = valueSource(counter);
    const interval = child(data, "TimeInterval");
    if (interval) record.values.timeInterval = valueSource(interval);
    const encryptedByHeader = algorithmName(containerAlgorithm) !== undefined;
    for (const legacy of children(key, "Data")) {
        const name = attr(legacy, "Name")?.toLowerCase();
        const field = LEGACY_FIELDS[name ?? ""];
        const value = textAt(legacy, "Value");
        if (!field || value === undefined) continue;
        const digest = textAt(legacy, "ValueDigest");
        // A draft value is encrypted when the header names a cipher and the value carries a digest.
        if (encryptedByHeader && digest) {
            const cipher = base64ToBytes(value);
            const mac = base64ToBytes(digest);
            if ("error" in cipher) record.values[field] = { error: `Value: ${cipher.error}` };
            else if ("error" in mac) record.values[field] = { error: `ValueDigest: ${mac.error}` };
            else record.values[field] = { encrypted: { cipher, mac } };
        } else {
            record.values[field] = { plain: value };
        }
    }
    if (record.values.secret === undefined && (kind === "HOTP" || kind === "TOTP" || kind === "none")) {
        const reference = textAt(key, "KeyReference") || textAt(key, "KeyProfileId");
        record.issues.push(
            `no secret in file, key derivation not supported${reference ? ` (the key is only referenced as "${reference}")` : ""}: ` +
                "ask the vendor for a seed file that contains the secrets",
        );
        record.cause = "no-secret";
    }
    return record;
}

function valueSource(holder: XmlElement): ValueSource {
    const encrypted = child(holder, "EncryptedValue");
    if (encrypted) {
        const data = readEncryptedData(encrypted);
        if ("error" in data) return data;
        const macText = textAt(holder, "ValueMAC");
        if (macText !== undefined) {
            const mac = base64ToBytes(macText);
            if ("error" in mac) return { error: `ValueMAC: ${mac.error}` };
            data.mac = mac;
        }
        return { encrypted: data };
    }
    const plain = textAt(holder, "PlainValue");
    if (plain === undefined) return { error: "neither PlainValue nor EncryptedValue is present" };
    return { plain };
}

function openValues(record: KeyRecord, decryptor: PskcDecryptor | undefined): void {
    const { draft, values } = record;
    const open = (field: string, source: ValueSource): Buffer | string | undefined => {
        if ("error" in source) {
            record.issues.push(`${field}: ${source.error}`);
            record.cause ??= "invalid-value";
            return undefined;
        }
        if ("plain" in source) return source.plain;
        if (!decryptor) {
            record.issues.push(
                `${field}: the value is encrypted to a certificate (asymmetric PSKC); only pre-shared keys and passphrases are supported: ` +
                    "ask the vendor for a file protected with a pre-shared key or a passphrase",
            );
            record.cause ??= "unsupported-cipher";
            return undefined;
        }
        const outcome = decryptor.open(source.encrypted);
        if ("error" in outcome) {
            record.failures.push({ field, failure: outcome });
            return undefined;
        }
        return outcome.bytes;
    };
    if (values.secret) {
        const value = open("Secret", values.secret);
        if (typeof value === "string") {
            const bytes = base64ToBytes(value);
            if ("error" in bytes) {
                record.issues.push(`Secret PlainValue: ${bytes.error}`);
                record.cause ??= "invalid-value";
            } else draft.secret = bytes.toString("hex");
        } else if (value) {
            if (value.length === 0) record.issues.push("Secret is empty");
            else draft.secret = value.toString("hex");
        }
    }
    const readInteger = (field: string, source: ValueSource | undefined): number | undefined => {
        if (!source) return undefined;
        const value = open(field, source);
        if (value === undefined) return undefined;
        const number = typeof value === "string" ? plainInteger(value) : bytesToInteger(value);
        if (typeof number === "bigint") {
            record.issues.push(
                `${field} ${number} is above ${Number.MAX_SAFE_INTEGER}, the largest value this loader can carry exactly`,
            );
            record.cause ??= "pingone-limit";
            return undefined;
        }
        if (number === undefined) {
            record.issues.push(`${field} is not a whole number (neither decimal text nor base64 of one)`);
            record.cause ??= "invalid-value";
        }
        return number;
    };
    const kind = record.kind === "none" ? undefined : record.kind;
    if (kind === "HOTP" || (kind === undefined && values.counter)) {
        const counter = readInteger("Counter", values.counter);
        if (counter !== undefined) draft.counter = counter;
    }
    if (kind === "TOTP" || (kind === undefined && values.timeInterval)) {
        const interval = readInteger("TimeInterval", values.timeInterval);
        if (interval !== undefined) draft.timeStep = interval;
    }
}

/** A plain integer: decimal text, or base64 of ASCII digits or of big-endian bytes (as python-pskc reads it). */
function plainInteger(value: string): number | bigint | undefined {
    if (/^\s*\d+\s*$/.test(value)) return exactInteger(BigInt(value.trim()));
    const bytes = base64ToBytes(value);
    return "error" in bytes ? undefined : bytesToInteger(bytes);
}

/**
 * Encrypted or base64 integers: ASCII digits (some producers), else big-endian bytes (RFC 6030
 * section 6.1). A bigint is returned for values a JavaScript number cannot hold exactly.
 */
function bytesToInteger(bytes: Buffer): number | bigint | undefined {
    const ascii = bytes.toString("latin1");
    if (/^\d+$/.test(ascii)) return exactInteger(BigInt(ascii));
    if (bytes.length === 0 || bytes.length > 8) return undefined;
    return exactInteger(BigInt(`0x${bytes.toString("hex")}`));
}

function exactInteger(value: bigint): number | bigint {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function readPolicy(key: XmlElement): PolicyFacts {
    const policy = child(key, "Policy");
    const facts: PolicyFacts = { usage: [], unknown: [] };
    const startText = textAt(policy, "StartDate") ?? textAt(key, "StartDate");
    const expiryText = textAt(policy, "ExpiryDate") ?? textAt(key, "ExpiryDate");
    if (startText) {
        facts.startText = startText;
        const date = parseDate(startText);
        if (date) facts.start = date;
        else facts.unknown.push(`StartDate "${startText}" (not a date)`);
    }
    if (expiryText) {
        facts.expiryText = expiryText;
        const date = parseDate(expiryText);
        if (date) facts.expiry = date;
        else facts.unknown.push(`ExpiryDate "${expiryText}" (not a date)`);
    }
    for (const usage of children(policy, "KeyUsage")) {
        const value = text(usage);
        if (value) facts.usage.push(value);
    }
    // Drafts: <Usage OTP="true" CR="false">.
    const usage = child(key, "Usage");
    for (const flag of USAGE_FLAGS) if (isTrue(attr(usage, flag))) facts.usage.push(flag);
    for (const name of childNames(policy)) if (!KNOWN_POLICY_CHILDREN.has(name)) facts.unknown.push(name);
    const pin = child(policy, "PINPolicy");
    for (const name of childNames(pin)) facts.unknown.push(`PINPolicy/${name}`);
    for (const name of attrNames(pin)) if (!KNOWN_PIN_ATTRIBUTES.has(name)) facts.unknown.push(`PINPolicy@${name}`);
    return facts;
}

function policyIssue(policy: PolicyFacts, now: Date): string | undefined {
    if (policy.unknown.length > 0) {
        return (
            `the key's Policy holds what this loader does not understand (${policy.unknown.join(", ")}); RFC 6030 section 5 says such a key ` +
            "must not be used, so it was not loaded: ask the vendor what the policy means"
        );
    }
    if (policy.usage.length > 0 && !policy.usage.includes("OTP")) {
        return `the key's Policy allows ${policy.usage.join(", ")} only, not OTP, so it cannot be an OTP token and was not loaded`;
    }
    if (policy.start && policy.start.getTime() > now.getTime()) {
        return (
            `the key is not valid yet: its Policy StartDate is ${policy.startText} (now is ${now.toISOString()}); not loaded: ` +
            `load the file again from that date`
        );
    }
    if (policy.expiry && policy.expiry.getTime() < now.getTime()) {
        return (
            `the key expired: its Policy ExpiryDate is ${policy.expiryText} (now is ${now.toISOString()}); not loaded: ` +
            `ask the vendor for the token's current key, or replace the token`
        );
    }
    return undefined;
}

/** ISO 8601 (xs:dateTime; no zone means UTC, as python-pskc compares) or a draft's MM/DD/YYYY. */
function parseDate(value: string): Date | undefined {
    const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value.trim());
    if (us) return new Date(Date.UTC(Number(us[3]), Number(us[1]) - 1, Number(us[2])));
    const iso = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?)?(Z|[+-]\d\d:\d\d)?$/.exec(value.trim());
    if (!iso) return undefined;
    const withZone = iso[4] ? value.trim() : `${value.trim()}${iso[1] ? "" : "T00:00:00"}Z`;
    const date = new Date(withZone);
    return Number.isNaN(date.getTime()) ? undefined : date;
}

function isTrue(value: string | undefined): boolean {
    return value !== undefined && /^(true|1)$/i.test(value);
}

function keyKind(uri: string | undefined): KeyRecord["kind"] {
    if (!uri) return "none";
    const last = uri.split(/[:#/]/).pop()?.toLowerCase();
    if (last === "hotp") return "HOTP";
    if (last === "totp") return "TOTP";
    if (last === "pin") return "pin";
    return "other";
}

function notOtpMessage(record: KeyRecord): string {
    if (record.kind === "none") {
        return (
            "the Key has no Algorithm attribute, so it is not known to be HOTP or TOTP and was not loaded: ask the vendor, or give the type " +
            "with the defaults option (seedFileOptions.defaults.type, check-seeds --type) if you know it"
        );
    }
    const uri = record.algorithm ?? "";
    const what = /ocra/i.test(uri)
        ? " (an OCRA challenge-response key)"
        : /yubi/i.test(uri)
          ? " (a Yubico OTP key)"
          : /securid/i.test(uri)
            ? " (an RSA SecurID key)"
            : /actividentity/i.test(uri)
              ? " (an ActivIdentity 3DES key)"
              : "";
    return (
        `key algorithm "${uri}" is not HOTP or TOTP${what}; only OATH HOTP/TOTP keys can be PingOne OATH tokens, ` +
        `so this KeyPackage was skipped`
    );
}

/** Suite texts seen in files: "HMAC-SHA1", "SHA256", "hmac-sha512". */
function suiteHash(suite: string): OathHashAlgorithm | undefined {
    const match = /sha-?(1|256|512)(?!\d)/i.exec(suite);
    return match ? parseHashName(`sha${match[1]}`) : undefined;
}

/** What a token would load as (values the file leaves out count as their defaults). */
function fingerprint(record: KeyRecord, defaults: ResolvedDefaults): string {
    const d = record.draft;
    const type = d.type ?? defaults.type ?? "HOTP";
    const position =
        type === "HOTP"
            ? (d.counter ?? defaults.counter ?? oathTokenDefaults.counter)
            : (d.timeStep ?? defaults.timeStep ?? oathTokenDefaults.timeStep);
    const digits = d.otpLength ?? defaults.otpLength ?? oathTokenDefaults.otpLength;
    const hash = d.hashAlgorithm ?? defaults.hashAlgorithm ?? oathTokenDefaults.hashAlgorithm;
    return JSON.stringify([type, d.secret, digits, hash, position]);
}

/**
 * Typed attributes and elements must hold what the schema says (python-pskc refuses the file
 * otherwise); a producer that writes "TWELVE" for a number cannot be trusted with the rest.
 */
function checkSchema(file: string, packages: XmlElement[], positionOf: (index: number) => number): void {
    const fail = (index: number, what: string): never => {
        throw seedFileError(
            file,
            `KeyPackage ${positionOf(index)}: ${what}: the file does not follow the PSKC schema, so none of it is loaded; ` +
                `ask the vendor for a corrected file`,
        );
    };
    packages.forEach((pkg, index) => {
        for (const key of [...children(pkg, "Key"), ...children(pkg, "Secret")]) {
            const formats = [
                ["ResponseFormat", child(key, "AlgorithmParameters", "ResponseFormat")],
                ["ChallengeFormat", child(key, "AlgorithmParameters", "ChallengeFormat")],
                ["ResponseFormat", child(key, "Usage", "ResponseFormat")],
                ["ChallengeFormat", child(key, "Usage", "ChallengeFormat")],
            ] as const;
            for (const [name, format] of formats) {
                for (const attribute of ["CheckDigits", "CheckDigit"]) {
                    const value = attr(format, attribute);
                    if (value !== undefined && !BOOLEAN.test(value))
                        fail(index, `${name} ${attribute}="${value}" is not a boolean (true/false)`);
                }
                for (const attribute of ["Length", "length", "Min", "min", "Max", "max"]) {
                    const value = attr(format, attribute);
                    if (value !== undefined && !/^\d+$/.test(value))
                        fail(index, `${name} ${attribute}="${value}" is not a whole number`);
                }
            }
            const usage = child(key, "Usage");
            for (const flag of USAGE_FLAGS) {
                const value = attr(usage, flag);
                if (value !== undefined && !BOOLEAN.test(value))
                    fail(index, `Usage ${flag}="${value}" is not a boolean (true/false)`);
            }
            const policy = child(key, "Policy");
            const transactions = textAt(policy, "NumberOfTransactions");
            if (transactions !== undefined && !/^\d+$/.test(transactions)) {
                fail(index, `Policy/NumberOfTransactions "${transactions}" is not a whole number`);
            }
            const pin = child(policy, "PINPolicy");
            for (const attribute of ["MinLength", "MaxLength", "MaxFailedAttempts"]) {
                const value = attr(pin, attribute);
                if (value !== undefined && !/^\d+$/.test(value))
                    fail(index, `PINPolicy ${attribute}="${value}" is not a whole number`);
            }
        }
    });
}
