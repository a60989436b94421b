// The store's indexes (user by name, token by serial, a user's devices, a token's devices) must answer
// exactly what a scan of the records would, after every kind of change: create, delete, revoke, unpair,
// re-pair to another user, delete a user, restore from a snapshot.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { ApiError } from "../../emulator/errors";
import type { NewOathToken } from "../../emulator/oathTokenInput";
import { EnvironmentState, type EnvironmentSnapshot } from "../../emulator/store";

const ENV = "0b9c7f4e-1d2a-4c3b-8e5f-6a7b8c9d0e1f";

function hotp(serialNumber: string): NewOathToken {
    return {
        serialNumber,
        secretHex: randomBytes(20).toString("hex"),
        type: "HOTP",
        otpLength: 6,
        hashAlgorithm: "HmacSHA1",
        counter: 0,
        timeStep: 30,
    };
}

/** A refusal with this detail code (what the API would answer), not any error. */
const refusedWith = (code: string) => (error: unknown) =>
    error instanceof ApiError && (error.details ?? []).some((d) => d.code === code);

/** What each index must agree with: a scan of the records, in insertion order. */
function assertIndexesMatchScan(env: EnvironmentState): void {
    const users = [...env.users.values()];
    const tokens = [...env.tokens.values()];
    const devices = [...env.devices.values()];
    for (const user of users) {
        const byScan = users.find((u) => u.username.toLowerCase() === user.username.toLowerCase());
        assert.equal(env.findUserByName(user.username.toUpperCase()), byScan, `user ${user.username}`);
        assert.deepEqual(
            env.devicesOfUser(user.id),
            devices.filter((d) => d.userId === user.id),
            `devices of user ${user.username}`,
        );
    }
    for (const token of tokens) {
        assert.equal(
            env.tokenBySerial(token.serialNumber),
            tokens.find((t) => t.serialNumber === token.serialNumber),
        );
        assert.deepEqual(
            env.devicesOfToken(token.id),
            devices.filter((d) => d.tokenId === token.id),
            `devices of token ${token.serialNumber}`,
        );
    }
}

