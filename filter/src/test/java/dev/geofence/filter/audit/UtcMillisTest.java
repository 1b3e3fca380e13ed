package dev.geofence.filter.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UtcMillisTest {

  // The pattern the audit trail has always written, independent of the class under test.
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999999Z",
        "2026-11-28T20:00:00.123456789Z",
        "2026-12-31T23:59:59.999Z",
        "2027-01-01T00:00:00Z",
        "2024-02-29T12:34:56.007Z",
        "2100-03-01T00:00:00.001Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.999Z",
        "-0001-12-31T23:59:59.999Z",
        "+10000-01-01T00:00:00Z",
      })
  void formatsLikeThePatternAtBoundaries(String text) {
    Instant instant = Instant.parse(text);

    assertThat(new UtcMillis().format(instant)).isEqualTo(REFERENCE.format(instant));
  }

  @ParameterizedTest
  @ValueSource(ints = {1970, 1999, 2026, 2038, 2100, 2400, 9999})
  void formatsRandomInstantsAroundNewYearLikeThePatternAndIsoInstant(int year) {
    SplittableRandom random = new SplittableRandom(year);
    Instant newYear = LocalDateTime.of(year, 1, 1, 0, 0).toInstant(ZoneOffset.UTC);
    UtcMillis reused = new UtcMillis(); // one instance, so the cached date must follow every jump
    for (int i = 0; i < 2_000; i++) {
      long offsetMillis = random.nextLong(-2L * 86_400_000, 2L * 86_400_000);
      Instant instant = newYear.plusMillis(offsetMillis).plusNanos(random.nextInt(1_000_000));
      String fast = reused.format(instant);

      assertThat(fast).as("%s", instant).isEqualTo(REFERENCE.format(instant));
      assertThat(Instant.parse(fast)).isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, -1, 253_402_300_799_999L, -62_167_219_200_000L})
  void formatsRandomInstantsAcrossTheWholeRangeLikeThePattern(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    UtcMillis reused = new UtcMillis();
    for (int i = 0; i < 2_000; i++) {
      Instant instant =
          Instant.ofEpochMilli(random.nextLong(-62_200_000_000_000L, 253_500_000_000_000L));

      assertThat(reused.format(instant)).as("%s", instant).isEqualTo(REFERENCE.format(instant));
    }
  }
}
