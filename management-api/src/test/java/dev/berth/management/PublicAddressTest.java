package dev.berth.management;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublicAddressTest {
    @ParameterizedTest
    @ValueSource(strings = {"localhost", "localhost:5000", "registry.example.com", "registry.example.com.:443", "10.0.0.1:5000",
            "[::1]", "[2001:db8::1]:5000", "a-b.c-d.e"})
    void acceptsHostsAndPorts(String value) {
        assertThat(PublicAddress.isHostPort(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "host:", "host:0", "host:65536", "host:123456", "-host", "host-", "ho st", "host/path",
            "user@host", "host:80:80", "::1", "[::1", "host\r\nX-Evil: 1", "a..b", "<script>"})
    void refusesAnythingElse(String value) {
        assertThat(PublicAddress.isHostPort(value)).isFalse();
    }

    @Test
    void refusesAHostTooLongForDns() {
        assertThat(PublicAddress.isHostPort(("a".repeat(60) + ".").repeat(5))).isFalse();
    }

    @Test
    void readsAConfiguredAddressWithOrWithoutAScheme() {
        assertThat(PublicAddress.parse("registry.example.com")).isEqualTo("registry.example.com");
        assertThat(PublicAddress.parse(" https://registry.example.com:5000/ ")).isEqualTo("registry.example.com:5000");
        assertThat(PublicAddress.parse("HTTP://10.0.0.1")).isEqualTo("10.0.0.1");
        assertThatThrownBy(() -> PublicAddress.parse("https://registry.example.com/v2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("registry.example.com/v2");
        assertThatThrownBy(() -> PublicAddress.parse("ftp://x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void prefersTheConfiguredAddressThenAValidHostThenWhereItListens() {
        assertThat(PublicAddress.of("registry.example.com", "node:5000").forRequest("other:1")).isEqualTo("registry.example.com");
        PublicAddress unset = PublicAddress.of(null, "node:5000");
        assertThat(unset.forRequest(" berth.local:5000 ")).isEqualTo("berth.local:5000");
        assertThat(unset.forRequest("bad host")).isEqualTo("node:5000");
        assertThat(unset.forRequest(null)).isEqualTo("node:5000");
    }
}
