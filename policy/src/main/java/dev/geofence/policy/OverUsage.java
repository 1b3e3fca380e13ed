package dev.geofence.policy;

import java.util.Locale;

/**
 * What happens to a request over its rule's {@link UsageLimit}: the {@code over-usage} key of a
 * {@code monitor:} mapping. See {@link Policy#overUsage}.
 */
public enum OverUsage {
  /** Refuse it: the filter answers 429 Too Many Requests with Retry-After. */
  BLOCK,
  /** Serve the substitute of the tier being served, as {@code substitutes:} names it. */
  SUBSTITUTE,
  /** Serve it as decided and record an alert. */
  FLAG;

  /** The name in policy files: {@code block}, {@code substitute} or {@code flag}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
