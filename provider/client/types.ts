/** The parts of PingOne's JSON this project reads. */

export type DeviceStatus = "ACTIVATION_REQUIRED" | "ACTIVE";

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

export type OathTokenType = "HOTP" | "TOTP";
export type OathHashAlgorithm = "HmacSHA1" | "HmacSHA256" | "HmacSHA512";

/** What is sent to create an inventory entry. `secret` is write-only in PingOne. */
export interface OathTokenCreate {
    serialNumber: string;
    secret: string;
    type: OathTokenType;
    otpLength: 6 | 8;
    hashAlgorithm: OathHashAlgorithm;
    hotp?: { counter: number };
    totp?: { timeStep: 30 | 60 };
}

/** An inventory entry as PingOne returns it (never with its secret). */
export interface OathToken {
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
