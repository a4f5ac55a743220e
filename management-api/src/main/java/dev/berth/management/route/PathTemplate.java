package dev.berth.management.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A route's path, such as {@code /api/v1/registries/{registry}/repositories/{repository+}/artifacts/{digest}}.
 *
 * <p>{@code {name}} matches one path segment. {@code {name+}} (at most one per template) matches one or more
 * segments, joined back with {@code /}: a repository name may contain slashes, sent raw or as {@code %2F}.
 * Matching takes the literal and single-segment parts before the greedy parameter from the left and those
 * after it from the right, so {@code team/app/artifacts/sha256:..} splits into the repository
 * {@code team/app} and the digest. A parameter named {@code digest} matches only a segment with a colon:
 * repository names never contain one, which keeps a repository that has a component named
 * {@code artifacts} addressable ({@code DELETE .../repositories/a/artifacts/b} deletes repository
 * {@code a/artifacts/b}).
 */
public final class PathTemplate {
    private final String template;
    private final List<String> prefix;
    private final String greedy;
    private final List<String> suffix;

    private PathTemplate(String template, List<String> prefix, String greedy, List<String> suffix) {
        this.template = template;
        this.prefix = prefix;
        this.greedy = greedy;
        this.suffix = suffix;
    }

    public static PathTemplate parse(String template) {
        if (!template.startsWith("/") || template.endsWith("/")) {
            throw new IllegalArgumentException("template must start and not end with '/': " + template);
        }
        List<String> prefix = new ArrayList<>();
        List<String> suffix = new ArrayList<>();
        String greedy = null;
        for (String segment : template.substring(1).split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("empty segment in " + template);
            }
            if (segment.startsWith("{") && segment.endsWith("+}")) {
                if (greedy != null) {
                    throw new IllegalArgumentException("two multi-segment parameters in " + template);
                }
                greedy = segment.substring(1, segment.length() - 2);
            } else {
                (greedy == null ? prefix : suffix).add(segment);
            }
        }
        return new PathTemplate(template, List.copyOf(prefix), greedy, List.copyOf(suffix));
    }

    /** The template as written, {@code +} included. */
    public String template() {
        return template;
    }

    /** The template as an OpenAPI path: {@code {repository+}} is written {@code {repository}}. */
    public String openApiPath() {
        return template.replace("+}", "}");
    }

    /** How many literal segments it has: the more, the more specific. */
    public int literalCount() {
        return (int) prefix.stream().filter(s -> !isParam(s)).count() + (int) suffix.stream().filter(s -> !isParam(s)).count();
    }

    /** The parameters, when the decoded segments match. */
    public Optional<Map<String, String>> match(List<String> segments) {
        int fixed = prefix.size() + suffix.size();
        if (greedy == null ? segments.size() != fixed : segments.size() <= fixed) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < prefix.size(); i++) {
            if (!matchSegment(prefix.get(i), segments.get(i), params)) {
                return Optional.empty();
            }
        }
        int suffixStart = segments.size() - suffix.size();
        for (int i = 0; i < suffix.size(); i++) {
            if (!matchSegment(suffix.get(i), segments.get(suffixStart + i), params)) {
                return Optional.empty();
            }
        }
        if (greedy != null) {
            params.put(greedy, String.join("/", segments.subList(prefix.size(), suffixStart)));
        }
        return Optional.of(params);
    }

    private static boolean matchSegment(String pattern, String segment, Map<String, String> params) {
        if (!isParam(pattern)) {
            return pattern.equals(segment);
        }
        String name = pattern.substring(1, pattern.length() - 1);
        if (name.equals("digest") && segment.indexOf(':') < 0) {
            return false;
        }
        params.put(name, segment);
        return true;
    }

    private static boolean isParam(String segment) {
        return segment.startsWith("{");
    }

    @Override
    public String toString() {
        return template;
    }
}
