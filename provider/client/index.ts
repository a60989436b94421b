export * from "./errors";
export * from "./regions";
export * from "./connection";
export * from "./clientOptions";
export * from "./types";
export { PingOneClient, activateContentType, resyncContentType } from "./pingOneClient";
export { PingOneHttpClient, ApiRequest, HttpMethod, RequestCounters } from "./httpClient";
export { RequestPacer, PacerOptions } from "./requestPacer";
export { AccessTokenSource, resetAccessTokenSources } from "./accessTokens";
