import type * as pulumi from "@pulumi/pulumi";
import { connectionFields } from "./client/connection";
import { oathTokenRules } from "./model/oathToken";
import { isRegionCode, pingOneRegions } from "./client/regions";

/** What the engine sends for a value not known until apply (preview). */
export const unknownValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === unknownValue;
}

export type CheckFailure = pulumi.dynamic.CheckFailure;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Collects check failures, each naming the property and the fix. */
export class InputChecker {
    readonly failures: CheckFailure[] = [];

    constructor(private readonly inputs: Record<string, unknown>) {}

    fail(property: string, reason: string): void {
        this.failures.push({ property, reason });
    }

    /** A PingOne id: a UUID. */
    pingOneId(property: string, what: string, required = true): void {
        const value = this.inputs[property];
        if (isUnknown(value)) return;
        if (value === undefined || value === null || value === "") {
            if (required)
                this.fail(
                    property,
                    `${property} is required: the ${what} (a UUID, as PingOne's console and API show it).`,
                );
            return;
        }
        if (typeof value !== "string" || !uuidPattern.test(value)) {
            this.fail(
                property,
                `${property} must be the ${what}, a UUID like 5f1c2e4a-0b6d-4c1e-9a51-3f2d8e7b6a10; got ${describeValue(value)}.`,
            );
        }
    }

    /** A one-time password: 6 to 8 digits. Never echoes the value. */
    otp(property: string, required: boolean, hint: string): void {
        const value = this.inputs[property];
        if (isUnknown(value)) return;
        if (value === undefined || value === null || value === "") {
            if (required) this.fail(property, `${property} is required: ${hint}`);
            return;
        }
        if (typeof value !== "string" || !/^\d{6,8}$/.test(value)) {
            const shape =
                typeof value === "string"
                    ? `${value.length} characters${/^\d*$/.test(value) ? "" : ", not all digits"}`
                    : `a ${typeof value}`;
            this.fail(
                property,
                `${property} must be the 6 to 8 digit code the token shows, as a string (got ${shape}). ${hint}`,
            );
        }
    }

    boolean(property: string): void {
        const value = this.inputs[property];
        if (value === undefined || isUnknown(value)) return;
        if (typeof value !== "boolean")
            this.fail(property, `${property} must be true or false; got ${describeValue(value)}.`);
    }

    /**
     * An OATH token's fields under `prefix` (`""` for OathToken's inputs, `"seed."` for an activation's
     * seed), by PingOne's rules (`oathTokenRules`); the serial number only when `withSerial`; not the fields in
     * `skip` (checked by the caller, e.g. a secret given by reference).
     */
    oathToken(prefix: string, withSerial: boolean, skip: readonly string[] = []): void {
        const values = (prefix === "" ? this.inputs : this.inputs[prefix.replace(/\.$/, "")]) as Record<
            string,
            unknown
        >;
        const check = (field: string, issue: (value: unknown, name: string) => string | undefined, optional = true) => {
            if (skip.includes(field)) return;
            const value = values[field];
            if (isUnknown(value) || (optional && value === undefined)) return;
            const reason = issue(value, prefix + field);
            if (reason) this.fail(prefix + field, `${reason}.`);
        };
        if (withSerial) check("serialNumber", oathTokenRules.serialNumber, false);
        check("secret", oathTokenRules.secret, false);
        check("type", oathTokenRules.type, false);
        check("otpLength", oathTokenRules.otpLength);
        check("hashAlgorithm", (value, name) => oathTokenRules.hashAlgorithm(value, values.type, name));
        check("counter", oathTokenRules.counter);
        check("timeStep", oathTokenRules.timeStep);
    }

    /** The optional `connection` input. */
    connection(property = "connection"): void {
        const value = this.inputs[property];
        if (value === undefined || value === null || isUnknown(value)) return;
        if (typeof value !== "object" || Array.isArray(value)) {
            this.fail(property, `${property} must be an object with ${connectionFields.join(", ")}.`);
            return;
        }
        const known: readonly string[] = connectionFields;
        for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
            if (!known.includes(key)) {
                this.fail(
                    `${property}.${key}`,
                    `${property}.${key} is not a connection setting; use one of ${known.join(", ")}.`,
                );
            } else if (field !== undefined && field !== null && !isUnknown(field) && typeof field !== "string") {
                this.fail(`${property}.${key}`, `${property}.${key} must be a string.`);
            }
        }
        const conn = value as Record<string, unknown>;
        if (
            conn.emulatorStateFile !== undefined &&
            ["clientId", "clientSecret", "apiAccessToken"].some((key) => conn[key] !== undefined)
        ) {
            this.fail(
                `${property}.emulatorStateFile`,
                `${property}.emulatorStateFile selects the embedded emulator instead of PingOne: set it or PingOne credentials, not both.`,
            );
        }
        if (
            typeof conn.regionCode === "string" &&
            !isUnknown(conn.regionCode) &&
            !isRegionCode(conn.regionCode.toUpperCase())
        ) {
            this.fail(
                `${property}.regionCode`,
                `${property}.regionCode "${conn.regionCode}" is not a PingOne region: use one of ${Object.keys(pingOneRegions).join(", ")}.`,
            );
        }
        if (
            typeof conn.environmentId === "string" &&
            !isUnknown(conn.environmentId) &&
            !uuidPattern.test(conn.environmentId)
        ) {
            this.fail(
                `${property}.environmentId`,
                `${property}.environmentId must be the worker application's environment id, a UUID.`,
            );
        }
        for (const urlKey of ["apiUrl", "authUrl"]) {
            const url = conn[urlKey];
            if (typeof url === "string" && !isUnknown(url) && !/^https?:\/\/[^/]+/.test(url)) {
                this.fail(
                    `${property}.${urlKey}`,
                    `${property}.${urlKey} must be an http(s) URL, e.g. http://127.0.0.1:8788${urlKey === "apiUrl" ? "/v1" : ""}.`,
                );
            }
        }
    }
}

/** Short, safe description of a bad value (strings are cut; never used for secrets). */
function describeValue(value: unknown): string {
    if (typeof value === "string") return value.length > 60 ? `"${value.slice(0, 57)}..."` : `"${value}"`;
    return value === null ? "null" : typeof value;
}

/** The same key, compared on old outputs and new inputs: an unknown new value counts as a change. */
function differs(olds: object, news: object, key: string): boolean {
    const [before, after] = [(olds as Record<string, unknown>)[key], (news as Record<string, unknown>)[key]];
    if (isUnknown(after)) return true;
    return JSON.stringify(before ?? null) !== JSON.stringify(after ?? null);
}

/**
 * A diff over named keys of old outputs and new inputs: a change of a `replaceKeys` key replaces the
 * resource, a change of an `updateKeys` key updates it, anything else (one-shot codes, seeds) is no change.
 */
export function diffByKeys(
    olds: object,
    news: object,
    replaceKeys: readonly string[],
    updateKeys: readonly string[],
    deleteBeforeReplace: boolean,
): pulumi.dynamic.DiffResult {
    const replaces = replaceKeys.filter((key) => differs(olds, news, key));
    const updates = updateKeys.filter((key) => differs(olds, news, key));
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace };
}
