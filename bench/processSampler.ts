import * as fs from "node:fs";

/** Peak resident memory of the processes a run started, by role, in bytes (0: none seen). */
export interface PeakMemory {
    /** The `pulumi` CLI (engine). */
    cli: number;
    /** The dynamic provider host: node running `@pulumi/pulumi/cmd/dynamic-provider`. */
    providerHost: number;
    /** This process: the inline program, the emulator and the bench itself (its RSS, sampled). */
    bench: number;
    /** How many samples were taken. */
    samples: number;
}

type Role = "cli" | "providerHost";

/**
 * Samples /proc every `intervalMs` for this process's descendants. Each descendant's peak is its VmHWM (the
 * kernel's own high-water mark of its RSS), so a spike between two samples is not missed, only growth in
 * a process's last interval before it exits. The bench's own peak is its VmRSS as sampled.
 */
export class ProcessSampler {
    private readonly peaks: Record<Role, number> = { cli: 0, providerHost: 0 };
    private bench = 0;
    private samples = 0;
    private readonly roles = new Map<number, Role | null>();
    private timer: NodeJS.Timeout | undefined;

    constructor(private readonly intervalMs = 250) {}

    start(): void {
        this.sample();
        this.timer = setInterval(() => this.sample(), this.intervalMs);
        this.timer.unref();
    }

    stop(): PeakMemory {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
        this.sample();
        return { ...this.peaks, bench: this.bench, samples: this.samples };
    }

    private sample(): void {
        this.samples++;
        this.bench = Math.max(this.bench, statusKb(process.pid, "VmRSS") * 1024);
        for (const pid of descendantsOf(process.pid)) {
            let role = this.roles.get(pid);
            if (role === undefined) {
                role = roleOf(pid);
                this.roles.set(pid, role);
            }
            if (role) this.peaks[role] = Math.max(this.peaks[role], statusKb(pid, "VmHWM") * 1024);
        }
    }
}

function roleOf(pid: number): Role | null {
    let argv: string[];
    try {
        argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    } catch {
        return null;
    }
    if (/(^|\/)pulumi$/.test(argv[0] ?? "") && argv[1] === "up") return "cli";
    if (argv.some((a) => a.includes("cmd/dynamic-provider"))) return "providerHost";
    return null;
}

function statusKb(pid: number, field: string): number {
    try {
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
        return match ? Number(match[1]) : 0;
    } catch {
        return 0;
    }
}

/** Every live process below `root`, from the parent ids in /proc/<pid>/stat. */
function descendantsOf(root: number): number[] {
    const children = new Map<number, number[]>();
    for (const name of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(name)) continue;
        let stat: string;
        try {
            stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
        } catch {
            continue;
        }
        // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after the last ")".
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        const list = children.get(ppid) ?? [];
        list.push(Number(name));
        children.set(ppid, list);
    }
    const out: number[] = [];
    const queue = [root];
    while (queue.length) {
        for (const child of children.get(queue.shift()!) ?? []) {
            out.push(child);
            queue.push(child);
        }
    }
    return out;
}
