package dev.berth.http.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Where a webjar keeps its files: {@code META-INF/resources/webjars/<artifact>/<version>}, the version read from
 * the webjar's own {@code pom.properties}, so that upgrading the dependency in the pom is the whole upgrade.
 */
final class Webjars {
    private Webjars() {
    }

    /** The resource directory of the webjar {@code group:artifact}; fails when it is not on the classpath. */
    static String directory(ClassLoader loader, String group, String artifact) {
        String propertiesName = "META-INF/maven/" + group + "/" + artifact + "/pom.properties";
        Properties properties = new Properties();
        try (InputStream in = loader.getResourceAsStream(propertiesName)) {
            if (in == null) {
                throw new IllegalStateException("the webjar " + group + ":" + artifact + " is not on the classpath (no "
                        + propertiesName + ")");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + propertiesName, e);
        }
        String version = properties.getProperty("version");
        if (version == null || version.isBlank()) {
            throw new IllegalStateException(propertiesName + " names no version");
        }
        return "META-INF/resources/webjars/" + artifact + "/" + version.trim();
    }
}
