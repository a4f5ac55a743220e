package dev.berth.core.gc;

import dev.berth.core.digest.Digest;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule of an untagged collection: which manifests of a repository nothing keeps. A manifest is kept when it
 * has a tag or was pushed since the cut-off (the roots), and with a kept manifest go the manifests it lists (an
 * index's children), its {@code subject}, and the manifests whose {@code subject} it is (signatures, SBOMs and
 * other referrers stay with what they refer to). Every store applies this one rule to what it reads.
 */
public final class UntaggedManifests {
    /** A manifest of the repository as the rule needs it; {@code subject} may be null. */
    public record Manifest(Digest digest, boolean tagged, Instant pushedAt, Digest subject, List<Digest> references) {
    }

    private UntaggedManifests() {
    }

    /** The digests of the manifests nothing keeps, among all of one repository's. */
    public static Set<Digest> unkept(Collection<Manifest> manifests, Instant pushedBefore) {
        Map<Digest, Manifest> byDigest = new HashMap<>();
        Map<Digest, List<Digest>> referrers = new HashMap<>();
        for (Manifest m : manifests) {
            byDigest.put(m.digest(), m);
            if (m.subject() != null) {
                referrers.computeIfAbsent(m.subject(), s -> new ArrayList<>()).add(m.digest());
            }
        }
        Set<Digest> kept = new HashSet<>();
        Deque<Digest> toVisit = new ArrayDeque<>();
        for (Manifest m : manifests) {
            if (m.tagged() || !m.pushedAt().isBefore(pushedBefore)) {
                toVisit.add(m.digest());
            }
        }
        while (!toVisit.isEmpty()) {
            Digest digest = toVisit.poll();
            Manifest m = byDigest.get(digest);
            if (m == null || !kept.add(digest)) {
                continue;
            }
            toVisit.addAll(m.references());
            if (m.subject() != null) {
                toVisit.add(m.subject());
            }
            toVisit.addAll(referrers.getOrDefault(digest, List.of()));
        }
        Set<Digest> unkept = new HashSet<>(byDigest.keySet());
        unkept.removeAll(kept);
        return unkept;
    }
}
