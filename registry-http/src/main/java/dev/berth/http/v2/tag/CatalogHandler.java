package dev.berth.http.v2.tag;

import dev.berth.core.name.RepositoryName;
import dev.berth.core.registry.Page;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;

/** Lists repositories in lexical order ({@code GET /v2/_catalog?n=&last=}). */
public final class CatalogHandler implements V2Handler {
    private final RegistryService registry;

    public CatalogHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        PageParameters params = PageParameters.of(request.route());
        Page<RepositoryName> page = registry.catalog(params.n(), params.last());
        FullHttpResponse response = Responses.json(HttpResponseStatus.OK,
                Map.of("repositories", page.items().stream().map(RepositoryName::value).toList()));
        params.link(response.headers(), "/v2/_catalog", page);
        request.respond(response);
    }
}
