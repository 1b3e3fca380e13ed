package dev.geofence.filter.internal.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UsageStoreBuilderTest {

  @Test
  void theDefaultIsALocalStore() {
    try (UsageStore store = UsageStore.builder().build()) {
      assertThat(store.stats().kind()).isEqualTo("local");
      assertThat(store.consume("k", 1, Duration.ofMinutes(1)).counted()).isEqualTo(Counted.LOCAL);
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "http://127.0.0.1:6379     | the scheme is neither redis nor rediss",
        "127.0.0.1:6379            | it is not a URI",
        "locale                    | the scheme is neither redis nor rediss",
        "redis://                  | it is not a URI",
        "redis:///0                | there is no host",
        "redis://host:6379/zero    | the database 'zero' is not a number from 0",
        "redis://host:6379/-1      | the database '-1' is not a number from 0",
        "redis://host:6379?x=1     | query and fragment are not supported",
        "redis://ho st:6379        | it is not a URI",
      })
  void aBadStoreNamesTheSettingAndWhatIsAccepted(String value, String why) {
    assertThatThrownBy(() -> UsageStore.builder().store(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("usage-store: '")
        .hasMessageContaining(why)
        .hasMessageContaining("expected 'local' or redis://");
  }

  @Test
  void aBadStoreNeverShowsItsPassword() {
    assertThatThrownBy(() -> UsageStore.builder().store("redis://user:s3cret@host:6379/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("redis://***@host:6379/db")
        .hasMessageNotContaining("s3cret");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "redis://cache.internal:6380/2     | redis://cache.internal:6380/2",
        "redis://cache.internal            | redis://cache.internal:6379/0",
        "rediss://:s3cret@cache.internal   | rediss://cache.internal:6379/0",
        "REDIS://user:s3cret@10.0.0.1:7000 | redis://10.0.0.1:7000/0",
      })
  void aRedisAddressPrintsWithoutItsCredentials(String value, String printed) {
    assertThat(RedisAddress.parse(value)).hasToString(printed);
  }

  @Test
  void credentialsAreSplitIntoUserAndPassword() {
    RedisAddress withUser = RedisAddress.parse("redis://app:s3cret@h");
    assertThat(withUser.user()).contains("app");
    assertThat(new String(withUser.password().orElseThrow())).isEqualTo("s3cret");
    RedisAddress passwordOnly = RedisAddress.parse("redis://s3cret@h");
    assertThat(passwordOnly.user()).isEmpty();
    assertThat(new String(passwordOnly.password().orElseThrow())).isEqualTo("s3cret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"local", "allow", "block", " BLOCK "})
  void theFailureModesParse(String value) {
    assertThat(StoreFailure.parse(value).label()).isEqualTo(value.trim().toLowerCase());
  }

  @Test
  void anUnknownFailureModeNamesTheSetting() {
    assertThatThrownBy(() -> StoreFailure.parse("retry"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "usage-store-failure: unknown value 'retry'; expected one of local, allow, block");
  }

  @Test
  void badOptionsAreRejectedWhenSet() {
    assertThatThrownBy(() -> UsageStore.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1ms and 10s, got PT0S");
    assertThatThrownBy(() -> UsageStore.builder().maxKeys(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1, got 0");
  }

  @Test
  void verdictsKeepTheirInvariants() {
    assertThat(Verdict.allowed(Counted.SHARED)).isSameAs(Verdict.ALLOWED_SHARED);
    assertThat(Verdict.refused(1, Counted.LOCAL).retryAfterSeconds()).isEqualTo(1);
    assertThat(Verdict.refused(2_000_000_001L, Counted.LOCAL).retryAfterSeconds()).isEqualTo(3);
    assertThatThrownBy(() -> new Verdict(false, 0, Counted.LOCAL))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
