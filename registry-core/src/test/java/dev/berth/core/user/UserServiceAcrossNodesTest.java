package dev.berth.core.user;

import dev.berth.core.auth.SecretHasher;
import dev.berth.core.auth.UserDirectory;
import dev.berth.core.cluster.CacheChange;
import dev.berth.core.memory.MemoryOnly;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.testing.InMemoryTenantStore;
import dev.berth.core.testing.InMemoryUserStore;
import dev.berth.core.testing.ManualCoherence;
import dev.berth.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes' user services on one store, joined by what their {@link ManualCoherence}s deliver: a change made on one
 * is announced, and the other reads the user again when it hears of it; a node that cannot trust its directory
 * asks the store; a registry deleted through another node is forgotten here too.
 */
class UserServiceAcrossNodesTest {
    private final MutableClock clock = MutableClock.atSomeDay();
    private final InMemoryUserStore store = new InMemoryUserStore();
    private final InMemoryTenantStore tenantStore = new InMemoryTenantStore();
    private final Node one = new Node();
    private final Node other = new Node();

    /** A node: its coherence, tenants, directory and users, over the shared stores. */
    private final class Node {
        final ManualCoherence coherence = new ManualCoherence();
        final TenantService tenants = new TenantService(tenantStore, clock, coherence);
        final UserDirectory directory = new UserDirectory(coherence, store);
        final UserService users = new UserService(store, directory, tenants, new SecretHasher(), clock, coherence);
        final List<String> registriesForgotten = new ArrayList<>();

        Node() {
            tenants.onDelete(registriesForgotten::add);
            users.loadDirectory();
        }

        /** Delivers to the other node what this one announced. */
        void announcedTo(Node node) {
            coherence.announced().forEach(node.coherence::tell);
            coherence.announced().clear();
        }
    }

    @Test
    void aUserChangedOnOneNodeIsReadAgainByTheOtherWhenItHearsOfIt() {
        one.tenants.create("acme", false, null);
        one.announcedTo(other);
        CreatedUser created = one.users.create("ci-bot", null, -1, null, List.of(new Permission("acme", Access.PULL)));
        assertThat(one.coherence.announced()).contains(CacheChange.user(created.user().id()));
        one.announcedTo(other);
        assertThat(other.directory.byName("ci-bot")).isPresent();

        one.users.setEnabled(created.user().id(), false);
        assertThat(other.directory.byId(created.user().id()).orElseThrow().enabled()).as("not heard of yet").isTrue();
        one.announcedTo(other);
        assertThat(other.directory.byId(created.user().id()).orElseThrow().enabled()).isFalse();

        one.users.delete(created.user().id());
        one.announcedTo(other);
        assertThat(other.directory.byId(created.user().id())).isEmpty();
        assertThat(other.directory.byName("ci-bot")).isEmpty();
    }

    @Test
    void aNodeThatCannotTrustItsDirectoryAsksTheStoreButNeverOnTheEventLoop() {
        one.tenants.create("acme", false, null);
        CreatedUser created = one.users.create("ci-bot", null, -1, null, List.of());
        other.coherence.current(false);

        assertThat(other.directory.byName("ci-bot")).isPresent();
        assertThat(other.directory.byId(created.user().id())).isPresent();
        assertThat(MemoryOnly.attempt(() -> other.directory.byName("ci-bot"))).isFalse();
    }

    @Test
    void aResyncMakesTheDirectoryHoldExactlyTheStoresUsers() {
        one.tenants.create("acme", false, null);
        CreatedUser kept = one.users.create("kept", null, -1, null, List.of());
        CreatedUser gone = one.users.create("gone", null, -1, null, List.of());
        other.users.loadDirectory();
        one.users.delete(gone.user().id());
        CreatedUser added = one.users.create("added", null, -1, null, List.of());

        other.coherence.tell(CacheChange.EVERYTHING);

        assertThat(other.directory.all()).extracting(User::id)
                .containsExactlyInAnyOrder(kept.user().id(), added.user().id());
    }

    @Test
    void aRegistryDeletedThroughAnotherNodeIsForgottenHereAndOnlyThen() {
        one.tenants.create("acme", false, null);
        one.tenants.create("beta", false, null);
        one.announcedTo(other);
        assertThat(other.tenants.cached("acme")).isPresent();
        assertThat(other.tenants.cached("beta").orElseThrow().isPublic()).isFalse();

        one.tenants.update("beta", true, false, null);
        one.tenants.delete("acme");
        one.announcedTo(other);

        assertThat(other.registriesForgotten).containsExactly("acme");
        assertThat(other.tenants.cached("acme")).isEmpty();
        assertThat(other.tenants.cached("beta").orElseThrow().isPublic()).isTrue();
    }
}
