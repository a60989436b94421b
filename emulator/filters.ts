// The slice of PingOne's SCIM filter syntax the emulated list endpoints honour:
// `attr eq "value"` clauses joined by `and`. Anything else is refused, not silently ignored, so a
// client relying on an unsupported filter finds out here rather than in production.
import { detail, invalidData, invalidRequest } from "./errors";

const CLAUSE = /\s*([A-Za-z][A-Za-z0-9.]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*/iy;
const AND = /and(?=\s)/iy;

/** Parses `filter` into attribute -> value, with attribute names spelled as in `allowed`. */
export function parseEqFilter(filter: string | null, allowed: readonly string[]): Map<string, string> {
    const result = new Map<string, string>();
    if (filter === null || filter.trim() === "") return result;
    const invalid = (why: string) =>
        invalidRequest(
            `Invalid filter: ${why}`,
            detail("INVALID_FILTER", why, "filter", { allowedValues: [...allowed] }),
        );
    let at = 0;
    for (;;) {
        CLAUSE.lastIndex = at;
        const clause = CLAUSE.exec(filter);
        if (!clause) throw invalid(`expected 'attribute eq "value"' at position ${at}`);
        const attribute = allowed.find((a) => a.toLowerCase() === clause[1].toLowerCase());
        if (!attribute) throw invalid(`filtering on '${clause[1]}' is not supported`);
        result.set(attribute, clause[2].replace(/\\(.)/g, "$1"));
        at = CLAUSE.lastIndex;
        if (at === filter.length) return result;
        AND.lastIndex = at;
        if (!AND.exec(filter)) throw invalid(`expected 'and' at position ${at}`);
        at = AND.lastIndex;
    }
}

/** The `limit` query parameter: a positive integer, or undefined when absent. */
export function parseLimit(query: URLSearchParams): number | undefined {
    const raw = query.get("limit");
    if (raw === null) return undefined;
    const limit = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(limit) || limit < 1) {
        throw invalidData(
            detail("INVALID_VALUE", "limit must be a positive integer", "limit", { rangeMinimumValue: 1 }),
        );
    }
    return limit;
}

/** The `cursor` query parameter of a next link (see render.renderCollection): the offset it encodes, 0 when absent. */
export function parseCursor(query: URLSearchParams): number {
    const raw = query.get("cursor");
    if (raw === null) return 0;
    const match = /^offset:(\d{1,9})$/.exec(Buffer.from(raw, "base64url").toString("utf8"));
    if (!match) {
        throw invalidData(
            detail(
                "INVALID_VALUE",
                "cursor is not one this collection handed out (use the next link as given)",
                "cursor",
            ),
        );
    }
    return Number(match[1]);
}
