/**
 * A stand-in for `ykman oath accounts code -s NAME`: prints the next HOTP code of a test seed and
 * advances the counter kept in a file, as a YubiKey advances its counter on every HOTP read.
 * Usage: node fakeYkman.js <counter-file> <hex-secret>
 */
import * as fs from "node:fs";
import * as OTPAuth from "otpauth";

const [counterFile, secretHex] = process.argv.slice(2);
const counter = fs.existsSync(counterFile) ? Number(fs.readFileSync(counterFile, "utf8")) : 0;
fs.writeFileSync(counterFile, String(counter + 1));
process.stdout.write(OTPAuth.HOTP.generate({ secret: OTPAuth.Secret.fromHex(secretHex), counter }) + "\n");
