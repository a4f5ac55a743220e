package dev.berth.core.auth;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Login events kept as {@code "failed v2 wrong_secret"} lines, for assertions. */
final class RecordedLogins implements LoginEvents {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void failed(String api, String reason) {
        events.add("failed " + api + " " + reason);
    }

    @Override
    public void throttled(String api, String reason) {
        events.add("throttled " + api + " " + reason);
    }
}
