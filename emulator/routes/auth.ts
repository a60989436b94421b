// The token endpoint, POST /{envId}/as/token: OAuth 2.0 client_credentials (RFC 6749 §4.4) with
// client_secret_basic or client_secret_post. Errors here are OAuth-shaped, not P1Error.
import { OAuthError } from "../errors";
import type { ApiResponse, RequestContext, Router } from "../router";
import type { EmulatorServices } from "./services";

const FORM = "application/x-www-form-urlencoded";

interface ClientCredentials {
    clientId: string;
    clientSecret: string;
    method: "basic" | "post";
}

// RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64; unencoded ones are
// tolerated because many clients skip that step.
function formDecode(value: string): string {
    try {
        return decodeURIComponent(value.replace(/\+/g, " "));
    } catch {
        return value;
    }
}

function basicCredentials(authorization: string | undefined): ClientCredentials | undefined {
    const match = /^Basic\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match) return undefined;
    const decoded = Buffer.from(match[1], "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return undefined;
    return {
        clientId: formDecode(decoded.slice(0, colon)),
        clientSecret: formDecode(decoded.slice(colon + 1)),
        method: "basic",
    };
}

function clientCredentials(ctx: RequestContext, form: URLSearchParams): ClientCredentials | undefined {
    const basic = basicCredentials(ctx.headers.authorization);
    const postId = form.get("client_id");
    const postSecret = form.get("client_secret");
    if (basic && postSecret !== null) {
        throw new OAuthError(400, "invalid_request", "The client must not use more than one authentication method.");
    }
    if (basic) return basic;
    if (postId !== null && postSecret !== null) return { clientId: postId, clientSecret: postSecret, method: "post" };
    return undefined;
}

export function registerAuthRoutes(router: Router, services: EmulatorServices): void {
    // The one route served without a bearer token (anonymous): it is where tokens come from.
    router.add(
        "POST",
        "/:envId/as/token",
        (ctx): ApiResponse => {
            const env = services.store.environment(ctx.params.envId);
            if (ctx.mediaType !== FORM) {
                throw new OAuthError(400, "invalid_request", `The token request must be sent as ${FORM}.`);
            }
            const form = new URLSearchParams(ctx.body.toString("utf8"));

            const client = clientCredentials(ctx, form);
            if (!client || !services.store.clientSecretMatches(env.id, client.clientId, client.clientSecret)) {
                const headers: Record<string, string> =
                    client?.method === "basic" ? { "WWW-Authenticate": 'Basic realm="PingOne"' } : {};
                throw new OAuthError(401, "invalid_client", "Request denied: Client authentication failed.", headers);
            }

            const grantType = form.get("grant_type");
            if (grantType === null || grantType === "") {
                throw new OAuthError(400, "invalid_request", "The request is missing grant_type.");
            }
            if (grantType !== "client_credentials") {
                throw new OAuthError(400, "unsupported_grant_type", `Unsupported grant_type: ${grantType}`);
            }

            const issued = services.accessTokens.issue(`${services.authUrl()}/${env.id}/as`, env.id, client.clientId);
            return {
                status: 200,
                headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
                body: { access_token: issued.token, token_type: "Bearer", expires_in: issued.expiresIn },
            };
        },
        { anonymous: true },
    );
}
