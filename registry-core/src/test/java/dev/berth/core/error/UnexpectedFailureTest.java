package dev.berth.core.error;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UnexpectedFailureTest {
    @Test
    void givesEachFailureAFreshTwelveDigitReference() {
        UnexpectedFailure first = UnexpectedFailure.log("GET /v2/", new IllegalStateException("one"));
        UnexpectedFailure second = UnexpectedFailure.log("GET /v2/", new IllegalStateException("two"));

        assertThat(first.reference()).matches("[0-9a-f]{12}");
        assertThat(second.reference()).matches("[0-9a-f]{12}").isNotEqualTo(first.reference());
    }

    @Test
    void tellsTheClientTheReferenceAndNothingOfTheCause() {
        UnexpectedFailure failure = UnexpectedFailure.log("GET /v2/", new IllegalStateException("jdbc:h2:/secret/path broke"));

        assertThat(failure.message()).isEqualTo("internal server error (ref " + failure.reference() + ")");
    }
}
