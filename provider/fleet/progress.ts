import { ResourceError } from "../errors";

/**
 * Progress lines for long batch work, so a 10,000-token `pulumi up` is never silent for long: a batch
 * whose pending work is at least `progressMinTokens` tokens logs, every `intervalMs` (5 s by default),
 * how many are done, the rate and the time left. The lines hold counts and the batch's name only, never
 * a serial's seed or a code.
 */

/** Batches with fewer tokens to work on than this say nothing until they end (a few hundred at 90 requests/s: ~5 s). */
export const progressMinTokens = 200;

/** Default time between two progress lines of one batch, in milliseconds. */
export const defaultProgressIntervalMs = 5000;

/** Where the interval is read from; `0` turns the lines off (e.g. for quiet CI logs). */
export const progressIntervalVariable = "PINGONE_PROGRESS_INTERVAL_MS";

export interface ProgressOptions {
    /** Milliseconds between lines (default: `PINGONE_PROGRESS_INTERVAL_MS`, else 5,000; 0: no lines). */
    intervalMs?: number;
    /** Monotonic clock in milliseconds (tests pass a fake one). */
    now?: () => number;
    /** Calls `tick` every `ms`; returns the function that stops it (tests pass a fake one). */
    every?: (ms: number, tick: () => void) => () => void;
}

/** Tracks one batch's work; `stop()` must be called when the work ends (also on failure). */
export interface Progress {
    /** What the batch is doing now, shown in the next line ("inventory job", "pairing and activation"). */
    phase: string;
    /** `count` more tokens are done (succeeded or failed: both are off the to-do list). */
    done(count?: number): void;
    stop(): void;
}

/**
 * Starts the progress lines of one batch's work on `total` tokens, logged with `log` (the provider host's
 * `pulumi.log.info`, shown by the CLI as the run goes). Below `progressMinTokens`, or with the interval set
 * to 0, it logs nothing and costs a counter.
 * @throws ResourceError when `PINGONE_PROGRESS_INTERVAL_MS` is set but not a whole number of milliseconds ≥ 0
 *   (`progressSettingProblem` says so at preview).
 */
export function startProgress(
    label: string,
    total: number,
    log: (message: string) => void,
    options: ProgressOptions = {},
): Progress {
    const intervalMs = options.intervalMs ?? intervalFromEnvironment();
    const now = options.now ?? (() => performance.now());
    const startedAt = now();
    let finished = 0;
    const progress: Progress = {
        phase: "",
        done: (count = 1) => {
            finished += count;
        },
        stop: () => {},
    };
    if (intervalMs === 0 || total < progressMinTokens) return progress;
    const every = options.every ?? realTimer;
    progress.stop = every(intervalMs, () =>
        log(progressLine(label, progress.phase, finished, total, now() - startedAt)),
    );
    return progress;
}

/**
 * One line: `tokens-batch-03: pairing and activation: 1,234 of 10,000 tokens done (12 %), 45.1 tokens/s,
 * about 3 min 15 s left.` Rate and time left are over the whole run so far; unknown until a token is done.
 */
export function progressLine(label: string, phase: string, done: number, total: number, elapsedMs: number): string {
    const count = (n: number) => n.toLocaleString("en-US");
    const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
    const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
    const pace =
        done > 0 && rate > 0
            ? `, ${rate.toFixed(1)} tokens/s, about ${duration(((total - done) / rate) * 1000)} left`
            : ", rate not known yet";
    return `${label}: ${phase ? `${phase}: ` : ""}${count(done)} of ${count(total)} tokens done (${percent} %)${pace}.`;
}

/** `3 h 2 min`, `3 min 15 s`, `12 s`. */
function duration(ms: number): string {
    const seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds < 60) return `${seconds} s`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
    return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** What is wrong with `PINGONE_PROGRESS_INTERVAL_MS` in the provider host's environment, if anything. */
export function progressSettingProblem(): string | undefined {
    const raw = process.env[progressIntervalVariable];
    if (raw === undefined || raw.trim() === "") return undefined;
    const value = Number(raw);
    return Number.isInteger(value) && value >= 0
        ? undefined
        : `${progressIntervalVariable} must be a whole number of milliseconds (0 turns progress lines off); got "${raw}". ` +
              `Fix or unset it where pulumi runs.`;
}

function intervalFromEnvironment(): number {
    const problem = progressSettingProblem();
    if (problem) throw new ResourceError(problem);
    const raw = process.env[progressIntervalVariable];
    return raw === undefined || raw.trim() === "" ? defaultProgressIntervalMs : Number(raw);
}

function realTimer(ms: number, tick: () => void): () => void {
    const timer = setInterval(tick, ms);
    // A forgotten stop must never keep the provider host alive.
    timer.unref();
    return () => clearInterval(timer);
}
