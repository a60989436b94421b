// PingOne's API contract (tests/contract/pingone.openapi.json, written from PingOne's own API reference)
// applied to what crossed the wire: the emulator's exchange log (emulator/exchangeLog.ts). Requests are
// checked when this project's client sent them (its User-Agent); responses are checked whoever asked.
// Ajv does the schema work; this file only finds the operation an exchange belongs to.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { type ExchangeRecord } from "../emulator";
import { mediaTypeOf } from "../emulator/router";
import { repoRoot } from "./pulumiCli";

export const contractFile = path.join(repoRoot, "tests", "contract", "pingone.openapi.json");

/** This project's client says who it is (provider/client/userAgent.ts); other callers are test code. */
export const CLIENT_USER_AGENT = /^pulumi-pingone-oath\//;

export interface Violation {
    /** e.g. "POST /v1/environments/{environmentId}/users/{userId}/devices (createOathTokenDevice)" */
    call: string;
    side: "request" | "response";
    /** JSON pointer of the offending field ("/serialNumber"), or the header / status concerned. */
    field: string;
    message: string;
}

interface Parameter {
    name: string;
    in: "path" | "query" | "header";
    required?: boolean;
    schema?: object;
}

interface MediaObject {
    schema?: object;
}

interface ResponseObject {
    $ref?: string;
    description?: string;
    headers?: Record<string, { required?: boolean; schema?: object }>;
    content?: Record<string, MediaObject>;
}

interface Operation {
    operationId: string;
    parameters?: Parameter[];
    requestBody?: { required?: boolean; content: Record<string, MediaObject> };
    responses: Record<string, ResponseObject>;
}

interface OpenApiDocument {
    paths: Record<string, Record<string, Operation>>;
    components?: { responses?: Record<string, ResponseObject>; schemas?: Record<string, object> };
}

interface Route {
    template: string;
    segments: string[];
    method: string;
    operation: Operation;
    /** JSON pointer of the operation inside the document, for Ajv $refs. */
    pointer: string;
}

/** What a check of one exchange found, and what it was about. */
export interface ExchangeCheck {
    /** The operation's id, or "(none)" for a path the contract does not have. */
    operationId: string;
    requestChecked: boolean;
    responseChecked: boolean;
    violations: Violation[];
}

const pointerEscape = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

function describeAjvError(error: ErrorObject): { field: string; message: string } {
    const field = error.instancePath || "/";
    if (error.keyword === "additionalProperties") {
        const extra = (error.params as { additionalProperty: string }).additionalProperty;
        return { field: `${error.instancePath}/${extra}`, message: `field "${extra}" is not in the contract` };
    }
    if (error.keyword === "required") {
        const missing = (error.params as { missingProperty: string }).missingProperty;
        return { field: `${error.instancePath}/${missing}`, message: `required field "${missing}" is missing` };
    }
    return { field, message: `${error.message ?? error.keyword} (${error.schemaPath})` };
}

export class ApiContract {
    private readonly ajv: Ajv2020;
    private readonly routes: Route[] = [];
    private readonly validators = new Map<string, ValidateFunction>();

    private constructor(readonly document: OpenApiDocument) {
        this.ajv = new Ajv2020({ strict: true, allErrors: true });
        addFormats(this.ajv);
        // OpenAPI's own keys around the schemas, and the contract's source annotations inside them.
        for (const keyword of ["x-source", "x-undocumented", "openapi", "info", "servers", "paths", "components"])
            this.ajv.addKeyword(keyword);
        this.ajv.addSchema({ ...document, $id: "contract" });
        for (const [template, item] of Object.entries(document.paths)) {
            for (const [method, operation] of Object.entries(item)) {
                this.routes.push({
                    template,
                    segments: template.split("/").slice(1),
                    method: method.toUpperCase(),
                    operation,
                    pointer: `contract#/paths/${pointerEscape(template)}/${method}`,
                });
            }
        }
        // Literal segments win over parameters (".../oathTokens/{id}" before "{environmentId}/as/token").
        const literals = (route: Route) => route.segments.filter((s) => !s.startsWith("{")).length;
        this.routes.sort((a, b) => literals(b) - literals(a));
    }

