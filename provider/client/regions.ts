/** PingOne's regions and their API and auth hosts (see PingOne's API reference). */
export const pingOneRegions = {
    NA: { apiUrl: "https://api.pingone.com/v1", authUrl: "https://auth.pingone.com" },
    EU: { apiUrl: "https://api.pingone.eu/v1", authUrl: "https://auth.pingone.eu" },
    CA: { apiUrl: "https://api.pingone.ca/v1", authUrl: "https://auth.pingone.ca" },
    AU: { apiUrl: "https://api.pingone.com.au/v1", authUrl: "https://auth.pingone.com.au" },
    SG: { apiUrl: "https://api.pingone.sg/v1", authUrl: "https://auth.pingone.sg" },
    AP: { apiUrl: "https://api.pingone.asia/v1", authUrl: "https://auth.pingone.asia" },
} as const;

export type PingOneRegionCode = keyof typeof pingOneRegions;

export function isRegionCode(value: string): value is PingOneRegionCode {
    return Object.prototype.hasOwnProperty.call(pingOneRegions, value);
}
