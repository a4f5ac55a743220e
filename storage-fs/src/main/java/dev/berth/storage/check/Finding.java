package dev.berth.storage.check;

import java.util.List;

/**
 * One thing the integrity check found wrong (or worth knowing) in a data directory, and what {@code --repair}
 * did about it.
 *
 * @param kind what sort of finding it is, and whether it is a problem
 * @param description what was found, for an operator: the path, digest, repositories or counters concerned
 * @param repair what the check did to fix it, or null when it did nothing (no repair asked, or none possible)
 */
public record Finding(Kind kind, String description, String repair) {
    /** The sorts of finding. */
    public enum Kind {
        /** A file under {@code blobs/} whose content does not hash to its name. */
        CORRUPT_BLOB("corrupt blob", "corrupt blobs", true),
        /** An entry under {@code blobs/} that is not a blob at its address: a stray file, directory or name. */
        STRAY_ENTRY("stray entry", "stray entries", true),
        /** A digest that links or manifests name, whose blob file is missing. */
        MISSING_BLOB("missing blob", "missing blobs", true),
        /** A usage counter that disagrees with the blob links it counts. */
        USAGE_MISMATCH("usage mismatch", "usage mismatches", true),
        /**
         * An intact blob file that no link names and no manifest is stored under: garbage that a collector
         * would delete, harmless meanwhile, so not a problem, and never removed by the check.
         */
        UNRECORDED_BLOB("unrecorded blob", "unrecorded blobs", false);

        private final String label;
        private final String plural;
        private final boolean problem;

        Kind(String label, String plural, boolean problem) {
            this.label = label;
            this.plural = plural;
            this.problem = problem;
        }

        /** How the report names one finding of this kind. */
        public String label() {
            return label;
        }

        /** {@code count} findings of this kind, as the summary says it: {@code 2 corrupt blobs}. */
        public String count(int count) {
            return count + " " + (count == 1 ? label : plural);
        }

        /** Whether a finding of this kind makes the check fail until it is repaired. */
        public boolean isProblem() {
            return problem;
        }
    }

    /** A finding that nothing was done about. */
    static Finding of(Kind kind, String description) {
        return new Finding(kind, description, null);
    }

    /** This finding, fixed by {@code action}. */
    Finding repairedBy(String action) {
        return new Finding(kind, description, action);
    }

    public boolean isRepaired() {
        return repair != null;
    }

    /** The report's lines: the finding, then what was done about it, indented, when something was. */
    public List<String> lines() {
        String line = kind.label() + ": " + description;
        return repair == null ? List.of(line) : List.of(line, "  repaired: " + repair);
    }
}
