// PSKC (RFC 6030) reader: one TokenSeed per HOTP/TOTP Key, one problem per KeyPackage that
// cannot become a PingOne token.
//
// Decisions:
// - Algorithm URIs are matched on their last segment, so `...pskc:hotp`, `...pskc:totp`,
//   `...pskc#totp` (seen in the wild) and the older `...pskc#hotp` all work.
// - `...pskc:pin` keys are skipped silently: they hold a device PIN (referenced by another
//   key's PINPolicy, as in RFC 6030 figure 5), not an OTP token. Any other algorithm (OCRA,
//   vendor specific) is skipped with a problem, because it may be a token the user expected.
// - Serial: DeviceInfo/SerialNo; without it, Key/@Id is used and a warning says so (vendors
//   often put the serial there, but RFC 6030 figure 2 shows it can be just a key label).
// - Data/Time and Data/TimeDrift are ignored (PingOne has nowhere to put them); Counter is read
//   for HOTP only, TimeInterval for TOTP only.

import { PskcDecryptor, needsTransportKey } from "./pskcCrypto";
import { base64ToBytes } from "./secretEncoding";
import { TokenCollector, parseHashName, parseWholeNumber, type TokenDraft } from "./tokenRules";
import {
  SeedFileError,
  type HashAlgorithm,
  type OtpType,
  type PskcOptions,
  type SeedLoadResult,
  type SeedLocation,
} from "./types";
import { attr, child, children, parseXmlDocument, textAt, type XmlElement } from "./xmlTree";

/** Tallies decryption failures, to tell "wrong key for everything" from one bad value. */
interface DecryptStats {
  attempts: number;
  keyFailures: number;
}

export function parsePskc(xml: string, options: PskcOptions = {}): SeedLoadResult {
  const file = options.file ?? "<pskc>";
  const parsed = parseXmlDocument(xml.replace(/^\uFEFF/, ""));
  if ("error" in parsed) {
    const message = `not a PSKC file: ${parsed.error}`;
    throw new SeedFileError(`${file}: ${message}`, [{ location: { file }, message, severity: "error" }]);
  }
  if (parsed.rootName !== "KeyContainer") {
    const message = `not a PSKC file: the root element is <${parsed.rootName}>, expected <KeyContainer> (RFC 6030)`;
    throw new SeedFileError(`${file}: ${message}`, [{ location: { file }, message, severity: "error" }]);
  }
  const root = parsed.root;
  const decryptor = needsTransportKey(root) ? PskcDecryptor.fromContainer(root, options, file) : undefined;
  const collector = new TokenCollector();
  const stats: DecryptStats = { attempts: 0, keyFailures: 0 };

  const packages = children(root, "KeyPackage");
  if (packages.length === 0) {
    collector.reject({ file }, ["the KeyContainer has no KeyPackage, so there are no tokens to load"]);
  }
  packages.forEach((pkg, index) => {
    const location: SeedLocation = { file, keyPackage: index + 1 };
    const keys = children(pkg, "Key");
    if (keys.length === 0) {
      collector.reject(location, ["the KeyPackage has no Key element"]);
      return;
    }
    for (const key of keys) readKey(pkg, key, location, decryptor, stats, collector);
  });

  // Every encrypted value failing the MAC/padding check means the key is wrong, not the rows.
  if (decryptor && collector.loaded === 0 && stats.attempts > 0 && stats.keyFailures === stats.attempts) {
    const problems = collector.result().problems;
    throw new SeedFileError(
      `${file}: no secret could be decrypted: the preSharedKeyHex/passphrase is wrong or the file was tampered with (${problems[0]?.message ?? ""})`,
      problems,
    );
  }
  return collector.result();
}

