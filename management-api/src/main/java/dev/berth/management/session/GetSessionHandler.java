package dev.berth.management.session;

import dev.berth.core.error.RegistryException;
import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * The console's session: {@code GET /api/v1/session}, 200 with its expiry and CSRF token; 404 for a Bearer call,
 * which has no session. A page loads this first: 401 means it must sign in.
 */
final class GetSessionHandler implements Operation {
    @Override
    public Reply handle(Call call) {
        if (call.session() == null) {
            throw RegistryException.notFound("session", "of a Bearer call");
        }
        return Reply.ok(SessionView.of(call.session()));
    }
}
