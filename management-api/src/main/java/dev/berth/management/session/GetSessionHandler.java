package dev.berth.management.session;

import dev.berth.management.route.Call;
import dev.berth.management.route.Operation;
import dev.berth.management.route.Reply;

/**
 * The console's session: {@code GET /api/v1/session}, always 200: {@code signed_in} with the session's expiry and
 * CSRF token, or {@code signed_in: false} when the call's cookie opens none. An open route, so that a page asking
 * whether it must sign in gets an answer rather than a 401 (which a browser logs as an error).
 */
final class GetSessionHandler implements Operation {
    @Override
    public Reply handle(Call call) {
        return Reply.ok(SessionView.of(call.session()));
    }
}
