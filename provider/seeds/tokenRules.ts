// PingOne's rules for an OATH token, applied the same way whatever file format a seed came
// from, plus the collector every loader uses to turn drafts into tokens or problems.

import type { HashAlgorithm, OtpType, SeedLoadResult, SeedLocation, SeedProblem, TokenSeed } from "./types";

/** What a loader read for one token, before PingOne's rules are applied. */
export interface TokenDraft {
  serialNumber?: string;
  secretHex?: string;
  type: OtpType;
  otpLength?: number;
  hashAlgorithm?: HashAlgorithm;
  counter?: number;
  timeStep?: number;
  manufacturer?: string;
  model?: string;
  assignedTo?: { username: string };
}

const SERIAL = /^[A-Za-z0-9]{1,50}$/;

/** PingOne accepts serials of 1-50 letters and digits; returns what is wrong, if anything. */
export function serialIssue(serial: string | undefined): string | undefined {
  if (serial === undefined || serial === "") {
    return "the serial number is missing: PingOne needs the serial printed on the token";
  }
  if (!SERIAL.test(serial)) {
    return `serial number "${serial}" is not accepted by PingOne: it must be 1 to 50 letters and digits (no spaces, dashes or other symbols)`;
  }
  return undefined;
}

/** A non-negative whole number written in decimal, or undefined. */
export function parseWholeNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** "sha1", "SHA-256", "HMAC-SHA512", "HmacSHA1" ... to PingOne's names. */
export function parseHashName(text: string): HashAlgorithm | undefined {
  const name = text.trim().toLowerCase().replace(/^hmac[-_]?/, "").replace(/[-_]/g, "");
  if (name === "sha1") return "HmacSHA1";
  if (name === "sha256") return "HmacSHA256";
  if (name === "sha512") return "HmacSHA512";
  return undefined;
}

export function describeLocation(location: SeedLocation): string {
  if (location.line !== undefined) return `line ${location.line}`;
  if (location.keyPackage !== undefined) return `KeyPackage ${location.keyPackage}`;
  return location.file;
}

/** Collects tokens and problems for one file; enforces the rules and rejects duplicate serials. */
export class TokenCollector {
  private readonly tokens: TokenSeed[] = [];
  private readonly problems: SeedProblem[] = [];
  private readonly seen = new Map<string, SeedLocation>();

  /** Record a row/KeyPackage that could not be loaded; all issues go into one message. */
  reject(location: SeedLocation, issues: string[], hint?: string): void {
    const message = joinIssues(issues) + (hint ? ` (${hint})` : "");
    this.problems.push({ location, message, severity: "error" });
  }

  warn(location: SeedLocation, message: string): void {
    this.problems.push({ location, message, severity: "warning" });
  }

  /** Apply PingOne's rules to a draft; loads it, or records why not (with earlier issues). */
  accept(draft: TokenDraft, location: SeedLocation, earlierIssues: string[] = [], hint?: string): TokenSeed | undefined {
    const issues = [...earlierIssues];
    const serial = serialIssue(draft.serialNumber);
    if (serial) issues.push(serial);
    if (draft.secretHex === undefined && earlierIssues.length === 0) issues.push("the secret is missing");

    const otpLength = draft.otpLength ?? 6;
    if (otpLength !== 6 && otpLength !== 8) {
      issues.push(`OTP length ${otpLength} is not supported: PingOne accepts 6 or 8 digits`);
    }
    const hashAlgorithm = draft.hashAlgorithm ?? "HmacSHA1";
    if (draft.type === "HOTP" && hashAlgorithm !== "HmacSHA1") {
      issues.push(`HOTP with ${hashAlgorithm} is not supported: PingOne's HOTP tokens use HmacSHA1 only`);
    }
    const timeStep = draft.timeStep ?? 30;
    if (draft.type === "TOTP" && timeStep !== 30 && timeStep !== 60) {
      issues.push(`time step ${timeStep} s is not supported: PingOne accepts 30 or 60 seconds`);
    }

    if (issues.length > 0 || draft.secretHex === undefined || draft.serialNumber === undefined) {
      this.reject(location, issues, hint);
      return undefined;
    }
    const first = this.seen.get(draft.serialNumber);
    if (first) {
      this.reject(location, [
        `serial number ${draft.serialNumber} already appeared at ${describeLocation(first)}; each token must appear once: remove or correct the duplicate`,
      ]);
      return undefined;
    }
    this.seen.set(draft.serialNumber, location);

    const token: TokenSeed = {
      serialNumber: draft.serialNumber,
      secretHex: draft.secretHex,
      type: draft.type,
      otpLength: otpLength as 6 | 8,
      hashAlgorithm,
      location,
    };
    if (draft.type === "HOTP") token.counter = draft.counter ?? 0;
    else token.timeStep = timeStep as 30 | 60;
    if (draft.manufacturer) token.manufacturer = draft.manufacturer;
    if (draft.model) token.model = draft.model;
    if (draft.assignedTo) token.assignedTo = draft.assignedTo;
    this.tokens.push(token);
    return token;
  }

  /** How many tokens have loaded so far. */
  get loaded(): number {
    return this.tokens.length;
  }

  /** Problems recorded so far (read-only view, e.g. for a SeedFileError). */
  get recorded(): readonly SeedProblem[] {
    return this.problems;
  }

  result(): SeedLoadResult {
    return { tokens: [...this.tokens], problems: [...this.problems] };
  }
}

function joinIssues(issues: string[]): string {
  return issues.length > 0 ? issues.join("; ") : "the token could not be read";
}
