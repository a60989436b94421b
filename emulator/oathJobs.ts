// PingOne's batch OATH token jobs (`POST /environments/{envId}/oathJobs`): the request checks, and the
// work of a create or revoke job on an environment. Sources: the "Create multiple OATH tokens",
// "Revoke multiple OATH tokens" and "Check status of OATH token creation job" / "... revoke job" pages
// of PingOne's API reference. Their example requests are followed; where they are silent (per-token
// errors, the shape of `result.duplicates` entries, a per-job maximum) the choice is the emulator's and
// is said so below.
import { ApiError, detail, invalidData } from "./errors";
import { parseOathTokenInput, type NewOathToken } from "./oathTokenInput";
import type { EnvironmentState, OathJobRecord } from "./store";
import type { OathJobDuplicateJson, OathJobTokenErrorJson, OathJobType, P1ErrorDetail } from "./types";

export const CREATE_JOB_MEDIA_TYPE = "application/vnd.pingidentity.job.oathtokens.create+json";
export const REVOKE_JOB_MEDIA_TYPE = "application/vnd.pingidentity.job.oathtokens.revoke+json";

/**
 * Tokens (or token ids) one job may carry. The PingOne pages consulted name no maximum: 1,000 is the emulator's choice
 * (with the 1 MiB body limit, 1,000 tokens of 200-digit secrets still fit).
 */
const MAX_TOKENS_PER_JOB = 1000;

const JOB_TYPES: Record<string, OathJobType> = {
    [CREATE_JOB_MEDIA_TYPE]: "CREATE_OATH_TOKENS",
    [REVOKE_JOB_MEDIA_TYPE]: "REVOKE_OATH_TOKENS",
};

interface CreateJobRequest {
    type: "CREATE_OATH_TOKENS";
    tokens: unknown[];
}

interface RevokeJobRequest {
    type: "REVOKE_OATH_TOKENS";
    tokenIds: string[];
    /** false: the POST answers once the job is done (200, final job). Default true. */
    async: boolean;
    /** false: paired tokens are left alone and reported. Absent or true: unpaired and revoked. */
    forceUnpair: boolean;
}

export type OathJobRequest = CreateJobRequest | RevokeJobRequest;

/** What a job did: stored in the job record and shown once the job reads finished. */
export type OathJobOutcome = Pick<OathJobRecord, "outcome" | "reason" | "result">;

function listProblems(value: unknown, field: string, what: string): P1ErrorDetail[] {
    if (value === undefined || value === null) return [detail("REQUIRED_VALUE", `${field} is required`, field)];
    if (!Array.isArray(value)) return [detail("INVALID_VALUE", `${field} must be a list of ${what}`, field)];
    if (value.length < 1 || value.length > MAX_TOKENS_PER_JOB) {
        return [
            detail(
                "OUT_OF_RANGE",
                `${field} must hold 1 to ${MAX_TOKENS_PER_JOB} ${what} (it holds ${value.length}); split larger sets into several jobs`,
                field,
                { rangeMinimumValue: 1, rangeMaximumValue: MAX_TOKENS_PER_JOB },
            ),
        ];
    }
    return [];
}

