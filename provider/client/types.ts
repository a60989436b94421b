/** The parts of PingOne's JSON this project reads. */
import type { OathHashAlgorithm, OathTokenType, OtpLength, TimeStep } from "../model/oathToken";

type DeviceStatus = "ACTIVATION_REQUIRED" | "ACTIVE";

export interface MfaDevice {
    id: string;
    environment?: { id: string };
    user?: { id: string };
    type: string;
    /** `ACTIVATION_REQUIRED` or `ACTIVE` (other values are passed through). */
    status: DeviceStatus | string;
    serialNumber?: string;
    createdAt?: string;
    updatedAt?: string;
}

export interface PingOneUser {
    id: string;
    username: string;
}

/** What is sent to create an inventory entry. `secret` is write-only in PingOne. */
export interface OathTokenCreate {
    serialNumber: string;
    secret: string;
    type: OathTokenType;
    otpLength: OtpLength;
    hashAlgorithm: OathHashAlgorithm;
    hotp?: { counter: number };
    totp?: { timeStep: TimeStep };
}

/** An inventory entry as PingOne returns it (never with its secret). */
export interface PingOneOathToken {
    id: string;
    serialNumber: string;
    type: OathTokenType;
    otpLength?: number;
    hashAlgorithm?: OathHashAlgorithm;
    hotp?: { counter?: number };
    totp?: { timeStep?: number; drift?: number };
    devices?: { id: string; user?: { id: string } }[];
    createdAt?: string;
    updatedAt?: string;
}

/**
 * A page of a PingOne collection ("Paging and ordering collections" page): items under `_embedded`,
 * `size` items in this page, and `_links.next` while more pages follow (a URL with a `cursor`).
 */
export interface Collection<K extends string, T> {
    _embedded?: { [key in K]?: T[] };
    count?: number;
    size?: number;
    _links?: { self?: { href: string }; next?: { href: string } };
}

// --- Batch OATH token jobs: `POST/GET /environments/{envId}/oathJobs[/{jobId}]`
// Sources: PingOne API reference pages "Create multiple OATH tokens", "Revoke multiple OATH tokens",
// "Check status of OATH token creation job" and "Check status of OATH token revoke job". Those pages
// document `id`, `status` (DONE when complete, FAILED with `reason`), `result.created`,
// `result.revoked` and, by name only, `result.duplicates`; every other field below is read as optional
// because its presence is not documented (the emulator fills them in).

/** `type` of an OATH job, as sent in the request body and echoed by the job. */
type OathJobType = "CREATE_OATH_TOKENS" | "REVOKE_OATH_TOKENS";

/** `IN_PROGRESS` until the job ends; then `DONE`, or `FAILED` with a `reason`. Others are passed through. */
type OathJobStatus = "IN_PROGRESS" | "DONE" | "FAILED";

/**
 * A token of a create job whose serial the environment already held (or that came twice in the job):
 * not created. `{ serialNumber, index?, rowNumber? }`; `index` is its 0-based position in `tokens`,
 * `rowNumber` the one given with the token, if any.
 */
interface OathJobDuplicate {
    serialNumber: string;
    index?: number;
    rowNumber?: number;
}

/**
 * A token a job could not create or revoke, with the error the single call would have answered:
 * `{ index, serialNumber? | tokenId?, rowNumber?, code, message, details? }` (code e.g. INVALID_DATA,
 * NOT_FOUND, REQUEST_FAILED). Not documented by PingOne: the emulator's shape.
 */
interface OathJobTokenError {
    index?: number;
    serialNumber?: string;
    tokenId?: string;
    rowNumber?: number;
    code?: string;
    message?: string;
    details?: { code?: string; target?: string; message?: string; innerError?: Record<string, unknown> }[];
}

/** `result` of a finished job: `created` (create jobs) or `revoked` (revoke jobs), plus what was skipped. */
interface OathJobResult {
    created?: number;
    revoked?: number;
    duplicates?: OathJobDuplicate[];
    errors?: OathJobTokenError[];
}

/**
 * An OATH job: `{ id, type, status, createdAt?, reason?, result?, environment?, _links? }`. `result`
 * is there once the job has finished; `reason` when it FAILED.
 */
export interface OathJob {
    id: string;
    type: OathJobType | string;
    status: OathJobStatus | string;
    createdAt?: string;
    reason?: string;
    result?: OathJobResult;
    environment?: { id: string };
}
