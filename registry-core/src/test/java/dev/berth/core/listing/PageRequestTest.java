package dev.berth.core.listing;

import dev.berth.core.error.Problem;
import dev.berth.core.error.RegistryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PageRequestTest {
    @Test
    void startsThePageAfterTheItemsOfThePagesBeforeIt() {
        assertThat(new PageRequest(1, 50, null).offset()).isZero();
        assertThat(new PageRequest(3, 50, null).offset()).isEqualTo(100);
    }

    @Test
    void countsTheOffsetOfTheLastPageNumberWithoutOverflow() {
        PageRequest last = new PageRequest(Integer.MAX_VALUE, PageRequest.MAX_SIZE, null);

        assertThat(last.offset()).isEqualTo((Integer.MAX_VALUE - 1L) * PageRequest.MAX_SIZE);
    }

    @ParameterizedTest(name = "page {0}, size {1}")
    @CsvSource({"0, 50", "-1, 50", "1, 0", "1, 1001"})
    void refusesAPageOutOfRangeAsTheClientsMalformedParameter(int page, int size) {
        assertThatThrownBy(() -> new PageRequest(page, size, null)).isInstanceOfSatisfying(RegistryException.class, e -> {
            assertThat(e.problem()).isEqualTo(Problem.MALFORMED);
            assertThat(e.code()).isEqualTo("INVALID_PARAMETER");
        });
    }
}
