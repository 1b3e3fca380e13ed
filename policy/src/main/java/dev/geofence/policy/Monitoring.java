package dev.geofence.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a rule's {@code monitor:} key asks of the requests it decides: {@code monitor: true} or
 * {@code false}, or a mapping with a usage limit, what to do over it, and a country-hopping alert.
 * Carried by every {@link Decision}; the policy only states it, the filter counts and alerts.
 * Immutable.
 *
 * <pre>{@code
 * monitor:
 *   usage-limit: 5/1m      # -> usageLimit 5 requests per 1m
 *   over-usage: block      # -> overUsage BLOCK (the default)
 *   alert-countries: 2     # -> alertCountries 2, alertWindow 1m (the limit's window)
 * }</pre>
 *
 * @param enabled whether allowed requests under the rule are audited in full, as with {@code
 *     monitor: true}; the mapping's {@code audit} key, true unless set to false
 * @param usageLimit how many requests one principal may make within a window; empty for no limit
 * @param overUsage what happens to a request over the limit; {@link OverUsage#BLOCK} when there is
 *     no limit (then unused). See {@link Policy#overUsage}
 * @param alertCountries how many distinct countries one principal must be seen from within {@code
 *     alertWindow} to raise an alert, at least 2; 0 for no alert
 * @param alertWindow the window of the country alert: {@code alert-window}, else the usage limit's
 *     window; empty exactly when there is no alert
 */
public record Monitoring(
    boolean enabled,
    Optional<UsageLimit> usageLimit,
    OverUsage overUsage,
    int alertCountries,
    Optional<Duration> alertWindow) {

  /** The most countries an alert may wait for: every ISO 3166-1 country. */
  public static final int MAX_ALERT_COUNTRIES = 249;

  /** {@code monitor: false}, or no {@code monitor} key: nothing beyond the usual audit. */
  public static final Monitoring OFF =
      new Monitoring(false, Optional.empty(), OverUsage.BLOCK, 0, Optional.empty());

  /** {@code monitor: true}: allowed requests audited in full; no limit, no alert. */
  public static final Monitoring AUDIT =
      new Monitoring(true, Optional.empty(), OverUsage.BLOCK, 0, Optional.empty());

  /**
   * Fills in {@code alertWindow} from the usage limit when an alert has none.
   *
   * @throws IllegalArgumentException if {@code overUsage} is not block without a limit, {@code
   *     alertCountries} is neither 0 nor 2 to {@value #MAX_ALERT_COUNTRIES}, an alert has no window
   *     and no limit to take one from, a window is given without an alert, or the window is outside
   *     1s to 7d
   */
  public Monitoring {
    Objects.requireNonNull(usageLimit, "usageLimit");
    Objects.requireNonNull(overUsage, "overUsage");
    Objects.requireNonNull(alertWindow, "alertWindow");
    if (usageLimit.isEmpty() && overUsage != OverUsage.BLOCK) {
      throw new IllegalArgumentException(
          "Over-usage " + overUsage.label() + " needs a usage limit to be over.");
    }
    if (alertCountries != 0 && (alertCountries < 2 || alertCountries > MAX_ALERT_COUNTRIES)) {
      throw new IllegalArgumentException(
          "An alert at "
              + alertCountries
              + " countries is out of range; expected 0 (no alert) or 2 to "
              + MAX_ALERT_COUNTRIES
              + ".");
    }
    if (alertCountries == 0 && alertWindow.isPresent()) {
      throw new IllegalArgumentException("An alert window needs alert countries.");
    }
    if (alertCountries > 0 && alertWindow.isEmpty()) {
      alertWindow =
          Optional.of(
              usageLimit
                  .orElseThrow(
                      () ->
                          new IllegalArgumentException(
                              "An alert needs a window, or a usage limit to take it from."))
                  .window());
    }
    if (alertWindow.isPresent() && !PolicyDurations.inRange(alertWindow.get())) {
      throw new IllegalArgumentException(
          "An alert window of "
              + alertWindow.get()
              + " is out of range; expected whole seconds from 1s to 7d.");
    }
  }

  /** Whether requests are counted against a {@link UsageLimit}. */
  public boolean hasLimit() {
    return usageLimit.isPresent();
  }

  /** Whether a principal seen from {@link #alertCountries()} countries raises an alert. */
  public boolean hasAlert() {
    return alertCountries > 0;
  }

  /**
   * In words, for people: {@code audit in full; 5 requests per principal per 1m, then block; alert
   * at 2 countries within 1m}; {@code not monitored} for {@link #OFF}.
   */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (enabled) {
      parts.add("audit in full");
    }
    usageLimit.ifPresent(
        l ->
            parts.add(
                l.requests()
                    + (l.requests() == 1 ? " request" : " requests")
                    + " per principal per "
                    + PolicyDurations.format(l.window())
                    + ", then "
                    + overUsage.label()));
    if (hasAlert()) {
      parts.add(
          "alert at "
              + alertCountries
              + " countries within "
              + PolicyDurations.format(alertWindow.orElseThrow()));
    }
    return parts.isEmpty() ? "not monitored" : String.join("; ", parts);
  }

  /**
   * The short form {@code policy diff} shows: {@code off}, {@code audit}, {@code 5/1m block},
   * {@code 5/1m flag, alert 2 countries/10m}, with {@code audit false} added when a limit or alert
   * comes without the full audit.
   */
  public String summary() {
    List<String> parts = new ArrayList<>();
    usageLimit.ifPresent(l -> parts.add(l + " " + overUsage.label()));
    if (hasAlert()) {
      parts.add(
          "alert "
              + alertCountries
              + " countries/"
              + PolicyDurations.format(alertWindow.orElseThrow()));
    }
    if (parts.isEmpty()) {
      return enabled ? "audit" : "off";
    }
    if (!enabled) {
      parts.add("audit false");
    }
    return String.join(", ", parts);
  }
}
