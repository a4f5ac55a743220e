package dev.berth.storage.check;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

/** Passes each finding of a run on to its reader as it is made, counting them for the {@link CheckReport}. */
final class FindingTally {
    private final Consumer<Finding> reader;
    private final Map<Finding.Kind, Integer> found = new EnumMap<>(Finding.Kind.class);
    private int repaired;
    private long blobFiles;
    private long blobBytes;

    FindingTally(Consumer<Finding> reader) {
        this.reader = reader;
    }

    void add(Finding finding) {
        found.merge(finding.kind(), 1, Integer::sum);
        if (finding.isRepaired() && finding.kind().isProblem()) {
            repaired++;
        }
        reader.accept(finding);
    }

    void hashed(long bytes) {
        blobFiles++;
        blobBytes += bytes;
    }

    CheckReport report() {
        return new CheckReport(blobFiles, blobBytes, found, repaired);
    }
}
