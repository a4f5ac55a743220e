package dev.berth.http.server;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionLimiterTest {
    private static final InetAddress ONE = InetAddress.getLoopbackAddress();
    private static final InetAddress OTHER = address("127.0.0.2");

    @Test
    void refusesTheConnectionOverTheCapOfOneAddressButNotThoseOfAnother() {
        ConnectionLimiter limiter = new ConnectionLimiter(10, 2);

        assertThat(limiter.tryAcquire(ONE)).isTrue();
        assertThat(limiter.tryAcquire(ONE)).isTrue();
        assertThat(limiter.tryAcquire(ONE)).isFalse();
        assertThat(limiter.tryAcquire(OTHER)).isTrue();
        assertThat(limiter.open()).isEqualTo(3);
    }

    @Test
    void refusesTheConnectionOverTheCapOfAllAddresses() {
        ConnectionLimiter limiter = new ConnectionLimiter(2, 10);

        assertThat(limiter.tryAcquire(ONE)).isTrue();
        assertThat(limiter.tryAcquire(OTHER)).isTrue();
        assertThat(limiter.tryAcquire(address("127.0.0.3"))).isFalse();
        assertThat(limiter.open()).isEqualTo(2);
    }

    @Test
    void givesThePlaceOfAClosedConnectionBack() {
        ConnectionLimiter limiter = new ConnectionLimiter(1, 1);
        assertThat(limiter.tryAcquire(ONE)).isTrue();
        assertThat(limiter.tryAcquire(OTHER)).isFalse();

        limiter.release(ONE);

        assertThat(limiter.open()).isZero();
        assertThat(limiter.tryAcquire(OTHER)).isTrue();
    }

    @Test
    void doesNotCountARefusedConnectionAgainstItsAddress() {
        ConnectionLimiter limiter = new ConnectionLimiter(1, 5);
        assertThat(limiter.tryAcquire(ONE)).isTrue();
        assertThat(limiter.tryAcquire(OTHER)).isFalse();
        limiter.release(ONE);

        for (int i = 0; i < 5; i++) {
            assertThat(limiter.tryAcquire(OTHER)).isTrue();
            limiter.release(OTHER);
        }
        assertThat(limiter.open()).isZero();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
