package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.route.Route;
import io.netty.handler.codec.http.HttpMethod;

import java.time.Clock;
import java.util.List;

/**
 * The user calls of the contract and their operations. {@code POST /users/delete} and
 * {@code POST /registries/{registry}/users/attach|detach} are the group actions; no user can have the id
 * {@code delete}, {@code attach} or {@code detach} (ids are {@code u-} and hex), so nothing is shadowed.
 */
public final class UserRoutes {
    private static final String USERS = "/api/v1/users";
    private static final String USER = USERS + "/{id}";
    private static final String REGISTRY_USERS = "/api/v1/registries/{registry}/users";

    private UserRoutes() {
    }

    /** @param clock tells a user's {@code status} ({@code expired} once its expiry has passed) */
    public static List<Route> of(UserService users, Clock clock) {
        return List.of(
                Route.of(HttpMethod.POST, USERS, new CreateUserHandler(users, clock)),
                Route.of(HttpMethod.GET, USERS, new ListUsersHandler(users, clock)),
                Route.of(HttpMethod.POST, USERS + "/delete", new DeleteUsersHandler(users)),
                Route.of(HttpMethod.GET, USER, new GetUserHandler(users, clock)),
                Route.of(HttpMethod.PATCH, USER, new UpdateUserHandler(users, clock)),
                Route.of(HttpMethod.DELETE, USER, new DeleteUserHandler(users)),
                Route.of(HttpMethod.PUT, USER + "/permissions", new ReplacePermissionsHandler(users, clock)),
                Route.of(HttpMethod.POST, USER + "/disable", new DisableUserHandler(users, clock)),
                Route.of(HttpMethod.POST, USER + "/enable", new EnableUserHandler(users, clock)),
                Route.of(HttpMethod.POST, USER + "/refresh-secret", new RefreshSecretHandler(users, clock)),
                Route.of(HttpMethod.GET, REGISTRY_USERS, new ListRegistryUsersHandler(users, clock)),
                Route.of(HttpMethod.PUT, REGISTRY_USERS + "/{id}", new AttachUserHandler(users, clock)),
                Route.of(HttpMethod.DELETE, REGISTRY_USERS + "/{id}", new DetachUserHandler(users)),
                Route.of(HttpMethod.POST, REGISTRY_USERS + "/attach", new AttachUsersHandler(users)),
                Route.of(HttpMethod.POST, REGISTRY_USERS + "/detach", new DetachUsersHandler(users)),
                Route.of(HttpMethod.GET, "/api/v1/permissions", new ListPermissionsHandler()));
    }
}
