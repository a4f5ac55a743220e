package dev.berth.http.v2.tag;

import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.registry.Page;
import dev.berth.http.route.V2Route;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringEncoder;

/** The {@code n} and {@code last} parameters of a listing, and the {@code Link} header to its next page. */
record PageParameters(Integer n, String last) {
    static PageParameters of(V2Route route) {
        String n = route.param("n");
        try {
            return new PageParameters(n == null ? null : Integer.valueOf(n), route.param("last"));
        } catch (NumberFormatException e) {
            throw new RegistryException(OciErrorCode.PARAMETER_INVALID, "n is not a number: " + n);
        }
    }

    /** Adds {@code Link: <path?n=..&last=..>; rel="next"} when the page has a successor. */
    void link(HttpHeaders headers, String path, Page<?> page) {
        if (page.next() == null) {
            return;
        }
        QueryStringEncoder next = new QueryStringEncoder(path);
        next.addParam("n", String.valueOf(n != null ? n : page.items().size()));
        next.addParam("last", page.next());
        headers.set("Link", "<" + next + ">; rel=\"next\"");
    }
}