function readKey(
  pkg: XmlElement,
  key: XmlElement,
  packageLocation: SeedLocation,
  decryptor: PskcDecryptor | undefined,
  stats: DecryptStats,
  collector: TokenCollector,
): void {
  const algorithm = attr(key, "Algorithm");
  const kind = keyKind(algorithm);
  if (kind === "pin") return;

  const deviceSerial = textAt(pkg, "DeviceInfo", "SerialNo");
  const keyId = attr(key, "Id");
  const serialFromKeyId = !deviceSerial && !!keyId;
  const serialNumber = deviceSerial || keyId || undefined;
  const location: SeedLocation = { ...packageLocation };
  if (serialNumber) location.serialNumber = serialNumber;

  if (kind === undefined) {
    collector.reject(location, [
      `key algorithm "${algorithm ?? "(none)"}" is not HOTP or TOTP; only OATH HOTP/TOTP keys can be PingOne OATH tokens, so this KeyPackage was skipped`,
    ]);
    return;
  }

  const issues: string[] = [];
  const draft: TokenDraft = { type: kind, serialNumber };
  const manufacturer = textAt(pkg, "DeviceInfo", "Manufacturer");
  const model = textAt(pkg, "DeviceInfo", "Model");
  if (manufacturer) draft.manufacturer = manufacturer;
  if (model) draft.model = model;

  const parameters = child(key, "AlgorithmParameters");
  const suite = textAt(parameters, "Suite");
  if (suite) {
    const hash = suiteHash(suite);
    if (hash) draft.hashAlgorithm = hash;
    else issues.push(`AlgorithmParameters/Suite "${suite}" names no hash PingOne supports (SHA1, SHA256, SHA512)`);
  }
  const format = child(parameters, "ResponseFormat");
  const lengthText = attr(format, "Length");
  if (lengthText !== undefined) {
    const length = parseWholeNumber(lengthText);
    if (length === undefined) issues.push(`ResponseFormat Length "${lengthText}" is not a number`);
    else draft.otpLength = length;
  }
  const encoding = attr(format, "Encoding");
  if (encoding && encoding.toUpperCase() !== "DECIMAL") {
    issues.push(`ResponseFormat Encoding "${encoding}" is not supported: PingOne OATH tokens show decimal digits`);
  }

  const data = child(key, "Data");
  const secret = child(data, "Secret");
  if (secret === undefined) {
    const reference = textAt(key, "KeyReference") || textAt(key, "KeyProfileId");
    issues.push(
      `no secret in file, key derivation not supported${reference ? ` (the key is only referenced as "${reference}")` : ""}: ask the vendor for a seed file that contains the secrets`,
    );
  } else {
    const opened = openValue(secret, decryptor, stats);
    if ("issue" in opened) issues.push(`Secret: ${opened.issue}`);
    else if ("bytes" in opened) {
      if (opened.bytes.length === 0) issues.push("Secret is empty");
      else draft.secretHex = opened.bytes.toString("hex");
    } else {
      const bytes = base64ToBytes(opened.plain);
      if ("error" in bytes) issues.push(`Secret PlainValue: ${bytes.error}`);
      else draft.secretHex = bytes.toString("hex");
    }
  }

  if (kind === "HOTP") {
    const counter = readInteger(child(data, "Counter"), "Counter", decryptor, stats, issues);
    if (counter !== undefined) draft.counter = counter;
  } else {
    const interval = readInteger(child(data, "TimeInterval"), "TimeInterval", decryptor, stats, issues);
    if (interval !== undefined) draft.timeStep = interval;
  }

  const token = collector.accept(draft, location, issues);
  if (token && serialFromKeyId) {
    collector.warn(
      location,
      `no DeviceInfo/SerialNo: used Key Id "${keyId}" as the serial number; check it matches the serial printed on the token (or add <SerialNo> to DeviceInfo), because PingOne users enter that serial`,
    );
  }
}

function keyKind(uri: string | undefined): OtpType | "pin" | undefined {
  const last = (uri ?? "").split(/[:#/]/).pop()?.toLowerCase();
  if (last === "hotp") return "HOTP";
  if (last === "totp") return "TOTP";
  if (last === "pin") return "pin";
  return undefined;
}

/** Suite texts seen in files: "HMAC-SHA1", "SHA256", "hmac-sha512". */
function suiteHash(suite: string): HashAlgorithm | undefined {
  const match = /sha-?(1|256|512)(?!\d)/i.exec(suite);
  return match ? parseHashName(`sha${match[1]}`) : undefined;
}

type OpenedValue = { plain: string } | { bytes: Buffer } | { issue: string };

/** PlainValue text, or the decrypted bytes of EncryptedValue (MAC checked). */
function openValue(holder: XmlElement, decryptor: PskcDecryptor | undefined, stats: DecryptStats): OpenedValue {
  if (child(holder, "EncryptedValue")) {
    if (!decryptor) return { issue: "the value is encrypted but the file declares no key" };
    stats.attempts += 1;
    const outcome = decryptor.open(holder);
    if ("error" in outcome) {
      if (outcome.keyRelated) stats.keyFailures += 1;
      return { issue: outcome.error };
    }
    return { bytes: outcome.bytes };
  }
  const plain = textAt(holder, "PlainValue");
  if (plain === undefined) return { issue: "neither PlainValue nor EncryptedValue is present" };
  return { plain };
}

/** An integer Data value; encrypted integers are big-endian bytes (RFC 6030 section 6.1). */
function readInteger(
  holder: XmlElement | undefined,
  name: string,
  decryptor: PskcDecryptor | undefined,
  stats: DecryptStats,
  issues: string[],
): number | undefined {
  if (holder === undefined) return undefined;
  const opened = openValue(holder, decryptor, stats);
  if ("issue" in opened) {
    issues.push(`${name}: ${opened.issue}`);
    return undefined;
  }
  const value = "plain" in opened ? parseWholeNumber(opened.plain) : bytesToInteger(opened.bytes);
  if (value === undefined) issues.push(`${name} is not a whole number PingOne can store`);
  return value;
}

function bytesToInteger(bytes: Buffer): number | undefined {
  // Some producers encrypt the decimal text instead of the 8-byte integer (python-pskc
  // accepts both); 8 bytes are always read as binary.
  const ascii = bytes.toString("latin1");
  if (bytes.length !== 8 && /^\d+$/.test(ascii)) return parseWholeNumber(ascii);
  if (bytes.length === 0 || bytes.length > 8) return undefined;
  const value = BigInt(`0x${bytes.toString("hex")}`);
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}
