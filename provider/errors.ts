import { inspect } from "node:util";

/**
 * One family for every error this package throws, in the manner of `ky`'s: a base class that keeps the
 * `cause` and, when PingOne answered, its request id (which PingOne support asks for). Catch
 * `PingOneOathError` for all of them; the subclasses say where it went wrong.
 *
 * - `ConnectionSettingsError`: credentials or client settings missing or wrong (before any call).
 * - `PingOneApiError`: PingOne answered with an error envelope (`status`, `code`, `detailCodes`).
 * - `AmbiguousOutcomeError`: a write whose answer was lost; PingOne may or may not have done it.
 * - `ResourceError`: a resource could not be created, read, updated or deleted (names it, says what to do).
 * - `ActivationError`: PingOne refused an activation (wrong code, resync needed, ...).
 * - `SeedFileError`: a whole seed file is unusable (`problems` says why).
 */
export class PingOneOathError extends Error {
    /** PingOne's request id (`id` of its error envelope), when an answer from PingOne is behind this. */
    readonly requestId?: string;

    constructor(message: string, options: { cause?: unknown; requestId?: string } = {}) {
        const requestId = options.requestId ?? requestIdOf(options.cause);
        super(requestId && !message.includes(requestId) ? `${message} (PingOne request id ${requestId})` : message, {
            cause: options.cause,
        });
        this.name = new.target.name;
        this.requestId = requestId;
        // The marker of Pulumi's own RunError: the Node SDK then prints the message alone, no stack trace
        // (our messages name the file, resource and fix).
        Object.defineProperty(this, "__pulumiRunError", { value: true });
        // Pulumi's dynamic provider host prints `${error}: ${error.stack}` for a failed check, diff or read: a
        // person needs the message there, not frames of this package.
        this.stack = `${this.name}: ${this.message}`;
    }

    /**
     * How `util.inspect` (and so console.log and Pulumi's error reports) shows the error: its stack, plain.
     * Node 22's colouring of stack lines loops on frames such as `node_modules/@pulumi/resource.ts:1:2`
     * (as Pulumi's source maps name them) until "Invalid string length": 15 to 40 s per error.
     */
    [inspect.custom](): string {
        return this.stack ?? `${this.name}: ${this.message}`;
    }
}

/** A resource operation failed; the message names the resource (serial, user) and the next step. */
export class ResourceError extends PingOneOathError {}

/** The request id carried by an error or any error in its `cause` chain. */
function requestIdOf(error: unknown): string | undefined {
    for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
        const id = (e as { requestId?: unknown }).requestId;
        if (typeof id === "string" && id !== "") return id;
    }
    return undefined;
}
