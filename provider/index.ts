/**
 * Pulumi resources that provision hardware OATH tokens (HOTP/TOTP) in PingOne: the inventory entry
 * (`OathToken`), the pairing with a user (`OathTokenDevice`), the activation (`OathTokenActivation`),
 * and a whole roll-out from vendor seed files (`OathTokenFleet`).
 */
export {
    OathTokenActivation,
    OathTokenActivationArgs,
    ConnectionArgs,
    OtpSeedArgs,
    oathTokenActivationProvider,
} from "./activation/oathTokenActivation";
export { OathTokenActivationInputs, OathTokenActivationOutputs } from "./activation/activationProvider";
export {
    activateOathTokenDevice,
    ActivationError,
    ActivationOutcome,
    ActivationRequest,
} from "./activation/activateDevice";
export { OathToken, OathTokenArgs, oathTokenProviderStub as oathTokenProvider } from "./inventory/oathToken";
export {
    OathTokenDevice,
    OathTokenDeviceArgs,
    oathTokenDeviceProviderStub as oathTokenDeviceProvider,
} from "./pairing/oathTokenDevice";
export { OathTokenFleet, OathTokenFleetArgs, OathTokenFleetFileArgs, FleetDevice } from "./fleet/oathTokenFleet";
export { codesFromSeed, OtpSeed, SeedCodes } from "./otp/otpFromSeed";
export * as seeds from "./seeds";
export * as client from "./client";
export {
    PingOneClient,
    PingOneApiError,
    AmbiguousOutcomeError,
    ConnectionSettings,
    ConnectionSettingsError,
} from "./client";
