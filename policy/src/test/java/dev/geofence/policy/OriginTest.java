package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    Origin o =
        Origin.country("US")
            .withRegisteredCountry("IR")
            .withRepresentedCountry("DE")
            .withAnonymous(true);
    assertThat(o).isEqualTo(new Origin("US", "IR", "DE", null, true));
    assertThat(o.withCountry(null).isUnknown()).isFalse();
    assertThat(new Origin(null, null, null, null, true).isUnknown()).isTrue();
  }

  @Test
  void normalisedSubdivisions_areCopied_soTheCallersListCannotChangeTheOrigin() {
    List<String> codes = new ArrayList<>(List.of("US-CA", "US-NY"));
    Origin o = new Origin("US", null, null, codes, false);
    codes.set(0, "us-tx");

    assertThat(o.subdivisions()).containsExactly("US-CA", "US-NY");
    assertThatThrownBy(() -> o.subdivisions().add("US-WA"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void subdivisionsNeedingNormalisation_amongNormalisedOnes_areStillNormalised() {
    Origin o = new Origin("US", null, null, List.of("US-CA", " us-ny", "US-TX "), false);

    assertThat(o.subdivisions()).containsExactly("US-CA", "US-NY", "US-TX");
  }
}
