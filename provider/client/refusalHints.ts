// What a person can do about a PingOne refusal, told from the answer's status and codes (`code`,
// `details[].code`, `details[].target`) and the call it answered, never from PingOne's message text:
// PingOne's error-codes page says codes are what clients must handle, and its messages are for debugging.
// Sources of the facts quoted: the PingOne API reference pages "Error codes", "MFA Settings"
// (pairing.maxAllowedDevices), "OATH Tokens", "Create MFA User Device (OATH token)" and
// "Activate MFA User Device (OATH token)".

/** The parts of a refused request and of PingOne's answer a hint is chosen by. */
interface Refusal {
    status: number;
    method: string;
    /** Below the API base, e.g. `/environments/{envId}/users/{userId}/devices`. */
    path: string;
    contentType?: string;
    code?: string;
    details: { code?: string; target?: string; innerError?: Record<string, unknown> }[];
}

type CallKind =
    "pair" | "activate" | "deviceAction" | "device" | "createToken" | "resync" | "token" | "job" | "users" | "other";

const ACTIVATE = "application/vnd.pingidentity.device.activate+json";

function mediaType(contentType: string | undefined): string {
    return (contentType ?? "").split(";")[0].trim().toLowerCase();
}

function callKind(method: string, path: string, contentType: string | undefined): CallKind {
    const at = path.split("?")[0];
    if (/\/users\/[^/]+\/devices$/.test(at)) return method === "POST" ? "pair" : "device";
    if (/\/users\/[^/]+\/devices\/[^/]+$/.test(at)) {
        if (method !== "POST") return "device";
        return mediaType(contentType) === ACTIVATE ? "activate" : "deviceAction";
    }
    if (/\/oathTokens$/.test(at)) return method === "POST" ? "createToken" : "token";
    if (/\/oathTokens\/[^/]+$/.test(at)) return method === "POST" ? "resync" : "token";
    if (/\/oathJobs(\/[^/]+)?$/.test(at)) return "job";
    if (/\/users(\/[^/]+)?$/.test(at)) return "users";
    return "other";
}

const CALL_NAMES: Record<CallKind, (method: string) => string | undefined> = {
    pair: () => "pairing an OATH token with a user",
    activate: () => "activating a device",
    deviceAction: () => "an action on a device",
    device: (m) => (m === "DELETE" ? "deleting a device" : "reading devices"),
    createToken: () => "creating an OATH token",
    resync: () => "resyncing an OATH token",
    token: (m) => (m === "DELETE" ? "revoking an OATH token" : "reading OATH tokens"),
    job: (m) => (m === "POST" ? "submitting an OATH token job" : "reading an OATH token job"),
    users: () => "reading users",
    other: () => undefined,
};

/** The call in words ("activating a device"), or undefined for a path this client does not name. */
export function callName(method: string, path: string, contentType?: string): string | undefined {
    return CALL_NAMES[callKind(method, path, contentType)](method);
}

function environmentOf(path: string): string {
    const match = /^\/environments\/([^/?]+)/.exec(path);
    return match ? decodeURIComponent(match[1]) : "the environment";
}

/** A sentence saying how to fix the request, or undefined when the codes say nothing a person can act on. */
export function howToFix(refusal: Refusal): string | undefined {
    const { status, method, path, contentType, code, details } = refusal;
    const kind = callKind(method, path, contentType);
    const env = environmentOf(path);
    const has = (detailCode: string, target?: string) =>
        details.some((d) => d.code === detailCode && (target === undefined || d.target === target));
    const maximum = details.find((d) => typeof d.innerError?.maximumValue === "number")?.innerError?.maximumValue;

    if (status === 415) {
        const sent = contentType ? `it was sent as "${contentType}"` : "it was sent without one";
        return (
            `send the Content-Type PingOne documents for this call (${sent}): application/json to create a device or ` +
            `an OATH token, ${ACTIVATE} to activate a device, application/vnd.pingidentity.device.resync+json to ` +
            `resync a token, application/vnd.pingidentity.job.oathtokens.create+json (or .revoke+json) for OATH jobs. ` +
            `This is a defect in the calling code, not in its settings.`
        );
    }
    if (has("EXTRA_OTP_REQUIRED")) {
        return "the token has drifted and PingOne is resyncing it: send the token's next OTP (the one after the OTP just sent) in another activate call, again with oathResync: true.";
    }
    if (has("INVALID_OTP")) {
        return (
            "take a fresh OTP from the token and send it: PingOne refuses an OTP that is wrong, already used (each OTP " +
            "is accepted once; for TOTP, one per time step) or outside its window (HOTP: press the token again; TOTP: " +
            "wait for the next time step and check the token's clock). A token far out of step needs oathResync: true " +
            "when activating, or a resync with two consecutive OTPs."
        );
    }
    if (status !== 429 && has("LIMIT_EXCEEDED")) {
        const cap = typeof maximum === "number" ? ` (${maximum} here)` : "";
        if (kind === "pair") {
            return (
                `the user already has as many MFA devices as pairing.maxAllowedDevices allows${cap}: delete a device the ` +
                `user no longer uses, or raise the setting in environment ${env}'s MFA settings (5 unless changed, at most 15).`
            );
        }
        if (kind === "createToken" || kind === "job") {
            return `environment ${env} holds as many OATH tokens as PingOne allows${cap || " (100,000)"}: revoke tokens no longer in use first.`;
        }
        return "a PingOne limit was reached (see the detail here): free some room before trying again.";
    }
    if (has("UNIQUENESS_VIOLATION", "serialNumber")) {
        if (kind === "pair") {
            return "that token is already paired with a device (a token pairs with one device only): delete that device first, or pair another serial.";
        }
        return `environment ${env}'s inventory already holds a token with that serial: read it (filter serialNumber eq "...") instead of creating it again, or revoke it first.`;
    }
    if (kind === "pair" && (has("INVALID_VALUE", "serialNumber") || has("REQUIRED_VALUE", "serialNumber"))) {
        return (
            `pair only a serial that environment ${env}'s OATH token inventory holds: add the token to that inventory ` +
            `first (a token of another environment, or one revoked, is not in it) and check the serial's spelling.`
        );
    }
    if (status === 404) {
        return (
            `check the ids in the path: PingOne ids belong to the environment that created them (an id from another ` +
            `environment is not found in ${env}), and a deleted device or revoked OATH token is gone for good.`
        );
    }
    if (status === 403 && has("INSUFFICIENT_PERMISSIONS")) {
        return (
            `use credentials of a worker app that has a role in environment ${env} (Identity Data Admin for users' ` +
            `devices), with its access token requested from ${env}'s own token endpoint.`
        );
    }
    if (kind === "activate" && code === "REQUEST_FAILED") {
        return "only a device whose status is ACTIVATION_REQUIRED can be activated: read the device; if it is ACTIVE already there is nothing left to do, otherwise delete it and pair the token again.";
    }
    if (code === "INVALID_DATA" && details.length > 0) {
        return "correct the fields named here (PingOne's allowed values are listed with them) and send the request again.";
    }
    return undefined;
}
