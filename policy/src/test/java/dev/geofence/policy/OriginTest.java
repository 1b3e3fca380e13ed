package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class OriginTest {

  @Test
  void normalisesCodes_toTrimmedUpperCase_andBlankToNull() {
    Origin o = new Origin(" us ", "", null, Arrays.asList("us-ca", " ", null), false);

    assertThat(o.country()).isEqualTo("US");
    assertThat(o.registeredCountry()).isNull();
    assertThat(o.representedCountry()).isNull();
    assertThat(o.subdivisions()).containsExactly("US-CA");
  }

  @Test
  void subdivisionAlone_impliesItsCountry() {
    Origin o = Origin.subdivision("ua-43");
    assertThat(o.country()).isEqualTo("UA");
    assertThat(o.subdivisions()).containsExactly("UA-43");
    assertThat(o.isUnknown()).isFalse();
  }

  @Test
  void unknownHasNoCountry_andWithersKeepTheOtherFields() {
    assertThat(Origin.unknown().isUnknown()).isTrue();
    assertThat(Origin.unknown().subdivisions()).isEmpty();
    Origin o = Origin.country("US").withRegisteredCountry("IR").withRepresentedCountry("DE").withAnonymous(true);
    assertThat(o).isEqualTo(new Origin("US", "IR", "DE", null, true));
    assertThat(o.withCountry(null).isUnknown()).isFalse();
    assertThat(new Origin(null, null, null, null, true).isUnknown()).isTrue();
  }
}
