package dev.berth.storage;

/**
 * Whether one backend of the storage answers, as {@code /healthz} reports it.
 *
 * @param backend what it holds: {@code metadata} or {@code blobs}
 * @param engine what runs it: {@code h2}, {@code postgresql}, {@code fs}
 * @param problem why it does not answer, or null when it does
 */
public record BackendHealth(String backend, String engine, String problem) {
    public boolean ok() {
        return problem == null;
    }
}
