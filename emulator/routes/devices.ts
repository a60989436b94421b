// User MFA devices of type OATH_TOKEN: create (pair a token from the inventory), read, list,
// delete, and the Content-Type-selected actions on the device URL (activate, block, unblock, unlock).
import { activateDevice, parseActivateBody } from "../activation";
import { detail, invalidData } from "../errors";
import { parseEqFilter, parseLimit } from "../filters";
import { renderCollection, renderDevice } from "../render";
import { jsonObjectBody, requireMediaType, type ApiResponse, type RequestContext, type Router } from "../router";
import { timestamp, type DeviceRecord, type EnvironmentState } from "../store";
import type { EmulatorServices } from "./services";

const DEVICES = "/v1/environments/:envId/users/:userId/devices";

const ACTIVATE = "application/vnd.pingidentity.device.activate+json";
const BLOCK = "application/vnd.pingidentity.device.block+json";
const UNBLOCK = "application/vnd.pingidentity.device.unblock+json";
const UNLOCK = "application/vnd.pingidentity.device.unlock+json";

export function registerDeviceRoutes(router: Router, services: EmulatorServices): void {
    const deviceResponse = (status: number, env: EnvironmentState, device: DeviceRecord): ApiResponse => ({
        status,
        body: renderDevice(services.apiUrl(), env, device),
    });

    router.add("POST", DEVICES, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        env.user(ctx.params.userId);
        requireMediaType(ctx, "application/json");
        const body = jsonObjectBody(ctx);
        if (body.type === undefined || body.type === null || body.type === "") {
            throw invalidData(detail("REQUIRED_VALUE", "type is required", "type"));
        }
        // PingOne knows more device types (EMAIL, SMS, TOTP, FIDO2, ...); the emulator refuses every type but
        // OATH_TOKEN as PingOne refuses an unknown one: 400 INVALID_DATA / INVALID_VALUE on type (the code is the
        // emulator's assumption; the "Device properties" data model names the types, not the error).
        if (body.type !== "OATH_TOKEN") {
            throw invalidData(
                detail("INVALID_VALUE", "This emulator supports devices of type OATH_TOKEN only", "type", {
                    allowedValues: ["OATH_TOKEN"],
                }),
            );
        }
        if (body.serialNumber === undefined || body.serialNumber === null || body.serialNumber === "") {
            throw invalidData(
                detail("REQUIRED_VALUE", "serialNumber is required for OATH_TOKEN devices", "serialNumber"),
            );
        }
        if (typeof body.serialNumber !== "string") {
            throw invalidData(detail("INVALID_VALUE", "serialNumber must be a string", "serialNumber"));
        }
        const device = env.createDevice(ctx.params.userId, body.serialNumber);
        const response = deviceResponse(201, env, device);
        response.headers = { Location: renderDevice(services.apiUrl(), env, device)._links.self.href };
        return response;
    });

    router.add("GET", DEVICES, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        env.user(ctx.params.userId);
        const filter = parseEqFilter(ctx.query.get("filter"), ["status", "type"]);
        const limit = parseLimit(ctx.query);
        const status = filter.get("status");
        const type = filter.get("type");
        const devices = env
            .devicesOfUser(ctx.params.userId)
            .filter((d) => status === undefined || d.status === status)
            .filter(() => type === undefined || type === "OATH_TOKEN");
        const self = `${services.apiUrl()}/environments/${env.id}/users/${ctx.params.userId}/devices`;
        return {
            status: 200,
            body: renderCollection(self, "devices", devices, limit, (d) => renderDevice(services.apiUrl(), env, d)),
        };
    });

    router.add("GET", `${DEVICES}/:deviceId`, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        return deviceResponse(200, env, env.device(ctx.params.userId, ctx.params.deviceId));
    });

    router.add("DELETE", `${DEVICES}/:deviceId`, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        env.deleteDevice(ctx.params.userId, ctx.params.deviceId);
        return { status: 204 };
    });

    router.add("POST", `${DEVICES}/:deviceId`, (ctx: RequestContext) => {
        const env = services.store.environment(ctx.params.envId);
        const device = env.device(ctx.params.userId, ctx.params.deviceId);
        requireMediaType(ctx, ACTIVATE, BLOCK, UNBLOCK, UNLOCK);
        const body = jsonObjectBody(ctx);
        switch (ctx.mediaType) {
            case ACTIVATE: {
                const { otp, oathResync } = parseActivateBody(body);
                activateDevice(services.otp, device, env.token(device.tokenId), otp, oathResync);
                break;
            }
            case BLOCK:
                device.blocked = true;
                device.updatedAt = timestamp();
                break;
            case UNBLOCK:
                device.blocked = false;
                device.updatedAt = timestamp();
                break;
            case UNLOCK:
                // OATH devices here never lock (no failed-attempt counting), so there is nothing to undo.
                break;
        }
        return deviceResponse(200, env, device);
    });
}
