// Minimal path router (":name" segments) plus the request context and response type handlers use.
import type { IncomingHttpHeaders } from "node:http";
import { invalidRequest, unsupportedMediaType } from "./errors";

export interface RequestContext {
  method: string;
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

  add(method: string, pattern: string, handler: Handler): void {
    this.routes.push({ method, segments: pattern.split("/").filter(Boolean), handler });
  }

  /** undefined when no route has this method and path (the caller answers 404). */
  resolve(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
    let parts: string[];
    try {
      parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return undefined; // malformed percent-encoding cannot name a resource
    }
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
      if (hit) return { handler: route.handler, params };
    }
    return undefined;
  }
}
