import { AmbiguousOutcomeError, PingOneApiError } from "../client/errors";
import { sleep } from "../client/requestPacer";
import { backoffDelay } from "../client/retry";
import { ResourceError } from "../errors";
import { logWarn } from "../providerHost";

/**
 * Unclear answers (a lost response, a 5xx on the write) come in bursts: a create whose answer was lost and
 * whose look found nothing is sent again after a back-off over seconds, at most this many times in all.
 */
export const createRetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 8000 };

/**
 * How much earlier than our create request an object found after a lost answer may say it was created
 * and still count as made by that request (clock skew between this machine and PingOne).
 */
const clockSkewMs = 2 * 60_000;

/** Whether an object PingOne says was created at `createdAt` may be the doing of a request sent at `sentAt`. */
export function madeSince(createdAt: string | undefined, sentAt: number): boolean {
    return !(Date.parse(createdAt ?? "") < sentAt - clockSkewMs);
}

/**
 * The refusal to take over an object this stack did not create: `which` names it, `remedy` says how to
 * adopt it on purpose where the caller is configured (a resource's `adopt`, a fleet's `adoptExisting`).
 */
export function notCreatedHere(which: string, remedy: string): string {
    return (
        `${which} already exists in PingOne and this stack did not create it, so it will not take it over. If it is ` +
        `yours to manage here (made by hand, or by a run of this stack that died before saving its state), ${remedy}`
    );
}

/** What PingOne returns for a token or a device: enough to tell when it was made. */
interface Created {
    id: string;
    createdAt?: string;
}

export interface CreateOrAdoptSteps<T extends Created> {
    /** "OATH token FOB000001", "token FOB000001 for user alice": for messages. */
    what: string;
    /** The create call (not idempotent). */
    create(): Promise<T>;
    /** What PingOne holds now for the same serial (and user), if anything. */
    find(): Promise<T | undefined>;
    /**
     * Take over an object that existed before this create (made by hand, another stack, or a run of this
     * stack that died before recording it). Without it such an object is an error: a stack owns only what
     * it created. An adopted object is never revoked or deleted by the stack.
     */
    adopt: boolean;
    /** Turns PingOne's refusal into a message that names the resource and the fix (default: "Creating ... failed"). */
    explain?(error: PingOneApiError): string | undefined;
}

/**
 * Creating is not idempotent, but PingOne refuses a second object with the same serial, so the create
 * goes first (no read on the happy path).
 * - A refusal (UNIQUENESS_VIOLATION) means the object existed before: with `adopt` it is taken over, with
 *   a warning (`adopted: true`); without, it is an error naming the object and how to adopt it on purpose.
 * - An unclear answer (a lost response, a 5xx on the write) leads to a look: an object created after the
 *   request was sent is this create's own (`adopted: false`); an older one is treated as a refusal. With
 *   nothing there the create is sent again after a back-off (`createRetryPolicy`: about 1, 2, 4, 8 s).
 * So no retry or re-run ever makes two, and nothing is taken over silently.
 *
 * @throws ResourceError naming the object and the next step, with PingOne's error as `cause`.
 */
export async function createOrAdopt<T extends Created>(
    steps: CreateOrAdoptSteps<T>,
    policy: typeof createRetryPolicy = createRetryPolicy,
): Promise<{ object: T; adopted: boolean }> {
    /** When the first request whose answer was lost was sent: what appeared since may be its doing. */
    let firstLostAt: number | undefined;
    for (let attempt = 1; ; attempt++) {
        const sentAt = Date.now();
        try {
            return { object: await steps.create(), adopted: false };
        } catch (error) {
            const ambiguous = error instanceof AmbiguousOutcomeError;
            const exists = error instanceof PingOneApiError && error.hasDetail("UNIQUENESS_VIOLATION");
            if (ambiguous) firstLostAt ??= sentAt;
            if (ambiguous || exists) {
                const found = await steps.find();
                if (found !== undefined) {
                    // Also on a refusal after a lost answer: a slow server may have made the object only after
                    // the first look found nothing, and then refuse the resend as a duplicate of it.
                    if (firstLostAt !== undefined && madeSince(found.createdAt, firstLostAt))
                        return { object: found, adopted: false };
                    return { object: adoptOrRefuse(steps, found, error), adopted: true };
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

function adoptOrRefuse<T extends Created>(steps: CreateOrAdoptSteps<T>, found: T, cause: unknown): T {
    const which = `${steps.what} (id ${found.id}${found.createdAt ? `, created ${found.createdAt}` : ""})`;
    if (!steps.adopt) {
        throw new ResourceError(
            notCreatedHere(
                which,
                `set adopt: true on the resource (adoptExisting: true on a fleet, pingone-oath:adoptExisting for the root ` +
                    `project) and run again: an adopted object is never revoked or deleted by the stack. Otherwise use another ` +
                    `serial, or remove it from the stack that owns it.`,
            ),
            { cause },
        );
    }
    logWarn(
        `${which} already existed in PingOne: adopted (adopt: true). This stack will leave it in PingOne on destroy.`,
    );
    return found;
}
