package dev.berth.http.auth;

import dev.berth.core.auth.AccessPolicy;
import dev.berth.core.auth.Authenticator;
import dev.berth.core.auth.Principal;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.http.route.RequestContext;
import io.netty.handler.codec.http.HttpHeaderNames;

/**
 * Authenticates a {@code /v2} request and checks that its caller may do what the endpoint needs. An
 * anonymous caller who may not is challenged (401 with {@code WWW-Authenticate: Basic}); an authenticated
 * one is refused (403 {@code DENIED}). Runs off the event loop: a first admin login verifies a slow hash.
 */
public final class V2AccessGate {
    /** What an endpoint needs of its caller. */
    public enum Need {
        /** Any valid credentials ({@code GET /v2/}, the login probe). */
        LOGIN,
        /** Nothing; the handler filters what it shows ({@code _catalog}). */
        NOTHING,
        /** Pull on the repository's registry. */
        PULL,
        /** Push on the repository's registry. */
        PUSH
    }

    private final Authenticator authenticator;
    private final AccessPolicy policy;

    public V2AccessGate(Authenticator authenticator, AccessPolicy policy) {
        this.authenticator = authenticator;
        this.policy = policy;
    }

    /** Sets the request's principal, or throws {@code UNAUTHORIZED}/{@code DENIED}. */
    public void authorize(RequestContext request, Need need) {
        Principal principal = authenticator.authenticate(request.request().headers().get(HttpHeaderNames.AUTHORIZATION),
                request.clientAddress()).orElse(null);
        request.principal(principal);
        boolean allowed = switch (need) {
            case LOGIN -> principal != null;
            case NOTHING -> true;
            case PULL -> policy.mayPull(principal, request.route().repository().registry());
            case PUSH -> policy.mayPush(principal, request.route().repository().registry());
        };
        if (!allowed) {
            throw principal == null
                    ? new RegistryException(OciErrorCode.UNAUTHORIZED, "authentication required")
                    : new RegistryException(OciErrorCode.DENIED, "requested access to the resource is denied");
        }
    }

    /** True when the request's caller may pull from the registry (for mounts and the catalog). */
    public boolean mayPull(RequestContext request, String registry) {
        return policy.mayPull(request.principal(), registry);
    }
}
