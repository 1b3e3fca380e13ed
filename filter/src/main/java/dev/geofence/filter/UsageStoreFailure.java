package dev.geofence.filter;

import java.util.Locale;
import java.util.Objects;

/**
 * What requests of a rule with a usage limit or a country alert get while the Redis usage store is
 * unreachable (the {@code usage-store-failure} setting). Whatever the mode, a store failure never
 * becomes a server error.
 */
public enum UsageStoreFailure {
  /** Count in this process, as a local store would, until Redis is back (the default). */
  LOCAL,
  /** Serve every limited request uncounted until Redis is back. */
  ALLOW,
  /** Refuse every limited request with 429 {@code usage_unverifiable} until Redis is back. */
  BLOCK;

  /** The value as written in the setting: {@code local}, {@code allow} or {@code block}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the setting's value, in any case.
   *
   * @throws IllegalArgumentException when the value is none of local, allow, block
   */
  public static UsageStoreFailure parse(String value) {
    Objects.requireNonNull(value, "value");
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    for (UsageStoreFailure mode : values()) {
      if (mode.label().equals(wanted)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "usage-store-failure '" + value + "' is not known; expected local, allow or block.");
  }
}
