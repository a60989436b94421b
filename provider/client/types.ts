/** The parts of PingOne's JSON this project reads. */
import type { OathHashAlgorithm, OathTokenType, OtpLength, TimeStep } from "../model/oathToken";

type DeviceStatus = "ACTIVATION_REQUIRED" | "ACTIVE";

export interface MfaDevice {
    id: string;
    environment?: { id: string };
    user?: { id: string };
    type: string;
    /** `ACTIVATION_REQUIRED` or `ACTIVE` (other values are passed through). */
    status: DeviceStatus | string;
    serialNumber?: string;
    createdAt?: string;
    updatedAt?: string;
}

export interface PingOneUser {
    id: string;
    username: string;
}

/** What is sent to create an inventory entry. `secret` is write-only in PingOne. */
export interface OathTokenCreate {
    serialNumber: string;
    secret: string;
    type: OathTokenType;
    otpLength: OtpLength;
    hashAlgorithm: OathHashAlgorithm;
    hotp?: { counter: number };
    totp?: { timeStep: TimeStep };
}

/** An inventory entry as PingOne returns it (never with its secret). */
export interface PingOneOathToken {
    id: string;
    serialNumber: string;
    type: OathTokenType;
    otpLength?: number;
    hashAlgorithm?: OathHashAlgorithm;
    hotp?: { counter?: number };
    totp?: { timeStep?: number; drift?: number };
    devices?: { id: string; user?: { id: string } }[];
    createdAt?: string;
    updatedAt?: string;
}

export interface Collection<K extends string, T> {
    _embedded?: { [key in K]?: T[] };
    count?: number;
    size?: number;
}