    static load(file = contractFile): ApiContract {
        return new ApiContract(JSON.parse(readFileSync(file, "utf8")) as OpenApiDocument);
    }

    /** Every operation of the contract, as "METHOD /template (operationId)". */
    operations(): string[] {
        return this.routes.map((r) => `${r.method} ${r.template} (${r.operation.operationId})`);
    }

    /** Checks one exchange: its request when `checkRequest` (the project's client sent it), its response always. */
    check(record: ExchangeRecord, options: { checkRequest: boolean }): ExchangeCheck {
        const route = this.route(record.method, record.path);
        const violations: Violation[] = [];
        const call = route
            ? `${record.method} ${route.template} (${route.operation.operationId})`
            : `${record.method} ${record.path}`;
        if (!route) {
            if (options.checkRequest) {
                violations.push({
                    call,
                    side: "request",
                    field: "path",
                    message: "the client called an endpoint the contract does not have",
                });
            }
            // Nothing is served there: the answer must be one of PingOne's error envelopes.
            if (record.response) this.checkUnroutedResponse(call, record.response, violations);
            return { operationId: "(none)", requestChecked: options.checkRequest, responseChecked: true, violations };
        }
        if (options.checkRequest) this.checkRequest(call, route, record, violations);
        const injected = record.outcome === "failed-injected";
        if (record.response && !injected) this.checkResponse(call, route, record.response, violations);
        return {
            operationId: route.operation.operationId,
            requestChecked: options.checkRequest,
            responseChecked: record.response !== undefined && !injected,
            violations,
        };
    }

    private route(method: string, requestPath: string): Route | undefined {
        const parts = requestPath.split("/").slice(1);
        return this.routes.find(
            (route) =>
                route.method === method &&
                route.segments.length === parts.length &&
                route.segments.every((segment, i) => segment.startsWith("{") || segment === parts[i]),
        );
    }

    private checkRequest(call: string, route: Route, record: ExchangeRecord, violations: Violation[]): void {
        const push = (field: string, message: string) => violations.push({ call, side: "request", field, message });
        const { operation } = route;
        const query = new URLSearchParams(record.query);
        const declared = new Map((operation.parameters ?? []).map((p) => [`${p.in}:${p.name}`, p]));
        for (const name of new Set(query.keys())) {
            const parameter = declared.get(`query:${name}`);
            if (!parameter) {
                push(`query.${name}`, `query parameter "${name}" is not in the contract`);
                continue;
            }
            if (parameter.schema) {
                const pointer = `${route.pointer}/parameters/${operation.parameters!.indexOf(parameter)}/schema`;
                this.validate(pointer, query.get(name), (field, message) => push(`query.${name}${field}`, message));
            }
        }
        for (const parameter of operation.parameters ?? []) {
            if (parameter.in === "query" && parameter.required && !query.has(parameter.name))
                push(`query.${parameter.name}`, `required query parameter "${parameter.name}" is missing`);
        }

        const mediaType = mediaTypeOf(record.request.contentType);
        const body = record.request.body;
        if (!operation.requestBody) {
            if (body !== undefined) push("body", "the operation takes no body, but one was sent");
            return;
        }
        if (body === undefined) {
            if (operation.requestBody.required !== false) push("body", "the operation requires a body; none was sent");
            return;
        }
        const media = operation.requestBody.content[mediaType];
        if (!media) {
            const allowed = Object.keys(operation.requestBody.content).join(", ");
            push("Content-Type", `media type "${mediaType || "(none)"}" is not one of ${allowed}`);
            return;
        }
        if (media.schema) {
            this.validate(`${route.pointer}/requestBody/content/${pointerEscape(mediaType)}/schema`, body, push);
        }
    }

