import { AmbiguousOutcomeError, PingOneApiError } from "../client/errors";
import { ResourceError } from "../errors";
import { logInfo } from "../providerHost";

/** How often a create whose answer was lost is sent again after a look found nothing. */
const maxCreateAttempts = 3;

export interface CreateOrAdoptSteps<T> {
    /** "OATH token FOB000001", "token FOB000001 for user alice": for messages. */
    what: string;
    /** The create call (not idempotent). */
    create(): Promise<T>;
    /** What PingOne holds now for the same serial (and user), if anything. */
    find(): Promise<T | undefined>;
    /** Turns PingOne's refusal into a message that names the resource and the fix (default: "Creating ... failed"). */
    explain?(error: PingOneApiError): string | undefined;
}

/**
 * Creating is not idempotent, but PingOne refuses a second object with the same serial, so the create
 * goes first (no read on the happy path). A refusal (UNIQUENESS_VIOLATION) or an unclear answer (a lost
 * response, a 5xx on the write) leads to a look: what is there is adopted (`adopted: true` only when it
 * existed before this create), so no retry or re-run ever makes two. An unclear answer with nothing
 * there is sent again, at most `maxCreateAttempts` times in all.
 *
 * @throws ResourceError naming the object and the fix, with PingOne's error as `cause`.
 */
export async function createOrAdopt<T>(steps: CreateOrAdoptSteps<T>): Promise<{ object: T; adopted: boolean }> {
    for (let attempt = 1; ; attempt++) {
        try {
            return { object: await steps.create(), adopted: false };
        } catch (error) {
            const ambiguous = error instanceof AmbiguousOutcomeError;
            const exists = error instanceof PingOneApiError && error.hasDetail("UNIQUENESS_VIOLATION");
            if (ambiguous || exists) {
                const found = await steps.find();
                if (found !== undefined) {
                    if (exists) logInfo(`${steps.what} already exists in PingOne: adopted.`);
                    return { object: found, adopted: exists };
                }
                if (ambiguous && attempt < maxCreateAttempts) continue;
            }
            const explained = error instanceof PingOneApiError ? steps.explain?.(error) : undefined;
            throw new ResourceError(explained ?? `Creating ${steps.what} failed: ${(error as Error).message}`, {
                cause: error,
            });
        }
    }
}
