package dev.berth.storage.s3;

/**
 * The sizes of a multipart upload's parts: {@value #FIRST_MIB} MiB each for the first thousand, then twice as
 * large every thousand parts, up to S3's largest part (5 GiB). S3 allows 10,000 parts, so the plan reaches past
 * its 5 TiB object limit ({@link #MAX_OBJECT}) while a blob of a few GiB ships in parts small enough to overlap
 * with the upload. Parts are numbered from 1, as S3 numbers them.
 */
final class PartPlan {
    static final long FIRST_MIB = 8;
    static final int MAX_PARTS = 10_000;
    static final long MAX_PART = 5L * 1024 * 1024 * 1024;
    static final long MAX_OBJECT = 5L * 1024 * 1024 * 1024 * 1024;
    private static final long FIRST = FIRST_MIB * 1024 * 1024;
    private static final int STEP = 1000;

    private PartPlan() {
    }

    /** The size of part {@code n}. */
    static long size(int n) {
        check(n);
        return Math.min(MAX_PART, FIRST << ((n - 1) / STEP));
    }

    /** Where part {@code n} starts in the blob. */
    static long start(int n) {
        check(n);
        long start = 0;
        int step = 0;
        for (int before = n - 1; before > 0; step++) {
            int inStep = Math.min(before, STEP);
            start += inStep * Math.min(MAX_PART, FIRST << step);
            before -= inStep;
        }
        return start;
    }

    /** Where part {@code n} ends (exclusive). */
    static long end(int n) {
        return start(n) + size(n);
    }

    /** The part that holds byte {@code offset} of the blob. */
    static int partAt(long offset) {
        if (offset < 0 || offset >= end(MAX_PARTS)) {
            throw new IllegalArgumentException("offset " + offset + " is outside the plan");
        }
        long stepStart = 0;
        for (int step = 0; ; step++) {
            long partSize = Math.min(MAX_PART, FIRST << step);
            long stepEnd = stepStart + STEP * partSize;
            if (offset < stepEnd) {
                return step * STEP + (int) ((offset - stepStart) / partSize) + 1;
            }
            stepStart = stepEnd;
        }
    }

    private static void check(int n) {
        if (n < 1 || n > MAX_PARTS) {
            throw new IllegalArgumentException("part " + n + " is outside 1.." + MAX_PARTS);
        }
    }
}
