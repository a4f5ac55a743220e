package dev.berth.http.flow;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static dev.berth.http.flow.UploadFlowControl.HIGH_WATER_MARK;
import static dev.berth.http.flow.UploadFlowControl.LOW_WATER_MARK;
import static org.assertj.core.api.Assertions.assertThat;

class UploadFlowControlTest {
    private final AtomicInteger resumes = new AtomicInteger();
    private final AtomicInteger pauses = new AtomicInteger();
    private final UploadFlowControl flow = new UploadFlowControl(resumes::incrementAndGet, pauses::incrementAndGet);

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
}
