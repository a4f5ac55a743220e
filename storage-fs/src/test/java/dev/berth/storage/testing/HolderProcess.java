package dev.berth.storage.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM that holds something (a lock, an open database) for a test that needs another process: it runs
 * {@code main} of a class on the test class path, which takes what it holds, prints one line, and keeps it until
 * its standard input closes. {@link #close} kills it, as a crash would, and waits for it to end.
 */
public final class HolderProcess implements AutoCloseable {
    private final Process process;
    private final String said;

    private HolderProcess(Process process, String said) {
        this.process = process;
        this.said = said;
    }

    /** Starts {@code holder}'s {@code main} with {@code args} and waits for its first line. */
    public static HolderProcess start(Class<?> holder, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), holder.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)).readLine();
        return new HolderProcess(process, line);
    }

    /** The first line the holder printed: what it says once it holds. */
    public String said() {
        return said;
    }

    /** Waits in a holder's {@code main} until the test ends it. */
    public static void holdUntilStdinCloses() throws IOException {
        while (System.in.read() >= 0) {
            // Holding until the test ends this process.
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the holder process did not end");
        }
    }
}