    private checkResponse(
        call: string,
        route: Route,
        response: NonNullable<ExchangeRecord["response"]>,
        violations: Violation[],
    ): void {
        const push = (field: string, message: string) => violations.push({ call, side: "response", field, message });
        const status = String(response.status);
        const declared = route.operation.responses[status];
        if (!declared) {
            const listed = Object.keys(route.operation.responses).join(", ");
            push("status", `status ${status} is not one the contract lists for this call (${listed})`);
            return;
        }
        const base = declared.$ref
            ? `contract#/components/responses/${pointerEscape(declared.$ref.split("/").pop()!)}`
            : `${route.pointer}/responses/${status}`;
        this.checkResponseObject(base, this.resolve(declared), response, push);
    }

    private checkUnroutedResponse(
        call: string,
        response: NonNullable<ExchangeRecord["response"]>,
        violations: Violation[],
    ): void {
        const push = (field: string, message: string) => violations.push({ call, side: "response", field, message });
        if (response.status < 400) {
            push("status", `a path the contract does not have answered ${response.status}, not an error`);
            return;
        }
        const responses = this.document.components?.responses ?? {};
        const name = Object.keys(responses).find(
            (key) => key === String(response.status) || key.endsWith(String(response.status)),
        );
        if (!name) {
            push("status", `no error response ${response.status} in the contract's components`);
            return;
        }
        this.checkResponseObject(
            `contract#/components/responses/${pointerEscape(name)}`,
            responses[name],
            response,
            push,
        );
    }

    private checkResponseObject(
        base: string,
        declared: ResponseObject,
        response: NonNullable<ExchangeRecord["response"]>,
        push: (field: string, message: string) => void,
    ): void {
        for (const [name, header] of Object.entries(declared.headers ?? {})) {
            const value = response.headers[name.toLowerCase()];
            if (value === undefined) {
                if (header.required) push(`header ${name}`, `required header "${name}" is missing`);
                continue;
            }
            if (header.schema) {
                const typed = /^-?\d+$/.test(value) ? Number(value) : value;
                this.validate(`${base}/headers/${pointerEscape(name)}/schema`, typed, (field, message) =>
                    push(`header ${name}${field === "/" ? "" : field}`, message),
                );
            }
        }
        const content = declared.content;
        if (!content) {
            if (response.body !== undefined) push("body", "the contract gives this answer no body, but it had one");
            return;
        }
        const mediaType = mediaTypeOf(response.headers["content-type"]);
        const media = content[mediaType];
        if (!media) {
            push(
                "Content-Type",
                `media type "${mediaType || "(none)"}" is not one of ${Object.keys(content).join(", ")}`,
            );
            return;
        }
        if (media.schema) this.validate(`${base}/content/${pointerEscape(mediaType)}/schema`, response.body, push);
    }

    private resolve(response: ResponseObject): ResponseObject {
        if (!response.$ref) return response;
        const name = response.$ref.split("/").pop()!;
        const target = this.document.components?.responses?.[name];
        if (!target) throw new Error(`The contract refers to a missing response ${response.$ref}`);
        return target;
    }

    private validate(pointer: string, value: unknown, push: (field: string, message: string) => void): void {
        let validate = this.validators.get(pointer);
        if (!validate) {
            validate = this.ajv.compile({ $ref: pointer });
            this.validators.set(pointer, validate);
        }
        if (validate(value)) return;
        for (const error of validate.errors ?? []) {
            const { field, message } = describeAjvError(error);
            push(field, message);
        }
    }
}

/** One line per violation: the call, the side and the field first, then what is wrong. */
export function formatViolations(violations: Violation[]): string {
    return violations.map((v) => `${v.call}: ${v.side} ${v.field}: ${v.message}`).join("\n");
}
