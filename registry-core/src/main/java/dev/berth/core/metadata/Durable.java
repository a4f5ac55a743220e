package dev.berth.core.metadata;

/**
 * A committed write that may not be durable yet: its transaction is visible to every reader, and {@link #await}
 * returns once a crash of the process can no longer take it away. A store whose commits are durable as they
 * return (PostgreSQL's) hands out {@link #ALREADY}.
 */
@FunctionalInterface
public interface Durable {
    /** A write that was durable when its commit returned. */
    Durable ALREADY = () -> { };

    /**
     * Returns once the write is durable; a failure to make it so is thrown, and the write's caller must then not be
     * told it was done.
     */
    void await();
}
