// The acceptance project's otpCommand: prints the current TOTP code (RFC 6238, HMAC-SHA1, 6 digits) of the hex
// seed in the environment variable named by the first argument, for the time step (seconds) in the second.
// The seed stays in the environment of the pulumi command; only this command line is a resource input.
import { Buffer } from "node:buffer";
import console from "node:console";
import { createHmac } from "node:crypto";
import process from "node:process";

const [variable, step = "30"] = process.argv.slice(2);
const seed = variable ? process.env[variable] : undefined;
if (!seed) {
    console.error(`totpCode: the environment variable ${variable ?? "(none given)"} is not set`);
    process.exit(1);
}
const counter = Buffer.alloc(8);
counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / Number(step))));
const mac = createHmac("sha1", Buffer.from(seed, "hex")).update(counter).digest();
const offset = mac[mac.length - 1] & 0x0f;
console.log(String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0"));
