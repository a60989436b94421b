// Public surface of the PingOne emulator.
export { PingOneEmulator } from "./server";
export { EmulatorStateFileError } from "./persistence";
export type { ExchangeRecord } from "./exchangeLog";
export {
    sampleSeed,
    SAMPLE_ENVIRONMENT_ID,
    SAMPLE_CLIENT_ID,
    SAMPLE_CLIENT_SECRET,
    SAMPLE_USER_IDS,
    RFC_TEST_SECRET_HEX,
} from "./sampleSeed";
export { generateOtp, timeStepAt } from "./otpCheck";
export type { OtpKey } from "./otpCheck";
export type {
    DeviceJson,
    DeviceStatus,
    EmulatorOptions,
    EmulatorSeed,
    EnvironmentInfo,
    FaultMatch,
    HashAlgorithm,
    InjectedDrop,
    InjectedFailure,
    InjectedStatusFailure,
    Link,
    OathJobDuplicateJson,
    OathJobJson,
    OathJobResultJson,
    OathJobStatus,
    OathJobTokenErrorJson,
    OathJobType,
    OathTokenJson,
    OathTokenType,
    P1Error,
    P1ErrorDetail,
    RandomFaultCounts,
    RandomFaultKind,
    RandomFaultSettings,
    RateLimit,
    RequestLogEntry,
    RequestOutcome,
    SeedClient,
    SeedDevice,
    SeedEnvironment,
    SeedToken,
    SeedUser,
    UserJson,
} from "./types";
