// Access tokens of the client_credentials grant. They are JWT-shaped (HS256 with a per-emulator
// key) like PingOne's, so clients that peek at `exp` work, but validity is decided by this
// registry: that is what lets tests revoke every token at once.
import { createHmac, randomBytes, randomUUID } from "node:crypto";

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

export class AccessTokenRegistry {
  private readonly signingKey = randomBytes(32);
  private readonly expiries = new Map<string, number>(); // token -> expiry (ms, real clock)

  constructor(private readonly ttlSeconds: number) {
    if (!(ttlSeconds > 0)) throw new RangeError("accessTokenTtlSeconds must be positive");
  }

  issue(issuer: string, envId: string, clientId: string): { token: string; expiresIn: number } {
    this.forgetExpired();
    const issuedAt = Date.now();
    const header = base64url(JSON.stringify({ alg: "HS256", typ: "JWT", kid: "emulator" }));
    const payload = base64url(
      JSON.stringify({
        iss: issuer,
        aud: ["https://api.pingone.com"],
        sub: clientId,
        client_id: clientId,
        env: envId,
        iat: Math.floor(issuedAt / 1000),
        exp: Math.floor(issuedAt / 1000) + this.ttlSeconds,
        jti: randomUUID(),
      }),
    );
    const signature = createHmac("sha256", this.signingKey).update(`${header}.${payload}`).digest("base64url");
    const token = `${header}.${payload}.${signature}`;
    this.expiries.set(token, issuedAt + this.ttlSeconds * 1000);
    return { token, expiresIn: this.ttlSeconds };
  }

  isValid(token: string): boolean {
    const expiry = this.expiries.get(token);
    return expiry !== undefined && Date.now() < expiry;
  }

  /** The tokens still valid, so tests can search logs and state for them. */
  valid(): string[] {
    this.forgetExpired();
    return [...this.expiries.keys()];
  }

  /** Every token issued so far becomes invalid. */
  expireAll(): void {
    this.expiries.clear();
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [token, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(token);
  }
}
