import { createHash } from "node:crypto";

/** A fleet's share of a seed file: the serials whose hash falls in `index` of `count`. */
export interface FleetShard {
    index: number;
    count: number;
}

const digest = (serial: string) => createHash("sha256").update(serial).digest();

/** The batch a serial belongs to: stable across runs and machines (SHA-256 of the serial, bytes 0–3). */
export function batchOf(serial: string, count: number): number {
    return digest(serial).readUInt32BE(0) % count;
}

/** The shard a serial belongs to: bytes 4–7 of the same digest, so each shard still spreads over all batches. */
function shardOf(serial: string, count: number): number {
    return digest(serial).readUInt32BE(4) % count;
}

/** Whether a serial is in the shard (every serial is, without one). */
export function inShard(serial: string, shard: FleetShard | undefined): boolean {
    return !shard || shardOf(serial, shard.count) === shard.index;
}
