package dev.geofence.filter.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.address.ProxyHeader.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProxyHeaderTest {

  @Test
  void of_recognisesTheListHeadersInAnyCase() {
    assertThat(ProxyHeader.of("x-forwarded-for")).isSameAs(ProxyHeader.X_FORWARDED_FOR);
    assertThat(ProxyHeader.of("X-FORWARDED-FOR")).isSameAs(ProxyHeader.X_FORWARDED_FOR);
    assertThat(ProxyHeader.of("forwarded")).isSameAs(ProxyHeader.FORWARDED);
    assertThat(ProxyHeader.X_FORWARDED_FOR.name()).isEqualTo("X-Forwarded-For");
    assertThat(ProxyHeader.X_FORWARDED_FOR.format()).isEqualTo(Format.ADDRESS_LIST);
    assertThat(ProxyHeader.FORWARDED.name()).isEqualTo("Forwarded");
    assertThat(ProxyHeader.FORWARDED.format()).isEqualTo(Format.FORWARDED);
  }

  @Test
  void of_treatsOtherNamesAsSingleAddressHeaders() {
    ProxyHeader header = ProxyHeader.of("CF-Connecting-IP");

    assertThat(header.name()).isEqualTo("CF-Connecting-IP");
    assertThat(header.format()).isEqualTo(Format.SINGLE_ADDRESS);
    assertThat(header).isEqualTo(ProxyHeader.single("cf-connecting-ip"));
    assertThat(header).hasSameHashCodeAs(ProxyHeader.single("cf-connecting-ip"));
    assertThat(header).isNotEqualTo(ProxyHeader.single("X-Real-IP"));
  }

  @Test
  void single_canReadXForwardedForAsOneAddress() {
    assertThat(ProxyHeader.single("X-Forwarded-For").format()).isEqualTo(Format.SINGLE_ADDRESS);
    assertThat(ProxyHeader.single("X-Forwarded-For")).isNotEqualTo(ProxyHeader.X_FORWARDED_FOR);
  }

  @Test
  void single_rejectsForwarded() {
    assertThatThrownBy(() -> ProxyHeader.single("FORWARDED"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use ProxyHeader.FORWARDED");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "X Real IP", "X-Real-IP:", "X-Real-IP\r\nX-Evil", "(ip)", "é"})
  void rejectsNamesThatAreNotHttpTokens(String name) {
    assertThatThrownBy(() -> ProxyHeader.of(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a header name");
    assertThatThrownBy(() -> ProxyHeader.single(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a header name");
  }

  @Test
  void rejectsNull() {
    assertThatThrownBy(() -> ProxyHeader.of(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
  }
}
