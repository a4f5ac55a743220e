package dev.berth.http.v2.tag;

import dev.berth.core.name.RepositoryName;
import dev.berth.core.registry.Page;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.auth.V2AccessGate;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/** Lists the repositories the caller may pull from, in lexical order ({@code GET /v2/_catalog?n=&last=}). */
public final class CatalogHandler implements V2Handler {
    private final RegistryService registry;
    private final V2AccessGate gate;

    public CatalogHandler(RegistryService registry, V2AccessGate gate) {
        this.registry = registry;
        this.gate = gate;
    }

    @Override
    public void handle(RequestContext request) {
        PageParameters params = PageParameters.of(request.route());
        Page<RepositoryName> page = registry.catalog(params.n(), params.last(),
                name -> gate.mayPull(request, name.registry()));
        FullHttpResponse response = Responses.json(HttpResponseStatus.OK,
                Map.of("repositories", page.items().stream().map(RepositoryName::value).toList()));
        params.link(response.headers(), "/v2/_catalog", page);
        request.respond(response);
    }
}
