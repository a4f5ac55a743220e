package dev.berth.core.tenant;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.testing.InMemoryTenantStore;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantServiceTest {
    private final InMemoryTenantStore store = new InMemoryTenantStore();
    private final MutableClock clock = MutableClock.atSomeDay();
    private final TenantService tenants = new TenantService(store, clock);

    private static void assertProblem(Runnable call, Problem kind, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.problem()).isEqualTo(kind);
            assertThat(e.code()).isEqualTo(code);
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"ab", "acme", "a-b", "a--b", "a.b", "a_b", "a__b", "team01", "0a"})
    void acceptsARegistryNameOfTheGrammar(String name) {
        TenantRegistry created = tenants.create(name, false, null);

        assertThat(created.name()).isEqualTo(name);
    }

    @Test
    void acceptsSixtyThreeCharactersButNotSixtyFour() {
        tenants.create("a".repeat(63), false, null);

        assertProblem(() -> tenants.create("a".repeat(64), false, null), Problem.INVALID, "INVALID_NAME");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"a", "", "Acme", "a/b", "-ab", "ab-", "a___b", "a..b", "a b", "é1"})
    void refusesANameOutsideTheGrammar(String name) {
        assertProblem(() -> tenants.create(name, false, null), Problem.INVALID, "INVALID_NAME");
    }

    @ParameterizedTest
    @NullSource
    void refusesANullName(String name) {
        assertProblem(() -> tenants.create(name, false, null), Problem.INVALID, "INVALID_NAME");
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void refusesALimitThatIsNotPositive(long limit) {
        assertProblem(() -> tenants.create("acme", false, limit), Problem.INVALID, "INVALID_LIMIT");
        tenants.create("acme", false, null);
        assertProblem(() -> tenants.update("acme", null, true, limit), Problem.INVALID, "INVALID_LIMIT");
    }

    @Test
    void createsARegistryWithItsSettings() {
        TenantRegistry created = tenants.create("acme", true, 1024L);

        assertThat(created.isPublic()).isTrue();
        assertThat(created.storageLimitBytes()).isEqualTo(1024L);
        assertThat(created.storageUsedBytes()).isZero();
        assertThat(created.createdAt()).isEqualTo(clock.instant());
    }

    @Test
    void refusesADuplicateNameAsAConflict() {
        tenants.create("acme", false, null);

        assertProblem(() -> tenants.create("acme", true, null), Problem.CONFLICT, "REGISTRY_EXISTS");
    }

    @Test
    void answersNotFoundForAnUnknownRegistry() {
        assertProblem(() -> tenants.get("nope"), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
        assertProblem(() -> tenants.update("nope", true, false, null), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
        assertProblem(() -> tenants.delete("nope"), Problem.NOT_FOUND, "REGISTRY_NOT_FOUND");
    }

    @Test
    void createsTheDefaultRegistryOnceAsPrivateWithoutLimit() {
        tenants.ensureDefaultRegistry();
        tenants.update("library", true, false, null);
        tenants.ensureDefaultRegistry();

        TenantRegistry library = tenants.get(TenantService.DEFAULT_REGISTRY);
        assertThat(library.name()).isEqualTo("library");
        assertThat(library.isPublic()).isTrue();
        assertThat(library.storageLimitBytes()).isNull();
        assertThat(tenants.list(new PageRequest(1, 50, null), null).count()).isEqualTo(1);
    }

    @Test
    void theDefaultRegistryStartsPrivate() {
        tenants.ensureDefaultRegistry();

        assertThat(tenants.isPublic("library")).isFalse();
        tenants.requireExists("library");
    }

    @Test
    void changesTheLimitOnlyWhenAsked() {
        tenants.create("acme", false, 100L);

        assertThat(tenants.update("acme", true, false, null).storageLimitBytes()).isEqualTo(100L);
        assertThat(tenants.update("acme", null, true, 200L).storageLimitBytes()).isEqualTo(200L);
        assertThat(tenants.update("acme", null, true, null).storageLimitBytes()).isNull();
        assertThat(tenants.get("acme").isPublic()).isTrue();
    }

    @Test
    void theHotPathSeesEveryChangeAtOnce() {
        tenants.create("acme", false, null);
        assertThat(tenants.isPublic("acme")).isFalse();

        tenants.update("acme", true, false, null);
        assertThat(tenants.isPublic("acme")).isTrue();

        tenants.delete("acme");
        assertThatThrownBy(() -> tenants.requireExists("acme"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_UNKNOWN));

        tenants.create("acme", false, null);
        tenants.requireExists("acme");
    }

    @Test
    void cachesLookupsOnTheHotPath() {
        tenants.create("acme", false, null);
        tenants.isPublic("acme");
        int before = store.finds.get();

        for (int i = 0; i < 10; i++) {
            tenants.requireExists("acme");
        }

        assertThat(store.finds.get()).isEqualTo(before);
    }

    @Test
    void refusesPushesIntoAnUnknownRegistry() {
        assertThatThrownBy(() -> tenants.requireExists("nope"))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.ociCode()).contains(OciErrorCode.NAME_UNKNOWN));
    }

    @Test
    void tellsTheDeleteListener() {
        List<String> deleted = new ArrayList<>();
        tenants.onDelete(deleted::add);
        tenants.create("acme", false, null);

        tenants.delete("acme");

        assertThat(deleted).containsExactly("acme");
    }

    @Test
    void listsWithAFilterOnAccessLevel() {
        tenants.create("aa", true, null);
        tenants.create("bb", false, null);

        assertThat(tenants.list(new PageRequest(1, 50, null), true).results()).extracting(TenantRegistry::name).containsExactly("aa");
        assertThat(tenants.list(new PageRequest(1, 50, null), null).count()).isEqualTo(2);
    }
}
