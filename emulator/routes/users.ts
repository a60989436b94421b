// Users: read one, and list with `filter=username eq "NAME"` (the provider's lookup by name).
import { parseEqFilter, parseLimit } from "../filters";
import { renderCollection, renderUser } from "../render";
import type { Router } from "../router";
import type { EmulatorServices } from "./services";

const USERS = "/v1/environments/:envId/users";

export function registerUserRoutes(router: Router, services: EmulatorServices): void {
    router.add("GET", USERS, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        const filter = parseEqFilter(ctx.query.get("filter"), ["username", "id"]);
        const limit = parseLimit(ctx.query);
        const username = filter.get("username")?.toLowerCase();
        const id = filter.get("id");
        const users = [...env.users.values()]
            .filter((u) => username === undefined || u.username.toLowerCase() === username)
            .filter((u) => id === undefined || u.id === id)
            .map((u) => renderUser(services.apiUrl(), env, u));
        return {
            status: 200,
            body: renderCollection(`${services.apiUrl()}/environments/${env.id}/users`, "users", users, limit),
        };
    });

    router.add("GET", `${USERS}/:userId`, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        return { status: 200, body: renderUser(services.apiUrl(), env, env.user(ctx.params.userId)) };
    });
}
