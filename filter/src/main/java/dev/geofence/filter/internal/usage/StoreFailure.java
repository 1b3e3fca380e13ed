package dev.geofence.filter.internal.usage;

import java.util.Locale;
import java.util.Objects;

/**
 * What a shared store does while Redis is unreachable (the {@code usage-store-failure} setting).
 * Whatever the mode, a failure never becomes a server error: the wiring answers 429 for a refusal.
 */
public enum StoreFailure {
  /** Count in this process, as if the store were local, until Redis is back (the default). */
  LOCAL,
  /** Let every request through uncounted. */
  ALLOW,
  /** Refuse every limited request until Redis is back. */
  BLOCK;

  /** The setting's name, for error messages. */
  public static final String SETTING = "usage-store-failure";

  /** The value as written in the setting: {@code local}, {@code allow} or {@code block}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses the setting's value.
   *
   * @throws IllegalArgumentException naming the setting when the value is none of the labels
   */
  public static StoreFailure parse(String value) {
    Objects.requireNonNull(value, "value");
    for (StoreFailure mode : values()) {
      if (mode.label().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        SETTING + ": unknown value '" + value + "'; expected one of local, allow, block");
  }
}
