import { randomBytes } from "node:crypto";
import { oathTokenFingerprint } from "../provider/model/oathToken";

export interface GeneratedToken {
    serialNumber: string;
    secretHex: string;
    /** HOTP counter at programming time (default 0). */
    counter?: number;
}

/**
 * A plain-value PSKC (RFC 6030) container of 6-digit HOTP keys, as a vendor ships it. `broken` serials
 * get a KeyPackage without a secret, which a loader must report. Used by the e2e tests and the bench.
 */
export function pskcDocument(tokens: GeneratedToken[], broken: string[] = []): string {
    const packages = [...tokens, ...broken.map((serialNumber) => ({ serialNumber, secretHex: "", counter: 0 }))].map(
        (t, i) => `  <KeyPackage>
    <DeviceInfo><Manufacturer>Manufacturer</Manufacturer><SerialNo>${t.serialNumber}</SerialNo></DeviceInfo>
    <Key Id="${i + 1}" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:hotp">
      <Issuer>Issuer</Issuer>
      <AlgorithmParameters><ResponseFormat Length="6" Encoding="DECIMAL"/></AlgorithmParameters>
      <Data>${
          t.secretHex
              ? `
        <Secret><PlainValue>${Buffer.from(t.secretHex, "hex").toString("base64")}</PlainValue></Secret>`
              : ""
      }
        <Counter><PlainValue>${t.counter ?? 0}</PlainValue></Counter>
      </Data>
    </Key>
  </KeyPackage>`,
    );
    return `<?xml version="1.0" encoding="UTF-8"?>
<KeyContainer Version="1.0" xmlns="urn:ietf:params:xml:ns:keyprov:pskc">
${packages.join("\n")}
</KeyContainer>
`;
}

/** The fingerprint a fleet's batch inputs carry for a token of `pskcDocument` (HOTP, 6 digits, HMAC-SHA1). */
export function generatedTokenFingerprint(token: GeneratedToken): string {
    return oathTokenFingerprint({ secret: token.secretHex, type: "HOTP", otpLength: 6, hashAlgorithm: "HmacSHA1" });
}

export function randomTokens(count: number, prefix: string): GeneratedToken[] {
    return Array.from({ length: count }, (_, i) => ({
        serialNumber: `${prefix}${String(i + 1).padStart(5, "0")}`,
        secretHex: randomBytes(20).toString("hex"),
    }));
}
