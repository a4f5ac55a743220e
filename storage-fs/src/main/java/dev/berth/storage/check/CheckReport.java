package dev.berth.storage.check;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one run of the integrity check found, counted by kind, and how much of it the run repaired.
 *
 * @param blobFiles the blob files re-hashed
 * @param blobBytes their total size
 * @param found the number of findings of each kind; kinds not found are absent
 * @param repaired how many of the problems the run repaired
 */
public record CheckReport(long blobFiles, long blobBytes, Map<Finding.Kind, Integer> found, int repaired) {
    public CheckReport {
        found = Map.copyOf(found);
    }

    /** The findings that are problems (everything but unrecorded blobs). */
    public int problems() {
        return found.entrySet().stream().filter(e -> e.getKey().isProblem()).mapToInt(Map.Entry::getValue).sum();
    }

    /** The problems that remain: the check fails unless this is zero. */
    public int unrepaired() {
        return problems() - repaired;
    }

    /** One line for the end of the report. */
    public String summary() {
        StringBuilder line = new StringBuilder("checked ").append(blobFiles)
                .append(blobFiles == 1 ? " blob file (" : " blob files (").append(blobBytes).append(" bytes): ");
        int problems = problems();
        if (problems == 0) {
            line.append("no problems");
        } else {
            line.append(problems).append(problems == 1 ? " problem (" : " problems (")
                    .append(counts(true)).append("), ").append(repaired).append(" repaired");
        }
        String garbage = counts(false);
        if (!garbage.isEmpty()) {
            line.append("; ").append(garbage).append(" left for garbage collection");
        }
        return line.toString();
    }

    private String counts(boolean problems) {
        return found.entrySet().stream().filter(e -> e.getKey().isProblem() == problems)
                .sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey().count(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
