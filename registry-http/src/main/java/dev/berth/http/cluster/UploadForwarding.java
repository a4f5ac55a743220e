package dev.berth.http.cluster;

import dev.berth.core.cluster.ClusterMembership;
import dev.berth.core.error.OciErrorCode;
import dev.berth.core.error.RegistryException;
import dev.berth.core.upload.UploadId;
import dev.berth.http.route.Exchange;
import dev.berth.http.route.RequestContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Decides where a request about an upload session ({@code PATCH}, {@code PUT}, {@code GET}, {@code DELETE} on
 * {@code /v2/<name>/blobs/uploads/<id>}) is served. A session lives on the node that opened it: its bytes are
 * staged in that node's data directory while its running SHA-256 is in that node's memory. So the request goes to
 * that node, named by the first eight characters of the id, byte for byte ({@link ForwardedExchange}), and nothing
 * the client sent is read twice. A session of a node that is not live is answered here: unknown, so that the
 * client starts its upload again (the session's bytes went with its node).
 *
 * <p>Nodes that serve HTTPS forward over HTTPS, trusting the certificate chain they serve themselves: the nodes of
 * one registry serve its one name, with one certificate or certificates of one issuer.
 */
public final class UploadForwarding {
    /** Marks a request that a node forwarded, with that node's id: it is never forwarded again. */
    static final String FORWARDED_BY = "X-Berth-Forwarded-By";

    private final ClusterMembership membership;
    private final SslContext tls;

    /** @param tls the client side of the nodes' TLS, or null when they serve plain HTTP */
    public UploadForwarding(ClusterMembership membership, SslContext tls) {
        this.membership = membership;
        this.tls = tls;
    }

    /** Forwarding between nodes that serve HTTPS with {@code certificateChain} (PEM), trusting that chain. */
    public static SslContext trusting(Path certificateChain) throws SSLException {
        return SslContextBuilder.forClient().trustManager(certificateChain.toFile()).build();
    }

    /** The exchange that hands the request to the node holding its session, or empty when it is served here. */
    public Optional<Exchange> forward(RequestContext request, String segment) {
        Optional<UploadId> id = UploadId.tryParse(segment);
        if (id.isEmpty() || id.get().node().equals(membership.self())) {
            return Optional.empty();
        }
        Optional<String> address = membership.addressOf(id.get().node());
        if (address.isEmpty()) {
            return Optional.empty();
        }
        String forwardedBy = request.request().headers().get(FORWARDED_BY);
        if (forwardedBy != null) {
            throw new RegistryException(OciErrorCode.BLOB_UPLOAD_UNKNOWN, "node " + forwardedBy + " forwarded this "
                    + "request here, to " + address.get() + ", but the session's node " + id.get().node() + " is not this "
                    + "one: check the nodes' --node-address", Map.of("id", segment));
        }
        return Optional.of(new ForwardedExchange(request, id.get().node(), address.get(), membership.self(), tls));
    }
}
