/**
 * Pulumi resources that provision hardware OATH tokens (HOTP/TOTP) in PingOne: the inventory entry
 * (`OathToken`), the pairing with a user (`OathTokenDevice`), the activation (`OathTokenActivation`),
 * and a whole roll-out from vendor seed files (`OathTokenFleet`); the seed-file loaders; the errors.
 * The PingOne emulator, a test double, is `pulumi-pingone-oath/emulator`.
 */

// Resources, their arguments, and their providers (typed by what they take and store) for driving
// without the engine or from your own `pulumi.dynamic.Resource`.
export {
    OathTokenActivation,
    oathTokenActivationProvider,
    type OathTokenActivationArgs,
    type OtpSeedArgs,
} from "./activation/oathTokenActivation";
export type { OathTokenActivationInputs, OathTokenActivationOutputs } from "./activation/activationProvider";
export { OathToken, oathTokenProvider, type OathTokenArgs } from "./inventory/oathToken";
export type { OathTokenInputs, OathTokenOutputs } from "./inventory/oathTokenProvider";
export { OathTokenDevice, oathTokenDeviceProvider, type OathTokenDeviceArgs } from "./pairing/oathTokenDevice";
export type { OathTokenDeviceInputs, OathTokenDeviceOutputs } from "./pairing/oathTokenDeviceProvider";
export {
    OathTokenFleet,
    type FleetDevice,
    type FleetSeedFileOptions,
    type OathTokenFleetArgs,
} from "./fleet/oathTokenFleet";
export { OathTokenBatch, type OathTokenBatchArgs } from "./fleet/oathTokenBatch";
export type {
    BatchTokenInput,
    BatchTokenState,
    OathTokenBatchInputs,
    OathTokenBatchOutputs,
    OnUnassign,
} from "./fleet/oathTokenBatchProvider";
export type { SeedFileReference } from "./fleet/seedFileReference";
export { isSecretReference, type SecretReference } from "./secretReference";
export type { ConnectionArgs } from "./dynamic/moduleBackedResource";
export type { ConnectionSettings } from "./client/connection";

// The token model and its codes.
export { oathTokenFingerprint } from "./model/oathToken";
export type {
    OathHashAlgorithm,
    OathTokenParameters,
    OathTokenSpec,
    OathTokenType,
    OtpLength,
    TimeStep,
} from "./model/oathToken";
export { codesFromSeed, type OtpSeed, type SeedCodes } from "./otp/otpFromSeed";

// Seed files.
export {
    formatSeedProblem,
    loadAssignmentsFile,
    loadSeedFile,
    type Assignment,
    type AssignmentLoadResult,
    type SeedDefaults,
    type SeedFileFormat,
    type SeedFileOptions,
    type SeedLoadResult,
    type SeedLocation,
    type SeedProblem,
    type SeedProblemCause,
    type TokenSeed,
} from "./seeds";

// Errors: catch PingOneOathError for all of them.
export { PingOneOathError, ResourceError } from "./errors";
export { AmbiguousOutcomeError, ConnectionSettingsError, PingOneApiError } from "./client/errors";
export { RetriesExhaustedError } from "./client/retry";
export { ActivationError } from "./activation/activateDevice";
export { SeedFileError } from "./seeds";
