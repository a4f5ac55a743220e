package dev.berth.core.user;

import dev.berth.core.auth.SecretHasher;
import dev.berth.core.auth.UserDirectory;
import dev.berth.core.catalog.GroupResult;
import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.testing.InMemoryTenantStore;
import dev.berth.core.testing.InMemoryUserStore;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserServiceTest {
    private final MutableClock clock = MutableClock.atSomeDay();
    private final InMemoryUserStore store = new InMemoryUserStore();
    private final UserDirectory directory = new UserDirectory();
    private final TenantService tenants = new TenantService(new InMemoryTenantStore(), clock);
    private final SecretHasher hasher = new SecretHasher();
    private final UserService users = new UserService(store, directory, tenants, hasher, clock, CacheCoherence.SINGLE_PROCESS);

    UserServiceTest() {
        tenants.create("acme", false, null);
        tenants.create("other", false, null);
    }

    private static void assertProblem(Runnable call, Problem kind, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.problem()).isEqualTo(kind);
            assertThat(e.code()).isEqualTo(code);
        });
    }

    private CreatedUser bot() {
        return users.create("ci-bot", "builds", 30, null, List.of(new Permission("acme", Access.PUSH)));
    }

    @Test
    void createsAUserWithASecretStoredOnlyAsAHash() {
        CreatedUser created = bot();

        User user = created.user();
        assertThat(user.id()).startsWith("u-");
        assertThat(user.name()).isEqualTo("ci-bot");
        assertThat(user.description()).isEqualTo("builds");
        assertThat(user.enabled()).isTrue();
        assertThat(user.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(30)));
        assertThat(created.secret()).hasSizeGreaterThanOrEqualTo(32);
        assertThat(user.secretHash()).doesNotContain(created.secret());
        assertThat(hasher.matches(created.secret(), user.secretHash())).isTrue();
        assertThat(store.find(user.id())).contains(user);
        assertThat(directory.byName("ci-bot")).contains(user);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ab", "ci-bot", "ci.bot_1", "0bot"})
    void acceptsANameOfTheGrammar(String name) {
        assertThat(users.create(name, null, -1, null, List.of()).user().name()).isEqualTo(name);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"admin", "a", "", "-bot", ".bot", "_bot", "Bot", "ci bot", "ci/bot", "ci:bot"})
    void refusesANameOutsideTheRules(String name) {
        assertProblem(() -> users.create(name, null, -1, null, List.of()), Problem.INVALID, "INVALID_NAME");
    }

    @Test
    void refusesANameLongerThanSixtyThreeCharacters() {
        users.create("a".repeat(63), null, -1, null, List.of());

        assertProblem(() -> users.create("b".repeat(64), null, -1, null, List.of()), Problem.INVALID, "INVALID_NAME");
    }

    @Test
    void refusesATakenName() {
        bot();

        assertProblem(this::bot, Problem.CONFLICT, "USER_EXISTS");
    }

    @Test
    void neverExpiresWithDurationMinusOne() {
        User user = users.create("forever", null, -1, null, List.of()).user();

        assertThat(user.durationDays()).isEqualTo(-1);
        assertThat(user.expiresAt()).isNull();
    }

    @Test
    void expiresAfterOneDayWithDurationOne() {
        User user = users.create("daily", null, 1, null, List.of()).user();

        assertThat(user.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(1)));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -2, 36_501, Integer.MIN_VALUE})
    void refusesADurationOutsideTheRange(int days) {
        assertProblem(() -> users.create("bot", null, days, null, List.of()), Problem.INVALID, "INVALID_DURATION");
    }

    @Test
    void neverExpiresWithoutDurationOrExpiry() {
        User user = users.create("bot", null, null, null, List.of()).user();

        assertThat(user.durationDays()).isEqualTo(-1);
        assertThat(user.expiresAt()).isNull();
    }

    @Test
    void expiresAtAnExactInstantWithItsDaysRoundedUp() {
        Instant at = clock.instant().plus(Duration.ofDays(3)).plusSeconds(5);

        User user = users.create("bot", null, null, at, List.of()).user();

        assertThat(user.expiresAt()).isEqualTo(at);
        assertThat(user.durationDays()).isEqualTo(4);
        assertThat(users.create("exact", null, null, clock.instant().plus(Duration.ofDays(2)), List.of()).user().durationDays())
                .isEqualTo(2);
    }

    @Test
    void refusesAnExpiryThatHasPassedAtCreation() {
        assertProblem(() -> users.create("bot", null, null, clock.instant(), List.of()), Problem.INVALID, "INVALID_EXPIRY");
        assertProblem(() -> users.create("bot", null, null, clock.instant().minusSeconds(1), List.of()), Problem.INVALID,
                "INVALID_EXPIRY");
    }

    @Test
    void refusesAnExpiryBeyondTheLongestDuration() {
        assertProblem(() -> users.create("bot", null, null, clock.instant().plus(Duration.ofDays(36_501)), List.of()),
                Problem.INVALID, "INVALID_EXPIRY");
    }

    @Test
    void refusesDurationAndExpiryTogetherAtCreation() {
        assertProblem(() -> users.create("bot", null, 5, clock.instant().plus(Duration.ofDays(5)), List.of()),
                Problem.INVALID, "CONFLICTING_FIELDS");
    }

    @Test
    void refusesAPermissionOnAnUnknownRegistry() {
        assertProblem(() -> users.create("bot", null, -1, null, List.of(new Permission("nope", Access.PULL))),
                Problem.INVALID, "UNKNOWN_REGISTRY");
    }

    @Test
    void refusesARegistryListedTwice() {
        assertProblem(() -> users.create("bot", null, -1, null, List.of(new Permission("acme", Access.PULL), new Permission("acme", Access.PUSH))),
                Problem.INVALID, "INVALID_PERMISSION");
    }

    @Test
    void refusesAPermissionWithoutAccessOrRegistry() {
        assertProblem(() -> users.create("bot", null, -1, null, List.of(new Permission("acme", null))), Problem.INVALID, "INVALID_PERMISSION");
        assertProblem(() -> users.create("bot", null, -1, null, List.of(new Permission(null, Access.PULL))), Problem.INVALID, "INVALID_PERMISSION");
        assertProblem(() -> users.create("bot", null, -1, null, Arrays.asList((Permission) null)), Problem.INVALID, "INVALID_PERMISSION");
    }

    @Test
    void refusesDurationAndExpiryTogether() {
        User user = bot().user();

        assertProblem(() -> users.update(user.id(), null, 5, clock.instant().plus(Duration.ofDays(5))),
                Problem.INVALID, "CONFLICTING_FIELDS");
    }

    @Test
    void recomputesTheExpiryFromNowOnANewDuration() {
        User user = bot().user();
        clock.advance(Duration.ofDays(10));

        User updated = users.update(user.id(), null, 7, null);

        assertThat(updated.durationDays()).isEqualTo(7);
        assertThat(updated.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        assertThat(updated.description()).isEqualTo("builds");
        assertThat(directory.byId(user.id())).contains(updated);
    }

    @Test
    void setsAnExactExpiry() {
        User user = bot().user();
        Instant at = clock.instant().plus(Duration.ofDays(3)).plusSeconds(5);

        User updated = users.update(user.id(), "new", null, at);

        assertThat(updated.expiresAt()).isEqualTo(at);
        assertThat(updated.durationDays()).isEqualTo(4);
        assertThat(updated.description()).isEqualTo("new");
    }

    @Test
    void removesTheExpiryWithDurationMinusOne() {
        User user = bot().user();

        assertThat(users.update(user.id(), null, -1, null).expiresAt()).isNull();
    }

    @Test
    void refreshingChangesTheHashAndTheOldSecretNoLongerMatches() {
        CreatedUser created = bot();

        CreatedUser refreshed = users.refreshSecret(created.user().id());

        assertThat(refreshed.secret()).isNotEqualTo(created.secret());
        assertThat(refreshed.user().secretHash()).isNotEqualTo(created.user().secretHash());
        assertThat(hasher.matches(created.secret(), refreshed.user().secretHash())).isFalse();
        assertThat(hasher.matches(refreshed.secret(), directory.byId(created.user().id()).orElseThrow().secretHash())).isTrue();
    }

    @Test
    void disablesAndEnablesInTheDirectoryToo() {
        User user = bot().user();

        users.setEnabled(user.id(), false);
        assertThat(directory.byId(user.id()).orElseThrow().enabled()).isFalse();

        users.setEnabled(user.id(), true);
        assertThat(directory.byId(user.id()).orElseThrow().enabled()).isTrue();
    }

    @Test
    void deletesFromTheStoreAndTheDirectory() {
        User user = bot().user();

        users.delete(user.id());

        assertThat(directory.byName("ci-bot")).isEmpty();
        assertProblem(() -> users.get(user.id()), Problem.NOT_FOUND, "USER_NOT_FOUND");
        assertProblem(() -> users.delete(user.id()), Problem.NOT_FOUND, "USER_NOT_FOUND");
    }

    @Test
    void attachReplacesThePermissionOnThatRegistryOnly() {
        User user = users.create("bot", null, -1, null, List.of(new Permission("acme", Access.PULL), new Permission("other", Access.PULL))).user();

        User attached = users.attach("acme", user.id(), Access.PUSH);

        assertThat(attached.accessTo("acme")).isEqualTo(Access.PUSH);
        assertThat(attached.accessTo("other")).isEqualTo(Access.PULL);
        assertThat(attached.permissions()).hasSize(2);
        assertThat(directory.byId(user.id()).orElseThrow().accessTo("acme")).isEqualTo(Access.PUSH);
    }

    @Test
    void detachRemovesThePermissionAndThenAnswersNotFound() {
        User user = bot().user();

        users.detach("acme", user.id());

        assertThat(users.get(user.id()).accessTo("acme")).isNull();
        assertThat(directory.byId(user.id()).orElseThrow().accessTo("acme")).isNull();
        assertProblem(() -> users.detach("acme", user.id()), Problem.NOT_FOUND, "PERMISSION_NOT_FOUND");
    }

    @Test
    void attachToAnUnknownRegistryOrUserIsNotFound() {
        User user = bot().user();

        assertProblem(() -> users.attach("nope", user.id(), Access.PULL), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
        assertProblem(() -> users.attach("acme", "u-none", Access.PULL), Problem.NOT_FOUND, "USER_NOT_FOUND");
    }

    @Test
    void attachesSeveralUsersAndReportsTheUnknownOnes() {
        User first = users.create("first", null, -1, null, List.of()).user();
        User second = users.create("second", null, -1, null, List.of(new Permission("acme", Access.PULL))).user();

        GroupResult result = users.attachAll("acme", List.of(new Grant(first.id(), Access.PULL), new Grant("u-none", Access.PUSH),
                new Grant(second.id(), Access.PUSH)));

        assertThat(result.done()).containsExactly(first.id(), second.id());
        assertThat(result.failed()).extracting(GroupResult.Failure::name).containsExactly("u-none");
        assertThat(directory.byId(first.id()).orElseThrow().accessTo("acme")).isEqualTo(Access.PULL);
        assertThat(directory.byId(second.id()).orElseThrow().accessTo("acme")).isEqualTo(Access.PUSH);
    }

    @Test
    void detachesSeveralUsersAndReportsThoseWithoutAPermission() {
        User attached = users.create("attached", null, -1, null, List.of(new Permission("acme", Access.PUSH))).user();
        User elsewhere = users.create("elsewhere", null, -1, null, List.of(new Permission("other", Access.PULL))).user();

        GroupResult result = users.detachAll("acme", List.of(attached.id(), elsewhere.id()));

        assertThat(result.done()).containsExactly(attached.id());
        assertThat(result.failed()).extracting(GroupResult.Failure::name).containsExactly(elsewhere.id());
        assertThat(directory.byId(attached.id()).orElseThrow().permissions()).isEmpty();
        assertThat(directory.byId(elsewhere.id()).orElseThrow().accessTo("other")).isEqualTo(Access.PULL);
    }

    @Test
    void groupActionsOnAnUnknownRegistryAreNotFound() {
        assertProblem(() -> users.attachAll("nope", List.of()), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
        assertProblem(() -> users.detachAll("nope", List.of()), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
    }

    @Test
    void replacesPermissionsAfterValidatingThem() {
        User user = bot().user();

        User replaced = users.replacePermissions(user.id(), List.of(new Permission("other", Access.PULL)));

        assertThat(replaced.permissions()).containsExactly(new Permission("other", Access.PULL));
        assertProblem(() -> users.replacePermissions(user.id(), List.of(new Permission("nope", Access.PULL))),
                Problem.INVALID, "UNKNOWN_REGISTRY");
    }

    @Test
    void listsTheUsersOfARegistry() {
        bot();
        users.create("puller", null, -1, null, List.of(new Permission("other", Access.PULL)));

        assertThat(users.usersOf("acme", new PageRequest(1, 50, null)).results()).extracting(User::name).containsExactly("ci-bot");
        assertProblem(() -> users.usersOf("nope", new PageRequest(1, 50, null)), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
    }

    @Test
    void loadsTheDirectoryFromTheStore() {
        User user = bot().user();
        UserDirectory fresh = new UserDirectory();

        new UserService(store, fresh, tenants, hasher, clock, CacheCoherence.SINGLE_PROCESS).loadDirectory();

        assertThat(fresh.byName("ci-bot")).contains(user);
    }
}
