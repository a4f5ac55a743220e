import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Machine limit: the fastest a blob download can go over loopback on this machine.
 * A minimal HTTP/1.1 server that answers every GET with one file, then closes, in one of two modes:
 * {@code sendfile}: FileChannel.transferTo (sendfile(2) on Linux: no copy through user space);
 * {@code copy}: read into a 512 KiB direct buffer and written to the non-blocking socket, piece by
 * piece, waiting in epoll (a Selector) when the socket is full, as an event-loop server does. On
 * loopback the receiver copies every byte out of the kernel anyway, and it does so faster from a
 * piece the sender has just written (still in cache) than from page-cache pages, so on some
 * machines the copy is the faster of the two; the benchmark takes the better as the limit.
 *
 *   java DownloadLimitServer.java FILE PORTFILE sendfile|copy
 *
 * Binds 127.0.0.1 on a free port, writes the port number to PORTFILE once it listens, and serves
 * until killed. One thread per connection.
 */
public class DownloadLimitServer {
    private static final int PIECE = 512 * 1024;

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        boolean copy = switch (args[2]) {
            case "sendfile" -> false;
            case "copy" -> true;
            default -> throw new IllegalArgumentException("mode: sendfile or copy, not " + args[2]);
        };
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 64);
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        Path tmp = Path.of(args[1] + ".tmp");
        java.nio.file.Files.writeString(tmp, Integer.toString(port));
        java.nio.file.Files.move(tmp, Path.of(args[1]));
        while (true) {
            SocketChannel ch = server.accept();
            ch.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            Thread t = new Thread(() -> serve(ch, file, copy));
            t.setDaemon(true);
            t.start();
        }
    }

    static void serve(SocketChannel ch, Path file, boolean copy) {
        try (ch; FileChannel fc = FileChannel.open(file, StandardOpenOption.READ)) {
            // read the request head (ignore its content)
            ByteBuffer in = ByteBuffer.allocate(16384);
            StringBuilder head = new StringBuilder();
            while (head.indexOf("\r\n\r\n") < 0) {
                in.clear();
                if (ch.read(in) < 0 || head.length() > 65536) return;
                in.flip();
                head.append(StandardCharsets.ISO_8859_1.decode(in));
            }
            long size = fc.size();
            String resp = "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                    + size + "\r\nConnection: close\r\n\r\n";
            ByteBuffer h = ByteBuffer.wrap(resp.getBytes(StandardCharsets.ISO_8859_1));
            while (h.hasRemaining()) ch.write(h);
            if (copy) {
                // non-blocking, waiting in epoll when the socket is full, as an event-loop server does
                ch.configureBlocking(false);
                try (Selector selector = Selector.open()) {
                    ch.register(selector, SelectionKey.OP_WRITE);
                    ByteBuffer piece = ByteBuffer.allocateDirect(PIECE);
                    while (fc.read(piece) > 0 || piece.position() > 0) {
                        piece.flip();
                        while (piece.hasRemaining()) {
                            if (ch.write(piece) == 0) {
                                selector.select();
                                selector.selectedKeys().clear();
                            }
                        }
                        piece.clear();
                    }
                }
            } else {
                long pos = 0;
                while (pos < size) {
                    long n = fc.transferTo(pos, size - pos, ch);
                    if (n <= 0 && !ch.isOpen()) return;
                    pos += n;
                }
            }
            ch.shutdownOutput();
        } catch (IOException e) {
            // client went away: nothing to do
        }
    }
}
