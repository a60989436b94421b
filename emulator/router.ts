// Minimal path router (":name" segments) plus the request context and response type handlers use.
import type { IncomingHttpHeaders } from "node:http";
import { invalidPath, invalidRequest, unsupportedMediaType } from "./errors";

export interface RequestContext {
    method: string;
    /** The canonical path (see canonicalTarget): decoded once, no empty or dot segments. */
    path: string;
    query: URLSearchParams;
    headers: IncomingHttpHeaders;
    /** Raw Content-Type header. */
    contentType: string | undefined;
    /** Lower-case media type without parameters ("" when absent). */
    mediaType: string;
    body: Buffer;
    params: Record<string, string>;
}

export interface ApiResponse {
    status: number;
    body?: unknown;
    headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => ApiResponse;

interface Route {
    method: string;
    segments: string[];
    handler: Handler;
    anonymous: boolean;
}

export interface RouteOptions {
    /** Served without a bearer token (only the token endpoint). Every other route requires one. */
    anonymous?: boolean;
}

export interface CanonicalTarget {
    /** "/" + the decoded segments joined by "/"; no segment is empty, "." or "..", or holds "/" or "\\". */
    path: string;
    /** The raw query string, without "?". */
    query: string;
}

// RFC 3986 pchar plus "/" and "%": anything else (raw spaces, quotes, "#", "\\", non-ASCII) has no
// business in a request path and is refused rather than guessed at.
const RAW_PATH = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
// Decoded segments must not smuggle a separator or a control character past the checks above.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const FORBIDDEN_DECODED = /[/\\\u0000-\u001f\u007f]/;

/**
 * Parses an origin-form request target into the one canonical path that auth, routing, fault
 * matching and the request log all see. Percent-escapes are decoded exactly once, here; anything
 * that another server, proxy or a second decode could read as a different path (empty segments,
 * "." / "..", encoded "/" or "\\", bad escapes, absolute-form or "*" targets) is refused with 400
 * instead of being collapsed, because PingOne's clients never send such paths and a guess is how
 * "//v1" and "/%761" used to slip past the bearer check.
 */
export function canonicalTarget(target: string): CanonicalTarget {
    const queryAt = target.indexOf("?");
    const rawPath = queryAt < 0 ? target : target.slice(0, queryAt);
    const query = queryAt < 0 ? "" : target.slice(queryAt + 1);
    if (!rawPath.startsWith("/")) {
        throw invalidPath(
            rawPath,
            'the request target must be a path starting with "/" (absolute-form and "*" targets are not served)',
        );
    }
    if (!RAW_PATH.test(rawPath)) throw invalidPath(rawPath, "it contains a character that must be percent-encoded");
    if (rawPath === "/") return { path: "/", query };
    const segments = rawPath
        .slice(1)
        .split("/")
        .map((raw, index) => {
            if (raw === "")
                throw invalidPath(rawPath, `empty segment at position ${index + 1} ("//" or a trailing "/")`);
            let decoded: string;
            try {
                decoded = decodeURIComponent(raw);
            } catch {
                throw invalidPath(rawPath, `segment "${raw}" is not valid percent-encoded UTF-8`);
            }
            if (decoded === "." || decoded === "..") throw invalidPath(rawPath, `dot segment "${raw}"`);
            if (FORBIDDEN_DECODED.test(decoded))
                throw invalidPath(rawPath, `segment "${raw}" encodes a slash, backslash or control character`);
            return decoded;
        });
    return { path: `/${segments.join("/")}`, query };
}

export function mediaTypeOf(contentType: string | undefined): string {
    return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

/** Rejects with 415 unless the request's media type is one of `allowed`. */
export function requireMediaType(ctx: RequestContext, ...allowed: string[]): void {
    if (!allowed.includes(ctx.mediaType)) throw unsupportedMediaType(ctx.contentType, allowed);
}

/** The JSON object in the body; an empty body counts as {} so field validation can report what is missing. */
export function jsonObjectBody(ctx: RequestContext): Record<string, unknown> {
    const text = ctx.body.toString("utf8").trim();
    if (text === "") return {};
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch {
        throw invalidRequest("The request body is not valid JSON.");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw invalidRequest("The request body must be a JSON object.");
    }
    return parsed as Record<string, unknown>;
}

export class Router {
    private readonly routes: Route[] = [];

    add(method: string, pattern: string, handler: Handler, options: RouteOptions = {}): void {
        this.routes.push({
            method,
            segments: pattern.split("/").filter(Boolean),
            handler,
            anonymous: options.anonymous === true,
        });
    }

    /**
     * undefined when no route has this method and path (the caller answers 404). `path` must be
     * canonical (canonicalTarget): it is not decoded again, so "%2576" stays the literal "%76".
     */
    resolve(
        method: string,
        path: string,
    ): { handler: Handler; params: Record<string, string>; anonymous: boolean } | undefined {
        const parts = path.split("/").slice(1);
        // A non-canonical path here is a server bug; matching nothing keeps it from reaching a handler.
        if (parts.some((part) => part === "" || part === "." || part === "..")) return undefined;
        for (const route of this.routes) {
            if (route.method !== method || route.segments.length !== parts.length) continue;
            const params: Record<string, string> = {};
            const hit = route.segments.every((segment, i) => {
                if (segment.startsWith(":")) {
                    params[segment.slice(1)] = parts[i];
                    return true;
                }
                return segment === parts[i];
            });
            if (hit) return { handler: route.handler, params, anonymous: route.anonymous };
        }
        return undefined;
    }
}
