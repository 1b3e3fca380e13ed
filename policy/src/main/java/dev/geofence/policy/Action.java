package dev.geofence.policy;

import java.util.Locale;

/** What happens to a request. */
public enum Action {
  /** The request goes through with the model it asked for. */
  ALLOW,
  /** The request goes through with a smaller model: see {@link Decision#effectiveModel()}. */
  SUBSTITUTE,
  /** The request is refused. */
  BLOCK;

  /** The lower-case word used in policy files and output. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
