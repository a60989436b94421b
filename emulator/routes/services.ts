// What route handlers get to work with. Built by the server; URLs are known only once it listens.
import type { AccessTokenRegistry } from "../accessTokens";
import type { OtpChecker } from "../otpCheck";
import type { Store } from "../store";

export interface EmulatorServices {
    store: Store;
    otp: OtpChecker;
    accessTokens: AccessTokenRegistry;
    /** How long a submitted OATH job reads IN_PROGRESS (EmulatorOptions.oathJobDurationMs). */
    oathJobDurationMs: number;
    /** e.g. http://127.0.0.1:PORT/v1 */
    apiUrl(): string;
    /** e.g. http://127.0.0.1:PORT */
    authUrl(): string;
}
