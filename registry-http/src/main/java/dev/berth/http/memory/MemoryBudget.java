package dev.berth.http.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How one figure, the memory the server may use ({@code --memory}), is shared out: the JVM's limits (heap, direct
 * memory, compiled code, class metadata), which {@code bin/berth} starts the JVM with, and what the server sizes
 * from them once running (its caches, H2's page cache, the bytes uploads may hold in flight). The figure is the
 * process's resident set the operator plans for; what the shares leave of it is the JVM's own (thread stacks, the
 * JIT's working memory, class data, the C library's arenas), about a fifth at the default.
 *
 * <p>The shares, at the default of 256 MiB: a heap of half (128 MiB), of which the caches take a quarter between
 * them (manifests 16 MiB, metadata answers 8 MiB, H2's pages 8 MiB, credentials 2 MiB); direct memory of an eighth (32 MiB), half of
 * which uploads may hold in flight; compiled code 48 MiB (an eighth from 384 MiB on, at most 240 MiB); class
 * metadata capped at 128 MiB (about 35 MiB used). The serial collector below 2 GiB (G1's remembered sets and
 * threads cost more than they save on a small heap), with a young generation of 3/8 of the heap; G1 from there.
 */
public record MemoryBudget(long total) {
    /** Below this the JVM's own fixed costs (classes, compiled code, threads) leave the heap too little. */
    public static final long MINIMUM = 192L << 20;
    private static final long MIB = 1L << 20;
    private static final long G1_FROM = 2048L * MIB;

    public MemoryBudget {
        if (total < MINIMUM) {
            throw new IllegalArgumentException("--memory must be at least " + (MINIMUM >> 20) + "m: " + (total >> 20)
                    + " MiB would leave the heap too little beside the JVM's own needs");
        }
    }

    public long heap() {
        return roundToMib(total / 2);
    }

    public long directMemory() {
        return roundToMib(total / 8);
    }

    public long codeCache() {
        return Math.min(240 * MIB, Math.max(48 * MIB, roundToMib(total / 8)));
    }

    public long metaspace() {
        return 128 * MIB;
    }

    /** The manifests kept in memory by digest, by their bytes. */
    public long manifestCache() {
        return heap() / 8;
    }

    /** The metadata store's answers kept in memory (tags, links, repositories), by their estimated bytes. */
    public long metadataCache() {
        return heap() / 16;
    }

    /** The credentials verified lately (their {@code Authorization} headers): thousands of robots' at the default. */
    public long credentialCache() {
        return heap() / 64;
    }

    /** H2's page cache. */
    public long databaseCache() {
        return heap() / 16;
    }

    /** The request bytes all uploads together may hold between the socket and the disk. */
    public long uploadBuffers() {
        return directMemory() / 2;
    }

    /**
     * The serial collector's young generation: 3/8 of the heap. Sized by a heap that starts at 16 MiB it was
     * 5 MiB, which promoted the metadata store's short-lived pages and made the old generation fill and collect
     * eleven times in twenty seconds of manifest pulls; at 24 MiB the pulls were 13% slower than on a 512 MiB G1
     * heap (20 young collections a second); at 48 MiB they are level with it (design-notes.md, "Memory").
     */
    public long youngGeneration() {
        return roundToMib(heap() * 3 / 8);
    }

    /** Twice the young generation under the serial collector (which needs room for it), else 16 MiB. */
    public long initialHeap() {
        return serialCollector() ? 2 * youngGeneration() : 16 * MIB;
    }

    public boolean serialCollector() {
        return total < G1_FROM;
    }

    /**
     * The options {@code bin/berth} starts the JVM with, so that the process stays within {@link #total}.
     *
     * @param nativeTrim whether the JVM can give the C library's freed memory back to the system every few seconds
     *        ({@code -XX:TrimNativeHeapInterval}, from JDK 17.0.9 on glibc): the JIT's working memory, freed after
     *        each compilation, otherwise stays resident (12 to 24 MiB under the load benchmark)
     */
    public List<String> jvmOptions(boolean nativeTrim) {
        List<String> options = new ArrayList<>(List.of(
                // The heap starts small and grows as used: what it has not touched costs no resident memory.
                "-Xms" + (initialHeap() >> 20) + "m",
                "-Xmx" + (heap() >> 20) + "m",
                "-XX:MaxDirectMemorySize=" + (directMemory() >> 20) + "m",
                "-XX:ReservedCodeCacheSize=" + (codeCache() >> 20) + "m",
                "-XX:MaxMetaspaceSize=" + (metaspace() >> 20) + "m"));
        if (serialCollector()) {
            options.addAll(List.of("-XX:+UseSerialGC", "-Xmn" + (youngGeneration() >> 20) + "m"));
        } else {
            // G1 sizes its young generation to meet its pause goal; fixing it would take that away.
            options.add("-XX:+UseG1GC");
        }
        if (nativeTrim) {
            options.add("-XX:TrimNativeHeapInterval=5000");
        }
        options.add("-XX:+ExitOnOutOfMemoryError");
        return List.copyOf(options);
    }

    /**
     * What to tell the operator when the JVM's heap limit is not this budget's, so that the process may grow past
     * it: the JVM was started without {@code bin/berth} (a bare {@code java -jar} sizes the heap at a quarter of the
     * machine's memory) or with a heap flag of its own. The serial collector reports its limit less one survivor
     * space, so only a limit above the budget's heap counts.
     */
    public Optional<String> unlike(long jvmMaxHeap) {
        if (jvmMaxHeap <= heap()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "the JVM's heap may grow to %d MiB, more than the %d MiB of "
                        + "--memory %dm: start Berth with bin/berth, or give java these options: %s",
                jvmMaxHeap >> 20, heap() >> 20, total >> 20, String.join(" ", jvmOptions(false))));
    }

    /** What the server says at start: the figure and its shares. */
    public String describe() {
        return String.format(Locale.ROOT, "memory %d MiB: heap %d MiB (caches: manifests %d MiB, metadata %d MiB, "
                        + "H2 %d MiB, credentials %d MiB), direct %d MiB (uploads in flight %d MiB), code %d MiB, %s collector",
                total >> 20, heap() >> 20, manifestCache() >> 20, metadataCache() >> 20, databaseCache() >> 20, credentialCache() >> 20,
                directMemory() >> 20, uploadBuffers() >> 20, codeCache() >> 20, serialCollector() ? "serial" : "G1");
    }

    private static long roundToMib(long bytes) {
        return bytes / MIB * MIB;
    }
}
