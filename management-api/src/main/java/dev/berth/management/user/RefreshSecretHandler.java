package dev.berth.management.user;

import dev.berth.core.user.UserService;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

import java.time.Clock;
import java.util.Set;

/** Gives a user a new secret, shown this once; the old one is refused at once: {@code POST /api/v1/users/{id}/refresh-secret}. */
final class RefreshSecretHandler implements Operation {
    private final UserService users;
    private final Clock clock;

    RefreshSecretHandler(UserService users, Clock clock) {
        this.users = users;
        this.clock = clock;
    }

    @Override
    public Reply handle(Call call) {
        call.optionalJson(Set.of());
        return Reply.ok(UserView.withSecret(users.refreshSecret(call.param("id")), clock.instant()));
    }
}
