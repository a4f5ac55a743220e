package dev.berth.core.auth;

import dev.berth.core.testing.InMemoryTenantStore;
import dev.berth.core.testing.MutableClock;
import dev.berth.core.tenant.TenantService;
import dev.berth.core.user.Access;
import dev.berth.core.user.Permission;
import dev.berth.core.user.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AccessPolicyTest {
    private final TenantService tenants = new TenantService(new InMemoryTenantStore(), MutableClock.atSomeDay());
    private final AccessPolicy policy = new AccessPolicy(tenants);

    AccessPolicyTest() {
        tenants.create("private", false, null);
        tenants.create("public", true, null);
    }

    private static Principal user(String permission) {
        List<Permission> permissions = new ArrayList<>();
        if (!permission.equals("none")) {
            permissions.add(new Permission("private", Access.parse(permission)));
            permissions.add(new Permission("public", Access.parse(permission)));
        }
        User user = new User("u-1", "bot", "", true, -1, null, null, null, permissions, "sha256$x$y");
        return new Principal("bot", user);
    }

    @ParameterizedTest(name = "{0} on {1}: pull {2}, push {3}")
    @CsvSource({
            "anonymous, private, false, false",
            "anonymous, public,  true,  false",
            "anonymous, missing, false, false",
            "none,      private, false, false",
            "none,      public,  true,  false",
            "pull,      private, true,  false",
            "pull,      public,  true,  false",
            "push,      private, true,  true",
            "push,      public,  true,  true",
            "push,      missing, false, false",
            "admin,     private, true,  true",
            "admin,     public,  true,  true",
            "admin,     missing, true,  true",
    })
    void decidesWhoMayPullAndPush(String who, String registry, boolean pull, boolean push) {
        Principal principal = switch (who) {
            case "anonymous" -> null;
            case "admin" -> Principal.ADMIN_PRINCIPAL;
            default -> user(who);
        };

        assertThat(policy.mayPull(principal, registry)).isEqualTo(pull);
        assertThat(policy.mayPush(principal, registry)).isEqualTo(push);
    }

    @Test
    void seesARegistryMadePublicAtOnce() {
        assertThat(policy.mayPull(null, "private")).isFalse();

        tenants.update("private", true, false, null);

        assertThat(policy.mayPull(null, "private")).isTrue();
    }
}
