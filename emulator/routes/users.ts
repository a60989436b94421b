// Users: create, read one, list with `filter=username eq "NAME"` (the provider's lookup by name), delete.
// Create and delete follow PingOne's Users service (https://apidocs.pingidentity.com/pingone/customer/v1/api/man/p1_Users/,
// "create, read, update, delete, and search for user resources"; and "Create a user",
// https://developer.pingidentity.com/pingone-api/getting-started/create-a-test-environment/step-5-create-a-user.html:
// POST .../users, Content-Type application/json, `username` unique within the environment, 201 with the user).
// A user without `population.id` goes to the default population ("Populations" page), which is not emulated;
// attributes other than `username` are accepted and not kept.
import { detail, invalidData } from "../errors";
import { parseEqFilter, parseLimit } from "../filters";
import { renderCollection, renderUser } from "../render";
import { jsonObjectBody, requireMediaType, type Router } from "../router";
import type { UserRecord } from "../store";
import type { EmulatorServices } from "./services";

const USERS = "/v1/environments/:envId/users";

export function registerUserRoutes(router: Router, services: EmulatorServices): void {
    router.add("POST", USERS, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        requireMediaType(ctx, "application/json");
        const { username } = jsonObjectBody(ctx);
        if (username === undefined || username === null || username === "") {
            throw invalidData(detail("REQUIRED_VALUE", "username is required", "username"));
        }
        if (typeof username !== "string") {
            throw invalidData(detail("INVALID_VALUE", "username must be a string", "username"));
        }
        // Usernames are unique case-insensitively, as the lookup by filter matches them.
        if (env.findUserByName(username)) {
            throw invalidData(
                detail("UNIQUENESS_VIOLATION", `A user with username ${username} already exists`, "username"),
            );
        }
        const user = renderUser(services.apiUrl(), env, env.addUser(username));
        return { status: 201, body: user, headers: { Location: user._links.self.href } };
    });

    router.add("GET", USERS, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        const filter = parseEqFilter(ctx.query.get("filter"), ["username", "id"]);
        const limit = parseLimit(ctx.query);
        const username = filter.get("username");
        const id = filter.get("id");
        // Each clause is answered from an index (at most one user matches either); no filter lists everyone.
        let users: UserRecord[];
        if (username === undefined && id === undefined) users = [...env.users.values()];
        else {
            const match =
                id === undefined
                    ? env.findUserByName(username!)
                    : [env.users.get(id)].find(
                          (u) => u && (username === undefined || u.username.toLowerCase() === username.toLowerCase()),
                      );
            users = match ? [match] : [];
        }
        return {
            status: 200,
            body: renderCollection(`${services.apiUrl()}/environments/${env.id}/users`, "users", users, limit, (u) =>
                renderUser(services.apiUrl(), env, u),
            ),
        };
    });

    router.add("GET", `${USERS}/:userId`, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        return { status: 200, body: renderUser(services.apiUrl(), env, env.user(ctx.params.userId)) };
    });

    // DELETE .../users/{userId}: 204; the user's MFA devices go with them.
    router.add("DELETE", `${USERS}/:userId`, (ctx) => {
        const env = services.store.environment(ctx.params.envId);
        env.deleteUser(ctx.params.userId);
        return { status: 204 };
    });
}