describe("emulator: indexed look-ups", () => {
    it("finds users by name case-insensitively, and frees the name when the user is deleted", () => {
        const env = new EnvironmentState(ENV);
        const ada = env.addUser("Ada.Lovelace");
        assert.equal(env.findUserByName("ada.lovelace"), ada);
        assert.throws(() => env.addUser("ADA.LOVELACE"), /already exists/);
        env.deleteUser(ada.id);
        assert.equal(env.findUserByName("ada.lovelace"), undefined);
        const again = env.addUser("ada.lovelace");
        assert.equal(env.findUserByName("Ada.Lovelace"), again);
        assertIndexesMatchScan(env);
    });

    it("revoking a token frees its serial and removes its device from the user's devices", () => {
        const env = new EnvironmentState(ENV);
        const user = env.addUser("grace");
        const token = env.addToken(hotp("S1"));
        const device = env.createDevice(user.id, "S1");
        assert.deepEqual(env.devicesOfUser(user.id), [device]);
        assert.deepEqual(env.devicesOfToken(token.id), [device]);
        env.deleteToken(token.id);
        assert.equal(env.tokenBySerial("S1"), undefined);
        assert.deepEqual(env.devicesOfUser(user.id), []);
        assert.deepEqual(env.devicesOfToken(token.id), []);
        assert.equal(env.devices.size, 0);
        // The serial can be added again and paired again: nothing of the old token is left behind.
        const readded = env.addToken(hotp("S1"));
        assert.equal(env.tokenBySerial("S1"), readded);
        assert.equal(env.createDevice(user.id, "S1").tokenId, readded.id);
        assertIndexesMatchScan(env);
    });

    it("a token unpaired from one user pairs to another; the first user's devices no longer list it", () => {
        const env = new EnvironmentState(ENV);
        const [a, b] = [env.addUser("a"), env.addUser("b")];
        const token = env.addToken(hotp("S2"));
        const first = env.createDevice(a.id, "S2");
        assert.throws(() => env.createDevice(b.id, "S2"), refusedWith("UNIQUENESS_VIOLATION"));
        env.deleteDevice(a.id, first.id);
        const second = env.createDevice(b.id, "S2");
        assert.deepEqual(env.devicesOfUser(a.id), []);
        assert.deepEqual(env.devicesOfUser(b.id), [second]);
        assert.deepEqual(env.devicesOfToken(token.id), [second]);
        assertIndexesMatchScan(env);
    });

    it("deleting a user unpairs their tokens, which stay in the inventory and can be paired again", () => {
        const env = new EnvironmentState(ENV);
        const [a, b] = [env.addUser("a"), env.addUser("b")];
        const token = env.addToken(hotp("S3"));
        env.createDevice(a.id, "S3");
        env.deleteUser(a.id);
        assert.equal(env.tokenBySerial("S3"), token);
        assert.deepEqual(env.devicesOfToken(token.id), []);
        assert.equal(env.createDevice(b.id, "S3").tokenId, token.id);
        assertIndexesMatchScan(env);
    });

    it("counts a user's devices for the device limit from the index", () => {
        const env = new EnvironmentState(ENV, 2);
        const user = env.addUser("limited");
        for (const serial of ["L1", "L2", "L3"]) env.addToken(hotp(serial));
        const kept = env.createDevice(user.id, "L1");
        const removed = env.createDevice(user.id, "L2");
        assert.throws(() => env.createDevice(user.id, "L3"), refusedWith("LIMIT_EXCEEDED"));
        env.deleteDevice(user.id, removed.id);
        const third = env.createDevice(user.id, "L3");
        assert.deepEqual(env.devicesOfUser(user.id), [kept, third]);
    });

    it("rebuilds every index from a snapshot; a hand-written duplicate is found first-come, as a scan found it", () => {
        const env = new EnvironmentState(ENV);
        const user = env.addUser("Kay");
        const token = env.addToken(hotp("S4"));
        env.createDevice(user.id, "S4");
        const snapshot: EnvironmentSnapshot = env.snapshot();
        const restored = EnvironmentState.restore(snapshot);
        assert.equal(restored.findUserByName("kay")?.id, user.id);
        assert.equal(restored.tokenBySerial("S4")?.id, token.id);
        assert.equal(restored.devicesOfUser(user.id).length, 1);
        assert.equal(restored.devicesOfToken(token.id).length, 1);
        assertIndexesMatchScan(restored);

        // Two users named "kay" and two tokens "S4": addUser/addToken refuse that, a file edited by hand need not.
        const twin = { ...snapshot.users[0]!, id: "7f0e2b6a-0000-4000-8000-000000000002", username: "KAY" };
        const twinToken = { ...snapshot.tokens[0]!, id: "7f0e2b6a-0000-4000-8000-000000000003" };
        const odd = EnvironmentState.restore({
            ...snapshot,
            users: [...snapshot.users, twin],
            tokens: [...snapshot.tokens, twinToken],
        });
        assert.equal(odd.findUserByName("kay")?.id, user.id);
        assert.equal(odd.tokenBySerial("S4")?.id, token.id);
        odd.deleteUser(user.id);
        odd.deleteToken(token.id);
        assert.equal(odd.findUserByName("kay")?.id, twin.id);
        assert.equal(odd.tokenBySerial("S4")?.id, twinToken.id);
        assertIndexesMatchScan(odd);
    });

    it("agrees with a scan after 2,000 random creates, pairings, unpairings, revokes and user deletes", () => {
        const env = new EnvironmentState(ENV, 3);
        // A fixed sequence (mulberry32), so a failure reproduces.
        let state = 18;
        const next = (n: number) => {
            state = (state + 0x6d2b79f5) | 0;
            let t = Math.imul(state ^ (state >>> 15), 1 | state);
            t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
            return ((t ^ (t >>> 14)) >>> 0) % n;
        };
        let made = 0;
        for (let step = 0; step < 2000; step++) {
            const users = [...env.users.values()];
            const tokens = [...env.tokens.values()];
            const devices = [...env.devices.values()];
            const op = next(6);
            if (op === 0 || users.length === 0) env.addUser(`User${made++}`);
            else if (op === 1 || tokens.length === 0) env.addToken(hotp(`T${made++}`));
            else if (op === 2) {
                const token = tokens[next(tokens.length)]!;
                const user = users[next(users.length)]!;
                try {
                    env.createDevice(user.id, token.serialNumber);
                } catch {
                    // already paired, or the user is at the device limit: refusals the index must not change
                }
            } else if (op === 3 && devices.length > 0) {
                const device = devices[next(devices.length)]!;
                env.deleteDevice(device.userId, device.id);
            } else if (op === 4 && next(2) === 0) env.deleteToken(tokens[next(tokens.length)]!.id);
            else if (op === 5 && next(4) === 0) env.deleteUser(users[next(users.length)]!.id);
            if (step % 100 === 99) assertIndexesMatchScan(env);
        }
        assert.ok(env.devices.size > 0 && env.users.size > 0 && env.tokens.size > 0, "the sequence left some of each");
        assertIndexesMatchScan(env);
        assertIndexesMatchScan(EnvironmentState.restore(env.snapshot()));
    });
});
