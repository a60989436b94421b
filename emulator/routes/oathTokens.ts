// The environment's OATH token inventory: create, read, list (paged) or find by serial, revoke, and resync with
// two consecutive OTPs (also reachable under a user that owns a device paired to the token).
import { invalidOtp } from "../activation";
import { detail, invalidData, notFound } from "../errors";
import { parseCursor, parseEqFilter, parseLimit } from "../filters";
import { parseOathTokenInput } from "../oathTokenInput";
import { renderCollection, renderToken } from "../render";
import { jsonObjectBody, requireMediaType, type ApiResponse, type RequestContext, type Router } from "../router";
import { timestamp, type EnvironmentState, type OathTokenRecord } from "../store";
import type { EmulatorServices } from "./services";

const TOKENS = "/v1/environments/:envId/oathTokens";
const RESYNC = "application/vnd.pingidentity.device.resync+json";

function parseResyncOtps(body: Record<string, unknown>): [string, string] {
    const { otps } = body;
    if (otps === undefined || otps === null) throw invalidData(detail("REQUIRED_VALUE", "otps is required", "otps"));
    const valid =
        Array.isArray(otps) && otps.length === 2 && otps.every((o) => typeof o === "string" && /^\d{1,10}$/.test(o));
    if (!valid)
        throw invalidData(detail("INVALID_VALUE", "otps must be two consecutive OTPs, as strings of digits", "otps"));
    return [otps[0] as string, otps[1] as string];
}

export function registerOathTokenRoutes(router: Router, services: EmulatorServices): void {
    const tokenResponse = (status: number, env: EnvironmentState, token: OathTokenRecord): ApiResponse => ({
        status,
        body: renderToken(services.apiUrl(), env, token),
    });

    const resync = (ctx: RequestContext, env: EnvironmentState, token: OathTokenRecord): ApiResponse => {
        requireMediaType(ctx, RESYNC);
        const [first, second] = parseResyncOtps(jsonObjectBody(ctx));
        const position = services.otp.findConsecutivePair(token, first, second);
        if (position === null) throw invalidOtp("otps");
        services.otp.commit(token, position + 1);
        token.updatedAt = timestamp();
        return tokenResponse(200, env, token);
    };

    router.add("POST", TOKENS, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        requireMediaType(ctx, "application/json");
        const token = env.addToken(parseOathTokenInput(jsonObjectBody(ctx)));
        const response = tokenResponse(201, env, token);
        response.headers = { Location: renderToken(services.apiUrl(), env, token)._links.self.href };
        return response;
    });

    router.add("GET", TOKENS, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        const filter = parseEqFilter(ctx.query.get("filter"), ["serialNumber"]);
        const limit = parseLimit(ctx.query);
        const offset = parseCursor(ctx.query);
        const serial = filter.get("serialNumber");
        let tokens: OathTokenRecord[];
        if (serial === undefined) tokens = [...env.tokens.values()];
        else {
            const match = env.tokenBySerial(serial);
            tokens = match ? [match] : [];
        }
        // Without `limit` every match comes in one page (PingOne's own maximum page size here is not documented).
        return {
            status: 200,
            body: renderCollection(
                `${services.apiUrl()}/environments/${env.id}/oathTokens`,
                "oathTokens",
                tokens,
                limit,
                (t) => renderToken(services.apiUrl(), env, t),
                { offset, query: ctx.query },
            ),
        };
    });

    router.add("GET", `${TOKENS}/:tokenId`, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        return tokenResponse(200, env, env.token(ctx.params.tokenId));
    });

    router.add("DELETE", `${TOKENS}/:tokenId`, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        env.deleteToken(ctx.params.tokenId);
        return { status: 204 };
    });

    router.add("POST", `${TOKENS}/:tokenId`, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        return resync(ctx, env, env.token(ctx.params.tokenId));
    });

    router.add("POST", "/v1/environments/:envId/users/:userId/oathTokens/:tokenId", (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        env.user(ctx.params.userId);
        const token = env.token(ctx.params.tokenId);
        // Under a user, the token is only visible when paired to one of that user's devices.
        if (!env.devicesOfToken(token.id).some((d) => d.userId === ctx.params.userId))
            throw notFound(`OATH token ${token.id} for user ${ctx.params.userId}`);
        return resync(ctx, env, token);
    });
}
