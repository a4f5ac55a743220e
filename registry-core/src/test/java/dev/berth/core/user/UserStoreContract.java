package dev.berth.core.user;

import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.testing.StoreContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link UserStore} does, permissions and settings included; an implementation's test extends this
 * with its {@link #open}. The registries {@code zeta}, {@code acme} and {@code beta} exist when a case starts,
 * for the permissions to name.
 */
public abstract class UserStoreContract extends StoreContract {
    private static final Instant LATER = Instant.parse("2025-04-03T05:06:07.654321Z");

    @BeforeEach
    void createRegistries() {
        for (String registry : List.of("zeta", "acme", "beta")) {
            createRegistry(registry);
        }
    }

    @Test
    void keepsEveryFieldOfAUserWithPermissionsInRegistryOrder() {
        User user = new User("u-1", "ci-bot", "builds things", true, 30, LATER, NOW, NOW,
                List.of(new Permission("zeta", Access.PULL), new Permission("acme", Access.PUSH)), "salt$hash");

        assertThat(users.insert(user)).isTrue();

        User read = users.find("u-1").orElseThrow();
        assertThat(read).usingRecursiveComparison().ignoringFields("permissions").isEqualTo(user);
        assertThat(read.permissions()).containsExactly(new Permission("acme", Access.PUSH), new Permission("zeta", Access.PULL));
        assertThat(users.find("u-2")).isEmpty();
        assertThat(users.findByName("ci-bot")).map(User::id).contains("u-1");
        assertThat(users.findByName("ci")).isEmpty();
    }

    @Test
    void keepsAUserThatNeverExpiresWithoutPermissions() {
        User user = new User("u-1", "robot", null, false, -1, null, NOW, LATER, List.of(), "h");

        users.insert(user);

        assertThat(users.find("u-1")).contains(user);
    }

    @Test
    void refusesATakenName() {
        assertThat(users.insert(user("u-1", "ci"))).isTrue();

        assertThat(users.insert(user("u-2", "ci"))).isFalse();
        assertThat(users.insert(user("u-1", "other"))).isFalse();

        assertThat(users.all()).extracting(User::id).containsExactly("u-1");
    }

    @Test
    void dropsPermissionsOnRegistriesThatDoNotExistAndKeepsTheFirstOfTwo() {
        users.insert(new User("u-1", "ci", "", true, -1, null, NOW, NOW, List.of(new Permission("nowhere", Access.PUSH),
                new Permission("beta", Access.PULL), new Permission("beta", Access.PUSH)), "h"));

        assertThat(users.find("u-1").orElseThrow().permissions()).containsExactly(new Permission("beta", Access.PULL));
    }

    @Test
    void replacesFieldsAndPermissions() {
        users.insert(new User("u-1", "ci", "old", true, 30, LATER, NOW, NOW,
                List.of(new Permission("acme", Access.PUSH), new Permission("beta", Access.PULL)), "h1"));
        User changed = new User("u-1", "ci", "new", false, -1, null, NOW, LATER,
                List.of(new Permission("zeta", Access.PUSH), new Permission("beta", Access.PUSH)), "h2");

        assertThat(users.update(changed)).isTrue();

        User read = users.find("u-1").orElseThrow();
        assertThat(read).usingRecursiveComparison().ignoringFields("permissions").isEqualTo(changed);
        assertThat(read.permissions()).containsExactly(new Permission("beta", Access.PUSH), new Permission("zeta", Access.PUSH));
        assertThat(users.update(user("u-9", "ghost"))).isFalse();
        assertThat(users.find("u-9")).isEmpty();
    }

    @Test
    void deletesAUserWithItsPermissions() {
        users.insert(new User("u-1", "ci", "", true, -1, null, NOW, NOW, List.of(new Permission("acme", Access.PUSH)), "h"));
        users.insert(user("u-2", "other"));

        assertThat(users.delete("u-1")).isTrue();
        assertThat(users.delete("u-1")).isFalse();

        assertThat(users.find("u-1")).isEmpty();
        assertThat(users.list(new PageRequest(1, 10, null), "acme", null, NOW).count()).isZero();
        assertThat(users.all()).extracting(User::id).containsExactly("u-2");
        // The name is free again.
        assertThat(users.insert(user("u-3", "ci"))).isTrue();
    }

    @Test
    void listsByNameWithFiltersAndATotalOverAllPages() {
        users.insert(new User("u-1", "deploy-bot", "", true, -1, null, NOW, NOW, List.of(new Permission("acme", Access.PULL)), "h"));
        users.insert(new User("u-2", "ci-bot", "", true, -1, null, NOW, NOW,
                List.of(new Permission("acme", Access.PUSH), new Permission("beta", Access.PULL)), "h"));
        users.insert(new User("u-3", "audit", "", true, -1, null, NOW, NOW, List.of(new Permission("beta", Access.PULL)), "h"));
        users.insert(user("u-4", "bot-x"));

        Listing<User> first = users.list(new PageRequest(1, 2, null), null, null, NOW);
        assertThat(first.count()).isEqualTo(4);
        assertThat(first.results()).extracting(User::name).containsExactly("audit", "bot-x");
        assertThat(users.list(new PageRequest(2, 2, null), null, null, NOW).results()).extracting(User::name)
                .containsExactly("ci-bot", "deploy-bot");

        Listing<User> bots = users.list(new PageRequest(1, 10, "BOT"), null, null, NOW);
        assertThat(bots.count()).isEqualTo(3);
        assertThat(bots.results()).extracting(User::name).containsExactly("bot-x", "ci-bot", "deploy-bot");

        Listing<User> onAcme = users.list(new PageRequest(1, 1, null), "acme", null, NOW);
        assertThat(onAcme.count()).isEqualTo(2);
        assertThat(onAcme.results()).extracting(User::name).containsExactly("ci-bot");
        assertThat(onAcme.results().get(0).permissions())
                .containsExactly(new Permission("acme", Access.PUSH), new Permission("beta", Access.PULL));

        Listing<User> botsOnBeta = users.list(new PageRequest(1, 10, "bot"), "beta", null, NOW);
        assertThat(botsOnBeta.results()).extracting(User::name).containsExactly("ci-bot");
        assertThat(botsOnBeta.count()).isEqualTo(1);
        assertThat(users.list(new PageRequest(1, 10, null), "zeta", null, NOW).count()).isZero();
        assertThat(users.list(new PageRequest(1, 10, null), "zeta", null, NOW).results()).isEmpty();
    }

    @Test
    void listsByStatusAtTheTimeAsked() {
        Instant later = NOW.plusSeconds(3600);
        users.insert(user("u-1", "forever"));
        users.insert(new User("u-2", "off", "", false, -1, null, NOW, NOW, List.of(), "h"));
        users.insert(new User("u-3", "off-and-expired", "", false, 1, NOW, NOW, NOW, List.of(), "h"));
        users.insert(new User("u-4", "ends-now", "", true, 1, NOW, NOW, NOW, List.of(), "h"));
        users.insert(new User("u-5", "ends-later", "", true, 1, later, NOW, NOW, List.of(), "h"));
        PageRequest all = new PageRequest(1, 10, null);

        assertThat(users.list(all, null, UserStatus.ENABLED, NOW).results()).extracting(User::name)
                .containsExactly("ends-later", "forever");
        assertThat(users.list(all, null, UserStatus.DISABLED, NOW).results()).extracting(User::name)
                .containsExactly("off", "off-and-expired");
        assertThat(users.list(all, null, UserStatus.EXPIRED, NOW).results()).extracting(User::name)
                .containsExactly("ends-now");
        assertThat(users.list(all, null, UserStatus.EXPIRED, later).results()).extracting(User::name)
                .containsExactly("ends-later", "ends-now");
        assertThat(users.list(all, null, UserStatus.ENABLED, later).count()).isEqualTo(1);
    }

    @Test
    void returnsEveryUserWithPermissions() {
        users.insert(new User("u-1", "b", "", true, -1, null, NOW, NOW, List.of(new Permission("beta", Access.PULL)), "h"));
        users.insert(user("u-2", "a"));

        assertThat(users.all()).extracting(User::name).containsExactly("a", "b");
        assertThat(users.all().get(1).permissions()).containsExactly(new Permission("beta", Access.PULL));
    }

    @Test
    void keepsSettings() {
        assertThat(users.setting("admin_token_hash")).isEmpty();

        users.putSetting("admin_token_hash", "first");
        users.putSetting("other", "x");
        users.putSetting("admin_token_hash", "second");

        assertThat(users.setting("admin_token_hash")).contains("second");
        assertThat(users.setting("other")).contains("x");
    }

    private static User user(String id, String name) {
        return new User(id, name, "", true, -1, null, NOW, NOW, List.of(), "hash");
    }
}
