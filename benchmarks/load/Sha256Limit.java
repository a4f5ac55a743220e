import java.security.MessageDigest;
import java.util.Random;

/**
 * Machine limit: single-core SHA-256 throughput of this JVM (java.security.MessageDigest),
 * the hash every registry computes over every uploaded byte.
 *
 *   java Sha256Limit.java [MIB_PER_PASS] [PASSES]
 *
 * Hashes MIB_PER_PASS MiB (default 1024) of random bytes in 1 MiB updates on one thread,
 * PASSES times (default 3) after a warm-up pass, and prints one line
 *   sha256_mb_s=<best pass, in 10^6 bytes per second> passes=<all passes> provider=<provider>
 */
public class Sha256Limit {
    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        byte[] buf = new byte[1 << 20];
        new Random(42).nextBytes(buf);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        // warm-up: let the JIT compile (and pick the intrinsic for) the hot loop
        for (int i = 0; i < Math.max(64, mib / 4); i++) {
            md.update(buf);
        }
        md.digest();
        double best = 0;
        StringBuilder all = new StringBuilder();
        for (int p = 0; p < passes; p++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < mib; i++) {
                md.update(buf);
            }
            byte[] d = md.digest();
            long t1 = System.nanoTime();
            if (d.length != 32) throw new IllegalStateException();
            double mbs = (double) mib * (1 << 20) / 1e6 / ((t1 - t0) / 1e9);
            best = Math.max(best, mbs);
            if (all.length() > 0) all.append(',');
            all.append(String.format("%.1f", mbs));
        }
        System.out.printf("sha256_mb_s=%.1f passes=%s provider=%s%n", best, all, md.getProvider().getName());
    }
}
