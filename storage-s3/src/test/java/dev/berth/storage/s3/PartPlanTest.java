package dev.berth.storage.s3;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartPlanTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void startsWithEightMibPartsAndDoublesEveryThousand() {
        assertThat(PartPlan.size(1)).isEqualTo(8 * MIB);
        assertThat(PartPlan.size(1000)).isEqualTo(8 * MIB);
        assertThat(PartPlan.size(1001)).isEqualTo(16 * MIB);
        assertThat(PartPlan.start(1)).isZero();
        assertThat(PartPlan.start(2)).isEqualTo(8 * MIB);
        assertThat(PartPlan.start(1001)).isEqualTo(8000 * MIB);
        assertThat(PartPlan.start(1002)).isEqualTo(8016 * MIB);
    }

    @Test
    void tenThousandPartsHoldTheLargestObjectS3Allows() {
        assertThat(PartPlan.end(PartPlan.MAX_PARTS)).isGreaterThanOrEqualTo(PartPlan.MAX_OBJECT);
        for (int n = 1; n <= PartPlan.MAX_PARTS; n++) {
            assertThat(PartPlan.size(n)).isLessThanOrEqualTo(PartPlan.MAX_PART);
        }
    }

    @Test
    void partsFollowEachOtherWithoutGapsAndPartAtFindsThem() {
        for (int n = 1; n < PartPlan.MAX_PARTS; n += 37) {
            assertThat(PartPlan.end(n)).isEqualTo(PartPlan.start(n + 1));
            assertThat(PartPlan.partAt(PartPlan.start(n))).isEqualTo(n);
            assertThat(PartPlan.partAt(PartPlan.end(n) - 1)).isEqualTo(n);
        }
        assertThat(PartPlan.partAt(0)).isEqualTo(1);
    }

    @Test
    void refusesPartsAndOffsetsOutsideThePlan() {
        assertThatThrownBy(() -> PartPlan.size(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartPlan.size(10_001)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PartPlan.partAt(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
