package dev.berth.management.user;

import dev.berth.core.catalog.GroupResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A group attach's or detach's answer: {@code {"attached"|"detached": [ids], "failed": [{"id", "error"}]}}.
 * The contract names the done list after the action, so the answer is a map rather than a record.
 */
final class UserGroupResultView {
    private UserGroupResultView() {
    }

    /** One user the action could not be done to, and why in a sentence. */
    record Failure(String id, String error) {
    }

    static Map<String, List<?>> of(String done, GroupResult result) {
        Map<String, List<?>> view = new LinkedHashMap<>();
        view.put(done, result.done());
        view.put("failed", result.failed().stream().map(f -> new Failure(f.name(), f.error())).toList());
        return view;
    }
}
