package dev.berth.core.user;

import dev.berth.core.auth.Principal;
import dev.berth.core.auth.SecretHasher;
import dev.berth.core.auth.UserDirectory;
import dev.berth.core.catalog.GroupResult;
import dev.berth.core.cluster.CacheChange;
import dev.berth.core.cluster.CacheCoherence;
import dev.berth.core.error.RegistryException;
import dev.berth.core.listing.Listing;
import dev.berth.core.listing.PageRequest;
import dev.berth.core.tenant.TenantService;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The life cycle of repository users. Each change is written to the store and then to the in-memory
 * {@link UserDirectory} that authentication reads, so it takes effect on the very next request; then it is announced
 * to the other nodes of a cluster ({@link CacheCoherence}), which read the user again from the store before the
 * announcement returns. The directory's writes are serialized on it, so that a re-read from the store never
 * lands after a newer change and undoes it.
 */
public final class UserService {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,62}");

    private final UserStore store;
    private final UserDirectory directory;
    private final TenantService tenants;
    private final SecretHasher hasher;
    private final Clock clock;
    private final CacheCoherence coherence;
    private final SecureRandom random = new SecureRandom();

    public UserService(UserStore store, UserDirectory directory, TenantService tenants, SecretHasher hasher, Clock clock,
                       CacheCoherence coherence) {
        this.store = store;
        this.directory = directory;
        this.tenants = tenants;
        this.hasher = hasher;
        this.clock = clock;
        this.coherence = coherence;
        coherence.subscribe(this::reread);
    }

    /** Loads every user into the directory; call once at start-up. */
    public void loadDirectory() {
        synchronized (directory) {
            directory.replaceAll(store.all());
        }
    }

    /** Reads again what another node changed (or, when this node may have missed changes, every user). */
    private void reread(CacheChange change) {
        switch (change.kind()) {
            case USER -> {
                synchronized (directory) {
                    store.find(change.key()).ifPresentOrElse(directory::put, () -> directory.remove(change.key()));
                }
            }
            case EVERYTHING -> loadDirectory();
            default -> {
            }
        }
    }

    /**
     * Creates an enabled user with a new secret. It expires after {@code durationDays} (-1: never) or at
     * {@code expiresAt}, which must be in the future; with neither, never.
     */
    public CreatedUser create(String name, String description, Integer durationDays, Instant expiresAt,
                              List<Permission> permissions) {
        if (name == null || !NAME.matcher(name).matches() || name.equals(Principal.ADMIN)) {
            throw RegistryException.invalid("INVALID_NAME",
                    "user names match [a-z0-9][a-z0-9._-]{1,62} and are never 'admin'");
        }
        Instant now = clock.instant();
        Expiry expiry = Expiry.of(now, durationDays, expiresAt, Expiry.never());
        if (expiry.hasPassed(now)) {
            throw RegistryException.invalid("INVALID_EXPIRY", "expires_at is in the past: a new user must be usable");
        }
        String secret = hasher.newSecret();
        User user = new User(newId(), name, description, true, expiry.durationDays(), expiry.expiresAt(), now, now,
                checkPermissions(permissions == null ? List.of() : permissions), hasher.hash(secret));
        synchronized (directory) {
            if (!store.insert(user)) {
                throw RegistryException.conflict("USER_EXISTS", "user '" + name + "' already exists");
            }
            directory.put(user);
        }
        coherence.announce(CacheChange.user(user.id()));
        return new CreatedUser(user, secret);
    }

    public User get(String id) {
        return store.find(id).orElseThrow(() -> RegistryException.notFound("user", id));
    }

    /** Users by name; {@code registry} and {@code status} filter when not null. */
    public Listing<User> list(PageRequest page, String registry, UserStatus status) {
        return store.list(page, registry, status, clock.instant());
    }

    /** The users with a permission on the registry. */
    public Listing<User> usersOf(String registry, PageRequest page) {
        tenants.get(registry);
        return store.list(page, registry, null, clock.instant());
    }

    /**
     * Changes description and expiry: {@code durationDays} recomputes the expiry from now, {@code expiresAt}
     * sets it exactly; giving both is an error.
     */
    public User update(String id, String description, Integer durationDays, Instant expiresAt) {
        User user = get(id);
        Instant now = clock.instant();
        Expiry expiry = Expiry.of(now, durationDays, expiresAt, new Expiry(user.durationDays(), user.expiresAt()));
        return save(new User(user.id(), user.name(), description != null ? description : user.description(), user.enabled(),
                expiry.durationDays(), expiry.expiresAt(), user.createdAt(), now, user.permissions(), user.secretHash()));
    }

    public User replacePermissions(String id, List<Permission> permissions) {
        User user = get(id);
        return save(withPermissions(user, checkPermissions(permissions)));
    }

    public User setEnabled(String id, boolean enabled) {
        User user = get(id);
        return save(new User(user.id(), user.name(), user.description(), enabled, user.durationDays(), user.expiresAt(),
                user.createdAt(), clock.instant(), user.permissions(), user.secretHash()));
    }

    /** Gives the user a new secret; the old one is refused from the next request on. */
    public CreatedUser refreshSecret(String id) {
        User user = get(id);
        String secret = hasher.newSecret();
        User refreshed = save(new User(user.id(), user.name(), user.description(), user.enabled(), user.durationDays(),
                user.expiresAt(), user.createdAt(), clock.instant(), user.permissions(), hasher.hash(secret)));
        return new CreatedUser(refreshed, secret);
    }

    public void delete(String id) {
        synchronized (directory) {
            if (!store.delete(id)) {
                throw RegistryException.notFound("user", id);
            }
            directory.remove(id);
        }
        coherence.announce(CacheChange.user(id));
    }

    /** Deletes each user; those that do not exist are reported as failed, the others are deleted. */
    public GroupResult deleteAll(List<String> ids) {
        return GroupResult.of(ids, this::delete);
    }

    /** Gives the user {@code access} on the registry, replacing any permission it had there. */
    public User attach(String registry, String id, Access access) {
        tenants.get(registry);
        User user = get(id);
        List<Permission> permissions = new ArrayList<>();
        for (Permission p : user.permissions()) {
            if (!p.registry().equals(registry)) {
                permissions.add(p);
            }
        }
        permissions.add(new Permission(registry, access));
        return save(withPermissions(user, permissions));
    }

    /**
     * Gives each listed user its access on the registry, in order (a user listed twice ends with its last
     * access); users that do not exist are reported as failed. The registry must exist.
     */
    public GroupResult attachAll(String registry, List<Grant> grants) {
        tenants.get(registry);
        return GroupResult.of(grants, Grant::userId, grant -> attach(registry, grant.userId(), grant.access()));
    }

    /** Removes each listed user's permission on the registry; users without one are reported as failed. */
    public GroupResult detachAll(String registry, List<String> ids) {
        tenants.get(registry);
        return GroupResult.of(ids, id -> detach(registry, id));
    }

    /** Removes the user's permission on the registry; 404 when it had none. */
    public void detach(String registry, String id) {
        tenants.get(registry);
        User user = get(id);
        List<Permission> permissions = user.permissions().stream().filter(p -> !p.registry().equals(registry)).toList();
        if (permissions.size() == user.permissions().size()) {
            throw RegistryException.notFound("permission", id + " on " + registry);
        }
        save(withPermissions(user, permissions));
    }

    /** Drops a deleted registry's permissions from the directory (the store dropped them with the registry). */
    public void registryDeleted(String registry) {
        synchronized (directory) {
            for (User user : List.copyOf(directory.all())) {
                if (user.accessTo(registry) != null) {
                    store.find(user.id()).ifPresentOrElse(directory::put, () -> directory.remove(user.id()));
                }
            }
        }
    }

    private User withPermissions(User user, List<Permission> permissions) {
        return new User(user.id(), user.name(), user.description(), user.enabled(), user.durationDays(), user.expiresAt(),
                user.createdAt(), clock.instant(), permissions, user.secretHash());
    }

    private User save(User user) {
        synchronized (directory) {
            if (!store.update(user)) {
                throw RegistryException.notFound("user", user.id());
            }
            directory.put(user);
        }
        coherence.announce(CacheChange.user(user.id()));
        return user;
    }

    private List<Permission> checkPermissions(List<Permission> permissions) {
        Set<String> seen = new HashSet<>();
        for (Permission permission : permissions) {
            if (permission == null || permission.registry() == null || permission.access() == null) {
                throw RegistryException.invalid("INVALID_PERMISSION", "a permission needs a registry and access 'pull' or 'push'");
            }
            if (!seen.add(permission.registry())) {
                throw RegistryException.invalid("INVALID_PERMISSION", "registry '" + permission.registry() + "' is listed twice");
            }
            if (tenants.current(permission.registry()).isEmpty()) {
                throw RegistryException.invalid("UNKNOWN_REGISTRY", "registry '" + permission.registry() + "' does not exist");
            }
        }
        return List.copyOf(permissions);
    }

    private String newId() {
        byte[] bytes = new byte[8];
        random.nextBytes(bytes);
        return "u-" + HexFormat.of().formatHex(bytes);
    }
}