/** `async` is typed String in the docs' table and sent as a JSON boolean in their example: both are taken. */
function booleanField(body: Record<string, unknown>, field: string, problems: P1ErrorDetail[]): boolean | undefined {
    const value = body[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    problems.push(
        detail("INVALID_VALUE", `${field} must be true or false`, field, { allowedValues: ["true", "false"] }),
    );
    return undefined;
}

/**
 * The job a POST body asks for, given its media type (already checked to be one of the two job types).
 * Throws 400 INVALID_DATA listing every problem of the request as a whole; the tokens of a create job
 * are validated one by one when the job runs, so one bad token does not stop the others.
 */
export function parseOathJobRequest(mediaType: string, body: Record<string, unknown>): OathJobRequest {
    const type = JOB_TYPES[mediaType];
    const problems: P1ErrorDetail[] = [];
    if (body.type === undefined || body.type === null || body.type === "") {
        problems.push(detail("REQUIRED_VALUE", "type is required", "type", { allowedValues: [type] }));
    } else if (body.type !== type) {
        problems.push(
            detail("INVALID_VALUE", `type must be ${type} for Content-Type ${mediaType}`, "type", {
                allowedValues: [type],
            }),
        );
    }
    if (type === "CREATE_OATH_TOKENS") {
        problems.push(...listProblems(body.tokens, "tokens", "tokens"));
        if (problems.length > 0) throw invalidData(...problems);
        return { type, tokens: body.tokens as unknown[] };
    }
    problems.push(...listProblems(body.tokenIds, "tokenIds", "token ids"));
    if (Array.isArray(body.tokenIds)) {
        body.tokenIds.forEach((id, index) => {
            if (typeof id !== "string" || id === "")
                problems.push(
                    detail("INVALID_VALUE", "each token id must be a non-empty string", `tokenIds[${index}]`),
                );
        });
    }
    // The docs' table marks `async` Required; the emulator defaults it to true (the docs' example value)
    // rather than refusing a body without it. Clients should send it.
    const isAsync = booleanField(body, "async", problems) ?? true;
    // The docs do not say what forceUnpair false does. Absent, a job revokes like DELETE .../oathTokens/{id}
    // ("unpairing is carried out automatically"); false is read as "do not unpair": paired tokens stay.
    const forceUnpair = booleanField(body, "forceUnpair", problems) ?? true;
    if (problems.length > 0) throw invalidData(...problems);
    return { type, tokenIds: body.tokenIds as string[], async: isAsync, forceUnpair };
}

function errorEntry(error: ApiError): Pick<OathJobTokenErrorJson, "code" | "message" | "details"> {
    const entry: Pick<OathJobTokenErrorJson, "code" | "message" | "details"> = {
        code: error.code,
        message: error.message,
    };
    if (error.details && error.details.length > 0) entry.details = error.details;
    return entry;
}

function rowNumberOf(token: unknown): number | undefined {
    const row = (token as { rowNumber?: unknown } | null)?.rowNumber;
    return typeof row === "number" && Number.isSafeInteger(row) ? row : undefined;
}

/**
 * Creates the job's tokens. Each is validated exactly as POST /oathTokens validates one; an invalid one
 * is reported in `result.errors` with the error that call would answer. A serial the environment holds,
 * or one earlier in the job, is a duplicate (`result.duplicates`) and is not created. If the valid tokens
 * would take the environment over its token cap, the job FAILS and creates nothing.
 */
export function runCreateJob(env: EnvironmentState, tokens: unknown[]): OathJobOutcome {
    const duplicates: OathJobDuplicateJson[] = [];
    const errors: OathJobTokenErrorJson[] = [];
    // The job's own serials; those the environment holds are looked up in its index, not copied here.
    const serials = new Set<string>();
    const valid: NewOathToken[] = [];
    tokens.forEach((raw, index) => {
        const rowNumber = rowNumberOf(raw);
        let input: NewOathToken;
        try {
            input = parseOathTokenInput(raw);
        } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            const serialNumber = (raw as { serialNumber?: unknown } | null)?.serialNumber;
            errors.push({
                index,
                ...(typeof serialNumber === "string" && serialNumber !== "" ? { serialNumber } : {}),
                ...(rowNumber !== undefined ? { rowNumber } : {}),
                ...errorEntry(error),
            });
            return;
        }
        if (serials.has(input.serialNumber) || env.tokenBySerial(input.serialNumber)) {
            duplicates.push({
                serialNumber: input.serialNumber,
                index,
                ...(rowNumber !== undefined ? { rowNumber } : {}),
            });
            return;
        }
        serials.add(input.serialNumber);
        valid.push(input);
    });
    const lists = {
        ...(duplicates.length > 0 ? { duplicates } : {}),
        ...(errors.length > 0 ? { errors } : {}),
    };
    if (env.tokens.size + valid.length > env.oathTokenLimit) {
        return {
            outcome: "FAILED",
            reason:
                `Creating ${valid.length} OATH tokens would take environment ${env.id} from ${env.tokens.size} to ` +
                `${env.tokens.size + valid.length} tokens, over its limit of ${env.oathTokenLimit}; nothing was created.`,
            result: { created: 0, ...lists },
        };
    }
    for (const input of valid) env.addToken(input);
    return { outcome: "DONE", result: { created: valid.length, ...lists } };
}

/**
 * Revokes each token as DELETE .../oathTokens/{id} does (its devices go too), unless `forceUnpair` is
 * false and the token is paired. An id the environment does not hold is reported with the 404 that
 * DELETE would answer.
 */
export function runRevokeJob(env: EnvironmentState, tokenIds: string[], forceUnpair: boolean): OathJobOutcome {
    const errors: OathJobTokenErrorJson[] = [];
    let revoked = 0;
    tokenIds.forEach((tokenId, index) => {
        try {
            env.token(tokenId);
        } catch (error) {
            if (!(error instanceof ApiError)) throw error;
            errors.push({ index, tokenId, ...errorEntry(error) });
            return;
        }
        const devices = env.devicesOfToken(tokenId);
        if (!forceUnpair && devices.length > 0) {
            errors.push({
                index,
                tokenId,
                code: "REQUEST_FAILED",
                message: `OATH token ${tokenId} is paired and was not revoked.`,
                details: [
                    detail(
                        "INVALID_VALUE",
                        `OATH token ${tokenId} is paired to device ${devices.map((d) => d.id).join(", ")}; ` +
                            `submit it with forceUnpair true to unpair and revoke it`,
                        "forceUnpair",
                    ),
                ],
            });
            return;
        }
        env.deleteToken(tokenId);
        revoked += 1;
    });
    return { outcome: "DONE", result: { revoked, ...(errors.length > 0 ? { errors } : {}) } };
}
