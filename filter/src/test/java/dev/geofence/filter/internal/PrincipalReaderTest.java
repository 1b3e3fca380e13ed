package dev.geofence.filter.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.PrincipalSource;
import dev.geofence.filter.address.ClientAddressResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrincipalReaderTest {

  @Test
  void withSourceNone_theRequestIsNotTouched_andTheOneSharedNoneIsReturned() {
    PrincipalReader reader =
        new PrincipalReader(PrincipalSource.none(), null, ClientAddressResolver.builder().build());

    // A null request would throw if anything were read from it; nothing is allocated either.
    assertThat(reader.read(null)).isSameAs(Principal.NONE);
  }

  @ParameterizedTest
  @CsvSource({
    "alice, true",
    "'', true",
    "a\u0007b, false",
    "a\u0085b, false",
    "a\u2028b, false",
    "tab\tin, false",
    "ünïcödé, true"
  })
  void acceptsPrintableTextAndRefusesWhatTheTrailWouldHaveToAlter(String value, boolean ok) {
    assertThat(PrincipalReader.acceptable(value)).isEqualTo(ok);
  }

  @Test
  void acceptsUpTo256Characters() {
    assertThat(PrincipalReader.acceptable("x".repeat(256))).isTrue();
    assertThat(PrincipalReader.acceptable("x".repeat(257))).isFalse();
  }
}
