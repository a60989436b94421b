// A typed view of fast-xml-parser's output, so the PSKC reader can walk elements by local
// name without `any`. Namespace prefixes (pskc:, xenc:, ds:, pkcs5:) are removed at parse
// time: PSKC element names do not collide across the namespaces it uses.

import { XMLParser, XMLValidator } from "fast-xml-parser";

/** An element: text-only elements come back as a string, others as an object. */
export type XmlElement = string | XmlObject;
/** Child elements are arrays (every element is parsed as an array); attributes are strings. */
interface XmlObject {
    [name: string]: XmlElement[] | string;
}

const ATTR = "@_";

const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: ATTR,
    removeNSPrefix: true,
    // Serials such as "0012345" must stay strings, leading zeros intact.
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    // Every element becomes an array, so one KeyPackage and many KeyPackages look the same.
    isArray: (_name: string, _path: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute,
});

export type XmlParseOutcome = { root: XmlObject; rootName: string } | { error: string };

/** Parse a document and return its single root element, or why it is not usable XML. */
export function parseXmlDocument(xml: string): XmlParseOutcome {
    // PSKC never uses a DTD; refusing one rules out entity-expansion attacks.
    if (/<!DOCTYPE/i.test(xml)) {
        return {
            error: "the document has a DOCTYPE; PSKC files have none, and entity declarations are refused for safety",
        };
    }
    const valid = XMLValidator.validate(xml);
    if (valid !== true) {
        return { error: `not well-formed XML (line ${valid.err.line}, column ${valid.err.col}: ${valid.err.msg})` };
    }
    let document: XmlObject;
    try {
        document = parser.parse(xml) as XmlObject;
    } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        // fast-xml-parser stops at 100 nested elements; a PSKC file needs about 10.
        if (/nested/i.test(reason)) {
            return {
                error: "elements are nested more than 100 levels deep (PSKC needs about 10): the file is damaged or not a seed file",
            };
        }
        return { error: `the XML could not be read (${reason})` };
    }
    const names = Object.keys(document).filter((name) => !name.startsWith("?") && !name.startsWith(ATTR));
    const rootName = names[0];
    const rootList = rootName === undefined ? undefined : document[rootName];
    if (rootName === undefined || !Array.isArray(rootList) || rootList.length === 0) {
        return { error: "the document has no root element" };
    }
    const first = rootList[0];
    return { root: typeof first === "string" ? {} : first, rootName };
}

/** All children with this local name. */
export function children(element: XmlElement | undefined, name: string): XmlElement[] {
    if (element === undefined || typeof element === "string") return [];
    const value = element[name];
    return Array.isArray(value) ? value : [];
}

/** The first child with this local name, following a path of names. */
export function child(element: XmlElement | undefined, ...path: string[]): XmlElement | undefined {
    let current = element;
    for (const name of path) {
        current = children(current, name)[0];
        if (current === undefined) return undefined;
    }
    return current;
}

/** The first attribute present among several spellings (pre-RFC drafts used other names). */
export function attrOf(element: XmlElement | undefined, ...names: string[]): string | undefined {
    for (const name of names) {
        const value = attr(element, name);
        if (value !== undefined) return value;
    }
    return undefined;
}

/** The first child present among several names (e.g. KeyPackage, or Device in old drafts). */
export function childOf(element: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
    for (const name of names) {
        const found = child(element, name);
        if (found !== undefined) return found;
    }
    return undefined;
}

/** Names of an element's child elements (attributes and text left out). */
export function childNames(element: XmlElement | undefined): string[] {
    if (element === undefined || typeof element === "string") return [];
    return Object.keys(element).filter((name) => !name.startsWith(ATTR) && name !== "#text");
}

/** Names of an element's attributes, without the parser's prefix. */
export function attrNames(element: XmlElement | undefined): string[] {
    if (element === undefined || typeof element === "string") return [];
    return Object.keys(element)
        .filter((name) => name.startsWith(ATTR))
        .map((name) => name.slice(ATTR.length));
}

/** An attribute value, trimmed. */
export function attr(element: XmlElement | undefined, name: string): string | undefined {
    if (element === undefined || typeof element === "string") return undefined;
    const value = element[ATTR + name];
    return typeof value === "string" ? value.trim() : undefined;
}

/** Text content, trimmed; undefined when the element is absent. */
export function text(element: XmlElement | undefined): string | undefined {
    if (element === undefined) return undefined;
    if (typeof element === "string") return element.trim();
    const value = element["#text"];
    return typeof value === "string" ? value.trim() : "";
}

/** Text of the first element along a path. */
export function textAt(element: XmlElement | undefined, ...path: string[]): string | undefined {
    return text(child(element, ...path));
}
