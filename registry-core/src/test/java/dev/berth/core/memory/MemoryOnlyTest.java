package dev.berth.core.memory;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MemoryOnlyTest {
    @Test
    void anAttemptThatLoadsNothingSucceeds() {
        List<String> done = new ArrayList<>();

        assertThat(MemoryOnly.attempt(() -> done.add("answered"))).isTrue();
        assertThat(done).containsExactly("answered");
    }

    @Test
    void anAttemptThatWouldLoadStopsThereAndReportsFalse() {
        List<String> done = new ArrayList<>();

        boolean answered = MemoryOnly.attempt(() -> {
            done.add("before");
            MemoryOnly.checkMayLoad();
            done.add("after");
        });

        assertThat(answered).isFalse();
        assertThat(done).containsExactly("before");
    }

    @Test
    void loadingIsAllowedOutsideAnAttemptAndAfterOne() {
        MemoryOnly.attempt(MemoryOnly::checkMayLoad);

        assertThatCode(MemoryOnly::checkMayLoad).doesNotThrowAnyException();
    }

    @Test
    void otherFailuresOfTheWorkReachTheCaller() {
        assertThatThrownBy(() -> MemoryOnly.attempt(() -> {
            throw new IllegalStateException("refused");
        })).hasMessage("refused");
        assertThatCode(MemoryOnly::checkMayLoad).doesNotThrowAnyException();
    }
}
