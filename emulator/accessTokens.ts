// Access tokens of the client_credentials grant. They are JWT-shaped (HS256 with a per-emulator
// key) like PingOne's, so clients that peek at `exp` work, but validity is decided by this
// registry: that is what lets tests revoke every token at once. A token is good only in the
// environment whose token endpoint issued it (the registry remembers which; the JWT is not trusted).
import { createHmac, randomBytes, randomUUID } from "node:crypto";

/** What a valid bearer token stands for. */
export interface AccessTokenGrant {
    environmentId: string;
    clientId: string;
}

interface IssuedToken extends AccessTokenGrant {
    expiresAt: number; // ms, real clock
}

function base64url(data: string | Buffer): string {
    return Buffer.from(data).toString("base64url");
}

export class AccessTokenRegistry {
    private readonly signingKey = randomBytes(32);
    private readonly issued = new Map<string, IssuedToken>();

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
        this.issued.set(token, { environmentId: envId, clientId, expiresAt: issuedAt + this.ttlSeconds * 1000 });
        return { token, expiresIn: this.ttlSeconds };
    }

    /** The grant of a token this registry issued and that has not expired; undefined otherwise. */
    verify(token: string): AccessTokenGrant | undefined {
        const issued = this.issued.get(token);
        if (issued === undefined || Date.now() >= issued.expiresAt) return undefined;
        return { environmentId: issued.environmentId, clientId: issued.clientId };
    }

    isValid(token: string): boolean {
        return this.verify(token) !== undefined;
    }

    /** The tokens still valid, so tests can search logs and state for them. */
    valid(): string[] {
        this.forgetExpired();
        return [...this.issued.keys()];
    }

    /** Every token issued so far becomes invalid. */
    expireAll(): void {
        this.issued.clear();
    }

    private forgetExpired(): void {
        const now = Date.now();
        for (const [token, issued] of this.issued) if (issued.expiresAt <= now) this.issued.delete(token);
    }
}
