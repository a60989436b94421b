// Vendors ship secrets as hex, base32 or base64; PingOne wants lowercase hex. Converting the
// encoding wrongly is the most common import bug, so every decoder here is strict: it rejects
// what it does not understand instead of guessing, and says what the input looked like.

export type Decoded = { hex: string } | { error: string };

const HEX = /^[0-9a-f]*$/i;
const BASE32 = /^[A-Z2-7]*$/;
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Whitespace inside a secret is a display convention ("3132 3334"), never data. */
function squeeze(text: string): string {
    return text.replace(/\s+/g, "");
}

/** A hex secret: even length, hex digits only; an optional 0x prefix is tolerated. */
export function hexSecretToHex(input: string): Decoded {
    let text = squeeze(input);
    if (/^0x/i.test(text)) text = text.slice(2);
    if (text.length === 0) return { error: "the secret is empty" };
    if (!HEX.test(text)) {
        const hint = looksLikeBase32(text)
            ? " (it looks like base32: use the Microsoft Entra layout, or convert it to hex first)"
            : "";
        return { error: `the secret is not hex: it contains characters other than 0-9 and a-f${hint}` };
    }
    if (text.length % 2 !== 0) {
        return {
            error: `the hex secret has an odd number of digits (${text.length}); a byte is two hex digits, so a digit is missing or extra`,
        };
    }
    return { hex: text.toLowerCase() };
}

function looksLikeBase32(text: string): boolean {
    return /[g-z]/i.test(text) && BASE32.test(text.toUpperCase().replace(/=+$/, ""));
}

/** RFC 4648 base32 (case-insensitive, padding optional) to hex. */
export function base32ToHex(input: string): Decoded {
    const text = squeeze(input).toUpperCase();
    const body = text.replace(/=+$/, "");
    if (body.length === 0) return { error: "the secret is empty" };
    if (!BASE32.test(body)) {
        return {
            error: "the secret is not base32: only the letters A-Z and the digits 2-7 are allowed (0, 1, 8 and 9 never occur in base32)",
        };
    }
    // 8 base32 characters carry 5 bytes; a last group of 1, 3 or 6 characters cannot come from
    // whole bytes, so the secret was truncated or mistyped.
    if ([1, 3, 6].includes(body.length % 8)) {
        return {
            error: `the base32 secret has an impossible length (${body.length} characters): it was probably truncated or has a character missing`,
        };
    }
    const bytes: number[] = [];
    let buffer = 0;
    let bits = 0;
    for (const char of body) {
        buffer = (buffer << 5) | BASE32_ALPHABET.indexOf(char);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            bytes.push((buffer >> bits) & 0xff);
        }
        buffer &= (1 << bits) - 1; // keep only the bits not yet emitted
    }
    return { hex: Buffer.from(bytes).toString("hex") };
}

/** Strict base64 (whitespace allowed, as PSKC files wrap long values) to bytes. */
export function base64ToBytes(input: string): Buffer | { error: string } {
    const text = squeeze(input);
    if (text.length === 0) return { error: "the value is empty" };
    if (!BASE64.test(text) || text.length % 4 !== 0) {
        return { error: "the value is not valid base64" };
    }
    return Buffer.from(text, "base64");
}
