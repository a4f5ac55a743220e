package dev.berth.http.v2.tag;

import dev.berth.core.name.Tag;
import dev.berth.core.registry.Page;
import dev.berth.core.registry.RegistryService;
import dev.berth.http.route.RequestContext;
import dev.berth.http.route.Responses;
import dev.berth.http.route.V2Handler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.LinkedHashMap;
import java.util.Map;

/** Lists a repository's tags in lexical order (end-8a/8b: {@code GET /v2/<name>/tags/list?n=&last=}). */
public final class ListTagsHandler implements V2Handler {
    private final RegistryService registry;

    public ListTagsHandler(RegistryService registry) {
        this.registry = registry;
    }

    @Override
    public void handle(RequestContext request) {
        PageParameters params = PageParameters.of(request.route());
        Page<Tag> page = registry.listTags(request.route().repository(), params.n(), params.last());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", request.route().repository().value());
        body.put("tags", page.items().stream().map(Tag::value).toList());
        FullHttpResponse response = Responses.json(HttpResponseStatus.OK, body);
        params.link(response.headers(), "/v2/" + request.route().repository().value() + "/tags/list", page);
        request.respond(response);
    }
}
