/**
 * Pulumi resources that provision hardware OATH tokens in PingOne.
 */
export { OathTokenActivation, OathTokenActivationArgs, ConnectionArgs, oathTokenActivationProvider } from "./activation/oathTokenActivation";
export { OathTokenActivationInputs, OathTokenActivationOutputs } from "./activation/activationProvider";
export { activateOathTokenDevice, ActivationError, ActivationOutcome, ActivationRequest } from "./activation/activateDevice";
export * as client from "./client";
export { PingOneClient, PingOneApiError, AmbiguousOutcomeError, ConnectionSettings, ConnectionSettingsError } from "./client";
