import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latency of a valid user's manifest GETs, with or without a flood of wrong admin logins.
 *
 *   java AuthFlood.java URL REPO TAG USER SECRET READERS FLOOD WARMUP_S MEASURE_S
 *
 * READERS threads, each on its own keep-alive connection, GET /v2/REPO/manifests/TAG as USER:SECRET
 * one after another (closed loop) for WARMUP_S seconds (not counted) and then MEASURE_S seconds; FLOOD
 * threads meanwhile send GET /v2/ as admin with a different wrong token each time, also closed loop.
 * Prints one line: reader latency percentiles in ms, reader requests per second, flood requests per
 * second by status, and reader errors.
 */
public class AuthFlood {
    public static void main(String[] args) throws Exception {
        URI base = URI.create(args[0]);
        String repo = args[1];
        String tag = args[2];
        String valid = basic(args[3], args[4]);
        int readers = Integer.parseInt(args[5]);
        int flood = Integer.parseInt(args[6]);
        long warmupNanos = Duration.ofSeconds(Long.parseLong(args[7])).toNanos();
        long measureNanos = Duration.ofSeconds(Long.parseLong(args[8])).toNanos();

        AtomicBoolean stop = new AtomicBoolean();
        long start = System.nanoTime();
        long measureFrom = start + warmupNanos;
        long end = measureFrom + measureNanos;
        Map<Integer, LongAdder> floodStatuses = new ConcurrentHashMap<>();
        LongAdder readerErrors = new LongAdder();
        List<Samples> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();

        URI manifest = base.resolve("/v2/" + repo + "/manifests/" + tag);
        for (int r = 0; r < readers; r++) {
            Samples mine = new Samples();
            latencies.add(mine);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            threads.add(new Thread(() -> {
                HttpRequest get = HttpRequest.newBuilder(manifest).header("Authorization", valid)
                        .header("Accept", "application/vnd.oci.image.manifest.v1+json").GET().build();
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<Void> response = client.send(get, HttpResponse.BodyHandlers.discarding());
                        long t1 = System.nanoTime();
                        if (response.statusCode() != 200) {
                            readerErrors.increment();
                        } else if (t0 >= measureFrom && t1 <= end) {
                            mine.add(t1 - t0);
                        }
                    } catch (Exception e) {
                        readerErrors.increment();
                    }
                }
            }, "reader-" + r));
        }
        HttpClient floodClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI ping = base.resolve("/v2/");
        for (int f = 0; f < flood; f++) {
            int id = f;
            threads.add(new Thread(() -> {
                long attempt = 0;
                while (!stop.get()) {
                    HttpRequest wrong = HttpRequest.newBuilder(ping)
                            .header("Authorization", basic("admin", "wrong-" + id + "-" + attempt++)).GET().build();
                    int status;
                    try {
                        status = floodClient.send(wrong, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (Exception e) {
                        status = -1;
                    }
                    if (System.nanoTime() >= measureFrom) {
                        floodStatuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                    }
                }
            }, "flood-" + f));
        }
        threads.forEach(Thread::start);
        Thread.sleep(Duration.ofNanos(end - System.nanoTime()).toMillis() + 1);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join(30_000);
        }

        int total = latencies.stream().mapToInt(samples -> samples.count).sum();
        long[] all = new long[total];
        int at = 0;
        for (Samples mine : latencies) {
            System.arraycopy(mine.values, 0, all, at, mine.count);
            at += mine.count;
        }
        Arrays.sort(all);
        double seconds = measureNanos / 1e9;
        Map<Integer, Long> statuses = new TreeMap<>();
        floodStatuses.forEach((status, count) -> statuses.put(status, count.sum()));
        StringBuilder floodRates = new StringBuilder();
        statuses.forEach((status, count) -> floodRates.append(' ').append(status).append('=')
                .append(String.format("%.0f", count / seconds)).append("/s"));
        System.out.printf("readers=%d flood=%d gets=%d gets_per_s=%.0f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f"
                        + " reader_errors=%d flood_answers:%s%n",
                readers, flood, total, total / seconds, ms(all, 0.50), ms(all, 0.90), ms(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, readerErrors.sum(),
                floodRates.length() == 0 ? " none" : floodRates);
    }

    /** One reader's latencies in nanoseconds; written by that reader only, read after it has stopped. */
    private static final class Samples {
        long[] values = new long[1 << 16];
        int count;

        void add(long nanos) {
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count++] = nanos;
        }
    }

    private static double ms(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    private static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
