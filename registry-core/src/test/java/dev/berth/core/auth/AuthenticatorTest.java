package dev.berth.core.auth;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.memory.MemoryOnly;
import dev.berth.core.testing.MutableClock;
import dev.berth.core.user.Access;
import dev.berth.core.user.Permission;
import dev.berth.core.user.User;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AuthenticatorTest {
    private static final String ADMIN_TOKEN = "the-admin-token";
    private static final String ADDRESS = "192.0.2.1";

    /** An admin token verifier that counts how often it is asked. */
    private static final class CountingVerifier implements AdminTokenVerifier {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public boolean matches(String token) {
            calls.incrementAndGet();
            return ADMIN_TOKEN.equals(token);
        }
    }

    private final MutableClock clock = MutableClock.atSomeDay();
    private final SecretHasher hasher = new SecretHasher();
    private final UserDirectory users = new UserDirectory();
    private final CountingVerifier verifier = new CountingVerifier();
    private final RecordedLogins events = new RecordedLogins();
    private final FailedLogins failures = new FailedLogins(new LoginThrottle(3, Duration.ofMinutes(1), 100, clock),
            new LoginThrottle(5, Duration.ofSeconds(10), 100, clock), events);
    private final SlowHashExecutor hashes = new SlowHashExecutor(1, 4);
    private final Authenticator authenticator = new Authenticator(users, hasher, new AdminLogin(verifier, failures, hashes),
            failures, clock, 1L << 20);
    private final String secret = hasher.newSecret();
    private final User bot = user("ci-bot", secret, true, clock.instant().plus(Duration.ofDays(30)));

    private User user(String name, String secret, boolean enabled, Instant expiresAt) {
        return new User("u-" + name, name, "", enabled, 30, expiresAt, clock.instant(), clock.instant(),
                List.of(new Permission("acme", Access.PUSH)), hasher.hash(secret));
    }

    private static String basic(String name, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((name + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private String refusal(String authorization) {
        try {
            authenticator.authenticate(authorization, ADDRESS);
        } catch (RegistryException e) {
            assertThat(e.ociCode()).contains(OciErrorCode.UNAUTHORIZED);
            return e.getMessage();
        }
        throw new AssertionError("accepted " + authorization);
    }

    @Test
    void answersNoPrincipalWithoutCredentials() {
        assertThat(authenticator.authenticate(null, ADDRESS)).isEmpty();
        assertThat(authenticator.authenticate("", ADDRESS)).isEmpty();
        assertThat(authenticator.authenticate("  ", ADDRESS)).isEmpty();
    }

    @Test
    void takesEmptyBasicCredentialsAsAnonymousAsPodmanSendsThem() {
        assertThat(authenticator.authenticate("Basic Og==", ADDRESS)).isEmpty();
        assertThat(authenticator.authenticate(basic("", ""), ADDRESS)).isEmpty();
        assertThat(authenticator.authenticate("basic  Og== ", ADDRESS)).isEmpty();
    }

    @Test
    void stillRefusesAnEmptyUserWithASecret() {
        refusal(basic("", "something"));
    }

    @Test
    void acceptsTheAdminWithTheAdminToken() {
        Principal principal = authenticator.authenticate(basic("admin", ADMIN_TOKEN), ADDRESS).orElseThrow();

        assertThat(principal.isAdmin()).isTrue();
        assertThat(principal.name()).isEqualTo("admin");
    }

    @Test
    void answersFromMemoryOnlyACredentialItHasVerifiedBefore() {
        String header = basic("admin", ADMIN_TOKEN);
        List<Principal> seen = new ArrayList<>();

        boolean first = MemoryOnly.attempt(() -> seen.add(authenticator.authenticate(header, ADDRESS).orElseThrow()));
        authenticator.authenticate(header, ADDRESS);
        boolean second = MemoryOnly.attempt(() -> seen.add(authenticator.authenticate(header, ADDRESS).orElseThrow()));

        assertThat(first).isFalse();
        assertThat(second).isTrue();
        assertThat(seen).hasSize(1).allSatisfy(p -> assertThat(p.isAdmin()).isTrue());
        assertThat(verifier.calls).hasValue(1);
    }

    @Test
    void refusesTheAdminWithAnotherToken() {
        refusal(basic("admin", "wrong"));
    }

    @Test
    void asksTheVerifierOnlyOnceForARepeatedAdminHeader() {
        String header = basic("admin", ADMIN_TOKEN);

        authenticator.authenticate(header, ADDRESS);
        authenticator.authenticate(header, ADDRESS);
        authenticator.authenticate(header, ADDRESS);

        assertThat(verifier.calls).hasValue(1);
    }

    @Test
    void asksTheVerifierAgainForAWrongAdminToken() {
        refusal(basic("admin", "wrong"));
        refusal(basic("admin", "wrong"));

        assertThat(verifier.calls).hasValue(2);
    }

    @Test
    void acceptsAUserWithItsSecret() {
        users.put(bot);

        Principal principal = authenticator.authenticate(basic("ci-bot", secret), ADDRESS).orElseThrow();

        assertThat(principal.isAdmin()).isFalse();
        assertThat(principal.name()).isEqualTo("ci-bot");
        assertThat(principal.user().accessTo("acme")).isEqualTo(Access.PUSH);
        assertThat(verifier.calls).hasValue(0);
    }

    @Test
    void acceptsTheSchemeInAnyCase() {
        users.put(bot);
        String encoded = basic("ci-bot", secret).substring("Basic ".length());

        assertThat(authenticator.authenticate("basic " + encoded, ADDRESS)).isPresent();
        assertThat(authenticator.authenticate("BASIC " + encoded, ADDRESS)).isPresent();
    }

    @Test
    void refusesAUserWithAWrongSecret() {
        users.put(bot);

        refusal(basic("ci-bot", "wrong"));
    }

    @Test
    void saysTheSameForAnUnknownUserAsForAWrongSecret() {
        users.put(bot);

        assertThat(refusal(basic("nobody", secret))).isEqualTo(refusal(basic("ci-bot", "wrong")));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @ValueSource(strings = {"Bearer abc", "Basic", "Basic ", "Basic !!!notbase64", "Basic bm9jb2xvbg==" /* nocolon */,
            "Basic OnNlY3JldA==" /* :secret */, "Digest abc"})
    void refusesMalformedCredentials(String header) {
        assertThat(refusal(header)).isNotBlank();
    }

    @Test
    void refusesADisabledUser() {
        users.put(user("ci-bot", secret, false, null));

        refusal(basic("ci-bot", secret));
    }

    @Test
    void refusesAnExpiredUser() {
        users.put(user("ci-bot", secret, true, clock.instant()));

        refusal(basic("ci-bot", secret));
    }

    @Test
    void acceptsAUserThatNeverExpires() {
        users.put(user("ci-bot", secret, true, null));
        clock.advance(Duration.ofDays(100_000));

        assertThat(authenticator.authenticate(basic("ci-bot", secret), ADDRESS)).isPresent();
    }

    @Test
    void refusesAUserDisabledAfterACachedSuccess() {
        users.put(bot);
        String header = basic("ci-bot", secret);
        authenticator.authenticate(header, ADDRESS);

        users.put(user("ci-bot", secret, false, bot.expiresAt()));

        refusal(header);
    }

    @Test
    void refusesAUserThatExpiredAfterACachedSuccess() {
        users.put(bot);
        String header = basic("ci-bot", secret);
        authenticator.authenticate(header, ADDRESS);

        clock.advance(Duration.ofDays(31));

        refusal(header);
    }

    @Test
    void refusesADeletedUserAfterACachedSuccess() {
        users.put(bot);
        String header = basic("ci-bot", secret);
        authenticator.authenticate(header, ADDRESS);

        users.remove(bot.id());

        refusal(header);
    }

    @Test
    void refusesTheOldSecretOfARefreshedUserAfterACachedSuccess() {
        users.put(bot);
        String header = basic("ci-bot", secret);
        authenticator.authenticate(header, ADDRESS);
        String fresh = hasher.newSecret();

        users.put(new User(bot.id(), bot.name(), "", true, 30, bot.expiresAt(), bot.createdAt(), clock.instant(),
                bot.permissions(), hasher.hash(fresh)));

        refusal(header);
        assertThat(authenticator.authenticate(basic("ci-bot", fresh), ADDRESS)).isPresent();
    }

    @Test
    void acceptsARenewedUserAgain() {
        users.put(user("ci-bot", secret, true, clock.instant()));
        String header = basic("ci-bot", secret);
        refusal(header);

        users.put(user("ci-bot", secret, true, clock.instant().plus(Duration.ofDays(1))));

        assertThat(authenticator.authenticate(header, ADDRESS)).isPresent();
    }

    @Test
    void servesTheUserAsItIsNowOnACacheHit() {
        users.put(bot);
        String header = basic("ci-bot", secret);
        authenticator.authenticate(header, ADDRESS);

        users.put(new User(bot.id(), bot.name(), "", true, 30, bot.expiresAt(), bot.createdAt(), clock.instant(),
                List.of(new Permission("other", Access.PULL)), bot.secretHash()));

        Principal principal = authenticator.authenticate(header, ADDRESS).orElseThrow();
        assertThat(principal.user().accessTo("acme")).isNull();
        assertThat(principal.user().accessTo("other")).isEqualTo(Access.PULL);
    }

    @Test
    void aCacheHitSkipsTheNameLookupAndTheHash() {
        // SecretHasher is final and cannot be counted; a rename shows the cache instead. After the rename a fresh
        // verification of "ci-bot" finds no such user, so the header is only still accepted if nothing was verified again.
        users.put(bot);
        String header = basic("ci-bot", secret);
        authenticator.authenticate(header, ADDRESS);

        users.put(new User(bot.id(), "renamed-bot", "", true, 30, bot.expiresAt(), bot.createdAt(), clock.instant(),
                bot.permissions(), bot.secretHash()));

        assertThat(authenticator.authenticate(header, ADDRESS)).map(Principal::name).contains("renamed-bot");
        assertThat(verifier.calls).hasValue(0);
    }

    @Test
    void aUserNamedAdminInTheDirectoryIsNotTheAdmin() {
        users.put(user("admin", secret, true, null));

        refusal(basic("admin", secret));
        assertThat(verifier.calls).hasValue(1);
    }

    private RegistryException throttled(String authorization, String address) {
        try {
            authenticator.authenticate(authorization, address);
        } catch (RegistryException e) {
            assertThat(e.ociCode()).contains(OciErrorCode.TOOMANYREQUESTS);
            return e;
        }
        throw new AssertionError("not throttled: " + authorization);
    }

    @Test
    void answersAnAddressOverItsLimitTooManyRequestsWithoutHashingTheAdminToken() {
        for (int i = 0; i < 3; i++) {
            refusal(basic("admin", "wrong-" + i));
        }

        RegistryException refused = throttled(basic("admin", ADMIN_TOKEN), ADDRESS);

        assertThat(refused.retryAfterSeconds()).isEqualTo(60);
        assertThat(verifier.calls).hasValue(3);
        assertThat(events.events).containsExactly("failed v2 wrong_admin_token", "failed v2 wrong_admin_token",
                "failed v2 wrong_admin_token", "throttled v2 address");
    }

    @Test
    void letsTheAddressTryAgainOnceItsWindowHasEnded() {
        for (int i = 0; i < 3; i++) {
            refusal(basic("admin", "wrong-" + i));
        }
        clock.advance(Duration.ofSeconds(59));
        assertThat(throttled(basic("admin", ADMIN_TOKEN), ADDRESS).retryAfterSeconds()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));

        assertThat(authenticator.authenticate(basic("admin", ADMIN_TOKEN), ADDRESS)).isPresent();
    }

    @Test
    void throttlesOnlyTheAddressThatFailed() {
        for (int i = 0; i < 3; i++) {
            refusal(basic("admin", "wrong-" + i));
        }

        assertThat(authenticator.authenticate(basic("admin", ADMIN_TOKEN), "198.51.100.7")).isPresent();
    }

    @Test
    void stillAcceptsAUserWithItsSecretFromAThrottledAddressButNotAWrongSecret() {
        users.put(bot);
        for (int i = 0; i < 3; i++) {
            refusal(basic("admin", "wrong-" + i));
        }

        assertThat(authenticator.authenticate(basic("ci-bot", secret), ADDRESS)).isPresent();
        throttled(basic("ci-bot", "wrong"), ADDRESS);
        throttled(basic("nobody", "wrong"), ADDRESS);
    }

    @Test
    void keepsAcceptingAnAdminHeaderVerifiedBeforeTheAddressWasThrottled() {
        String header = basic("admin", ADMIN_TOKEN);
        authenticator.authenticate(header, ADDRESS);
        for (int i = 0; i < 3; i++) {
            refusal(basic("admin", "wrong-" + i));
        }

        assertThat(authenticator.authenticate(header, ADDRESS)).isPresent();
    }

    @Test
    void doesNotCountTheRightSecretOfADisabledOrExpiredUserAgainstTheAddress() {
        users.put(user("ci-bot", secret, false, null));
        users.put(user("old-bot", secret, true, clock.instant()));
        for (int i = 0; i < 5; i++) {
            refusal(basic("ci-bot", secret));
            refusal(basic("old-bot", secret));
        }

        assertThat(authenticator.authenticate(basic("admin", ADMIN_TOKEN), ADDRESS)).isPresent();
        assertThat(events.events).isEmpty();
    }

    @Test
    void countsWrongUserSecretsAndMalformedHeadersAgainstTheAddress() {
        users.put(bot);
        refusal(basic("ci-bot", "wrong"));
        refusal(basic("nobody", "wrong"));
        refusal("Basic !!!");

        throttled(basic("admin", ADMIN_TOKEN), ADDRESS);
        assertThat(events.events).containsExactly("failed v2 wrong_secret", "failed v2 unknown_user", "failed v2 malformed",
                "throttled v2 address");
    }

    @Test
    void slowsGuessesAtOneUserFromManyAddressesButNotAClientWithACleanRecord() {
        for (int i = 0; i < 5; i++) {
            refusal(basic("admin", "guess-" + i), "203.0.113." + i);
        }

        RegistryException refused = throttled(basic("admin", "guess-5"), "203.0.113.0");

        assertThat(refused.retryAfterSeconds()).isEqualTo(10);
        assertThat(events.events).last().isEqualTo("throttled v2 user");
        assertThat(authenticator.authenticate(basic("admin", ADMIN_TOKEN), "198.51.100.7")).isPresent();
        clock.advance(Duration.ofSeconds(10));
        refusal(basic("admin", "guess-6"), "203.0.113.0");
    }

    private String refusal(String authorization, String address) {
        try {
            authenticator.authenticate(authorization, address);
        } catch (RegistryException e) {
            assertThat(e.ociCode()).contains(OciErrorCode.UNAUTHORIZED);
            return e.getMessage();
        }
        throw new AssertionError("accepted " + authorization);
    }
}
