package dev.berth.core.listing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

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
}
