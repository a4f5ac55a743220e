package dev.berth.http.flow;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.berth.http.flow.UploadBuffers.LEAST_PER_UPLOAD;
import static dev.berth.http.flow.UploadBuffers.MOST_PER_UPLOAD;
import static org.assertj.core.api.Assertions.assertThat;

class UploadFlowControlTest {
    private static final long LIMIT = 16L * 1024 * 1024;
    /** One upload alone has the most an upload may hold; it reads again below two thirds of it. */
    private static final long HIGH_WATER_MARK = MOST_PER_UPLOAD;
    private static final long LOW_WATER_MARK = MOST_PER_UPLOAD * 2 / 3;

    private final AtomicInteger resumes = new AtomicInteger();
    private final AtomicInteger pauses = new AtomicInteger();
    private final UploadBuffers buffers = new UploadBuffers(LIMIT);
    private final UploadFlowControl flow = buffers.open(resumes::incrementAndGet, pauses::incrementAndGet);

    @Test
    void keepsReadingUpToTheHighMark() {
        flow.submitted(HIGH_WATER_MARK);

        assertThat(flow.paused()).isFalse();
    }

    @Test
    void pausesAboveTheHighMark() {
        flow.submitted(HIGH_WATER_MARK);
        flow.submitted(1);

        assertThat(flow.paused()).isTrue();
    }

    @Test
    void reportsEachPauseOnce() {
        flow.submitted(HIGH_WATER_MARK + 1);
        flow.submitted(1);
        flow.written(HIGH_WATER_MARK + 2);
        flow.submitted(HIGH_WATER_MARK + 1);

        assertThat(pauses).hasValue(2);
    }

    @Test
    void staysPausedUntilTheCountFallsBelowTheLowMark() {
        flow.submitted(HIGH_WATER_MARK + 1);

        flow.written(HIGH_WATER_MARK + 1 - LOW_WATER_MARK);

        assertThat(flow.paused()).isTrue();
        assertThat(resumes).hasValue(0);
    }

    @Test
    void resumesOnceBelowTheLowMark() {
        flow.submitted(HIGH_WATER_MARK + 1);

        flow.written(HIGH_WATER_MARK + 2 - LOW_WATER_MARK);
        flow.written(1);
        flow.written(1);

        assertThat(flow.paused()).isFalse();
        assertThat(resumes).hasValue(1);
    }

    @Test
    void neverResumesWhatWasNotPaused() {
        flow.submitted(10);
        flow.written(10);

        assertThat(resumes).hasValue(0);
    }

    @Test
    void pausesAndResumesAgainForASecondBurst() {
        flow.submitted(HIGH_WATER_MARK + 1);
        flow.written(HIGH_WATER_MARK + 1);
        flow.submitted(HIGH_WATER_MARK + 1);

        assertThat(flow.paused()).isTrue();

        flow.written(HIGH_WATER_MARK + 1);
        assertThat(resumes).hasValue(2);
        assertThat(flow.paused()).isFalse();
    }

    @Test
    void countsManySmallChunks() {
        int chunk = 64 * 1024;
        long chunks = HIGH_WATER_MARK / chunk + 1;
        for (int i = 0; i < chunks; i++) {
            flow.submitted(chunk);
        }
        assertThat(flow.paused()).isTrue();

        while (flow.paused()) {
            flow.written(chunk);
        }

        assertThat(resumes).hasValue(1);
    }

    @Test
    void sharesTheLimitAmongTheUploadsArrivingBetweenTheLeastAndTheMost() {
        assertThat(flow.highWaterMark()).isEqualTo(MOST_PER_UPLOAD);
        List<UploadFlowControl> others = new ArrayList<>();
        for (int i = 1; i < 32; i++) {
            others.add(buffers.open(() -> { }, () -> { }));
        }
        assertThat(flow.highWaterMark()).isEqualTo(LIMIT / 32);
        for (int i = 32; i < 128; i++) {
            others.add(buffers.open(() -> { }, () -> { }));
        }
        assertThat(flow.highWaterMark()).as("never below the least").isEqualTo(LEAST_PER_UPLOAD);

        others.forEach(UploadFlowControl::close);
        others.forEach(UploadFlowControl::close);
        assertThat(buffers.uploads()).as("closing twice counts once").isEqualTo(1);
        assertThat(flow.highWaterMark()).isEqualTo(MOST_PER_UPLOAD);
    }

    @Test
    void pausesAtItsShareWhenOthersArriveAndResumesOnceItsOwnWriterCatchesUpWhateverTheShareBecame() {
        List<UploadFlowControl> others = new ArrayList<>();
        for (int i = 1; i < 32; i++) {
            others.add(buffers.open(() -> { }, () -> { }));
        }
        flow.submitted(LIMIT / 32 + 1);
        assertThat(flow.paused()).isTrue();

        for (int i = 32; i < 128; i++) {
            others.add(buffers.open(() -> { }, () -> { }));
        }
        flow.written(LIMIT / 32 + 1);

        assertThat(flow.paused()).isFalse();
        assertThat(resumes).hasValue(1);
    }
}
