package dev.berth.conformance.browser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * skopeo, the real client the browser walk pushes and pulls with, against a server on loopback over plain HTTP,
 * and the OCI layouts it copies from ({@code scripts/build-test-images.sh}, offline).
 */
final class Skopeo {
    static final Path EXECUTABLE = Path.of("/usr/bin/skopeo");

    private Skopeo() {
    }

    /** What skopeo said, and whether it succeeded. */
    record Result(int exitCode, String output) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    static boolean installed() {
        return Files.isExecutable(EXECUTABLE);
    }

    /** Builds the test images' OCI layouts under {@code directory} ({@code single}, {@code multi}, {@code index}). */
    static void buildTestImages(Path directory) throws IOException, InterruptedException {
        Path script = Path.of("..", "scripts", "build-test-images.sh").toAbsolutePath().normalize();
        Result built = run(List.of("bash", script.toString(), directory.toString()));
        if (!built.succeeded()) {
            throw new IllegalStateException("build-test-images.sh failed: " + built.output());
        }
    }

    /** Copies the layout {@code oci:LAYOUT:v1} to {@code docker://HOST/REPOSITORY:TAG} as that user. */
    static Result push(Path layout, String host, String repositoryAndTag, String user, String secret)
            throws IOException, InterruptedException {
        return run(List.of(EXECUTABLE.toString(), "copy", "--dest-tls-verify=false", "--dest-creds", user + ":" + secret,
                "oci:" + layout + ":v1", "docker://" + host + "/" + repositoryAndTag));
    }

    /** Copies {@code docker://HOST/REPOSITORY:TAG} into a new OCI layout at {@code into}, as that user: a pull. */
    static Result pull(String host, String repositoryAndTag, String user, String secret, Path into)
            throws IOException, InterruptedException {
        return run(List.of(EXECUTABLE.toString(), "copy", "--src-tls-verify=false", "--src-creds", user + ":" + secret,
                "docker://" + host + "/" + repositoryAndTag, "oci:" + into + ":pulled"));
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("berth-skopeo", ".log");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("did not finish in 2 minutes: " + command);
            }
            return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
