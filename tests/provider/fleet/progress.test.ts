import assert from "node:assert/strict";
import {
    defaultProgressIntervalMs,
    progressIntervalVariable,
    progressLine,
    progressMinTokens,
    progressSettingProblem,
    startProgress,
} from "../../../provider/fleet/progress";

/** A fake clock and timer: `advance(ms)` moves time and fires the ticks that fall due. */
function fakeTime() {
    let now = 0;
    const timers: { ms: number; next: number; tick: () => void; stopped: boolean }[] = [];
    return {
        now: () => now,
        every: (ms: number, tick: () => void) => {
            const timer = { ms, next: ms, tick, stopped: false };
            timers.push(timer);
            return () => (timer.stopped = true);
        },
        advance(ms: number) {
            const until = now + ms;
            for (;;) {
                const due = timers.filter((t) => !t.stopped && t.next <= until).sort((a, b) => a.next - b.next)[0];
                if (!due) break;
                now = due.next;
                due.next += due.ms;
                due.tick();
            }
            now = until;
        },
        intervals: () => timers.map((t) => t.ms),
    };
}

describe("progress lines of a long batch", () => {
    it("logs done/total, rate and time left once per interval (5 s by default), and nothing after stop", () => {
        const time = fakeTime();
        const lines: string[] = [];
        const progress = startProgress("tokens-batch-03", 1000, (l) => lines.push(l), time);
        assert.deepEqual(time.intervals(), [defaultProgressIntervalMs]);
        progress.phase = "pairing and activation";
        time.advance(4999);
        assert.deepEqual(lines, [], "nothing before the first interval");
        progress.done(250);
        time.advance(1);
        assert.deepEqual(lines, [
            "tokens-batch-03: pairing and activation: 250 of 1,000 tokens done (25 %), 50.0 tokens/s, about 15 s left.",
        ]);
        progress.done(250);
        time.advance(5000);
        assert.equal(lines.length, 2);
        assert.match(lines[1]!, /: 500 of 1,000 tokens done \(50 %\), 50\.0 tokens\/s, about 10 s left\.$/);
        progress.stop();
        time.advance(60_000);
        assert.equal(lines.length, 2, "stopped: no more lines");
    });

    it("is never silent while the work hangs: a line every interval, saying the rate is not known yet", () => {
        const time = fakeTime();
        const lines: string[] = [];
        const progress = startProgress("b", 300, (l) => lines.push(l), time);
        progress.phase = "inventory job";
        time.advance(15_000);
        assert.deepEqual(lines, Array(3).fill("b: inventory job: 0 of 300 tokens done (0 %), rate not known yet."));
        progress.stop();
    });

    it(`says nothing for batches under ${progressMinTokens} tokens of work, or with ${progressIntervalVariable}=0`, () => {
        const time = fakeTime();
        const lines: string[] = [];
        startProgress("small", progressMinTokens - 1, (l) => lines.push(l), time).done(10);
        startProgress("off", 10_000, (l) => lines.push(l), { ...time, intervalMs: 0 });
        time.advance(60_000);
        assert.deepEqual(lines, []);
        assert.deepEqual(time.intervals(), [], "no timer at all");
    });

    it("formats long times as hours and minutes", () => {
        assert.equal(
            progressLine("b", "", 100, 100_000, 100_000),
            "b: 100 of 100,000 tokens done (0 %), 1.0 tokens/s, about 27 h 45 min left.",
        );
        assert.equal(
            progressLine("b", "", 600, 1000, 60_000),
            "b: 600 of 1,000 tokens done (60 %), 10.0 tokens/s, about 40 s left.",
        );
        assert.equal(
            progressLine("b", "", 100, 1000, 60_000),
            "b: 100 of 1,000 tokens done (10 %), 1.7 tokens/s, about 9 min 0 s left.",
        );
    });

    it(`refuses a ${progressIntervalVariable} that is not whole milliseconds, saying what to set`, () => {
        const before = process.env[progressIntervalVariable];
        try {
            process.env[progressIntervalVariable] = "5s";
            assert.match(progressSettingProblem()!, /PINGONE_PROGRESS_INTERVAL_MS must be a whole number.*got "5s"/);
            assert.throws(() => startProgress("b", 1000, () => {}), /PINGONE_PROGRESS_INTERVAL_MS must be/);
            process.env[progressIntervalVariable] = "2000";
            assert.equal(progressSettingProblem(), undefined);
        } finally {
            if (before === undefined) delete process.env[progressIntervalVariable];
            else process.env[progressIntervalVariable] = before;
        }
    });
});
