package dev.berth.core.auth;

import dev.berth.core.user.User;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class UserDirectoryTest {
    private final UserDirectory directory = new UserDirectory();

    private static User user(String id, String name) {
        return new User(id, name, "", true, -1, null, null, null, List.of(), "sha256$a$b");
    }

    @Test
    void findsAUserByNameAndById() {
        directory.put(user("u-1", "bot"));

        assertThat(directory.byName("bot")).map(User::id).contains("u-1");
        assertThat(directory.byId("u-1")).map(User::name).contains("bot");
        assertThat(directory.byName("other")).isEmpty();
        assertThat(directory.byId("u-2")).isEmpty();
    }

    @Test
    void replacesAUserAndForgetsItsOldName() {
        directory.put(user("u-1", "bot"));

        directory.put(user("u-1", "robot"));

        assertThat(directory.byName("bot")).isEmpty();
        assertThat(directory.byName("robot")).map(User::id).contains("u-1");
        assertThat(directory.all()).hasSize(1);
    }

    @Test
    void removesAUserUnderBothKeys() {
        directory.put(user("u-1", "bot"));

        directory.remove("u-1");
        directory.remove("u-unknown");

        assertThat(directory.byName("bot")).isEmpty();
        assertThat(directory.byId("u-1")).isEmpty();
        assertThat(directory.all()).isEmpty();
    }

    @Test
    void loadsManyUsers() {
        directory.load(List.of(user("u-1", "a"), user("u-2", "b")));

        assertThat(directory.all()).extracting(User::name).containsExactlyInAnyOrder("a", "b");
    }
}
