import { AmbiguousOutcomeError, PingOneApiError } from "../client/errors";
import { sleep } from "../client/requestPacer";
import { backoffDelay } from "../client/retry";
import { ResourceError } from "../errors";
import { logInfo } from "../providerHost";

/**
 * Unclear answers (a lost response, a 5xx on the write) come in bursts: a create whose answer was lost and
 * whose look found nothing is sent again after a back-off over seconds, at most this many times in all.
 */
export const createRetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 8000 };

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
 * there is sent again after a back-off (`createRetryPolicy`: about 1, 2, 4, 8 s).
 *
 * @throws ResourceError naming the object and the next step, with PingOne's error as `cause`.
 */
export async function createOrAdopt<T>(
    steps: CreateOrAdoptSteps<T>,
    policy: typeof createRetryPolicy = createRetryPolicy,
): Promise<{ object: T; adopted: boolean }> {
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
                if (ambiguous && attempt < policy.maxAttempts) {
                    await sleep(backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs));
                    continue;
                }
            }
            if (ambiguous) {
                throw new ResourceError(
                    `Creating ${steps.what}: PingOne's answer was lost ${attempt} times (${(error as Error).message}) and it holds no such ` +
                        `object now. Nothing was created twice; run pulumi up again when PingOne answers (it looks before it creates).`,
                    { cause: error },
                );
            }
            const explained = error instanceof PingOneApiError ? steps.explain?.(error) : undefined;
            throw new ResourceError(explained ?? `Creating ${steps.what} failed: ${(error as Error).message}`, {
                cause: error,
            });
        }
    }
}
