package dev.geofence.filter.internal;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.Screening;
import dev.geofence.filter.UsageStoreFailure;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.IpPrivacy;
import dev.geofence.filter.audit.PrincipalPrivacy;
import dev.geofence.filter.internal.usage.Counted;
import dev.geofence.filter.internal.usage.StoreFailure;
import dev.geofence.filter.internal.usage.UsageStats;
import dev.geofence.filter.internal.usage.UsageStore;
import dev.geofence.filter.internal.usage.Verdict;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Monitoring;
import dev.geofence.policy.OverUsage;
import dev.geofence.policy.UsageLimit;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Usage limits and country alerts on the request path: counts a served request of a rule with a
 * {@code usage-limit} against its principal's bucket in the {@link UsageStore}, tells the caller
 * whether it is over, and writes an alert record when a principal reaches the rule's {@code
 * alert-countries} within the window, or crosses a limit whose {@code over-usage} is {@code flag}.
 *
 * <p>Keys never hold a principal or an address as it is: each is hashed before it reaches the store
 * (HMAC-SHA-256 with the audit HMAC key when one is configured, else SHA-256), so every instance of
 * a fleet derives the same key from the same caller and Redis holds no API key. The key starts with
 * the rule's name: two rules never share a bucket.
 *
 * <p>Thread-safe: the store and the counters are; nothing else is mutable.
 */
final class UsageGate implements AutoCloseable {

  /** The key of the flag-crossing tracker: one "country" per principal, seen while over. */
  private static final String OVER = "over";

  private final UsageStore store;
  private final UsageStoreFailure failureMode;
  private final PrincipalPrivacy principalPrivacy; // null when there is no principal source
  private final IpPrivacy ipPrivacy;
  private final AuditRecorder recorder;
  private final ConcurrentMap<String, RuleCounts> byRule = new ConcurrentHashMap<>();
  private final LongAdder limited = new LongAdder();
  private final LongAdder alerts = new LongAdder();

  /** One rule's counts for the status and metrics. */
  private static final class RuleCounts {
    final String overUsage;
    final LongAdder limited = new LongAdder();
    final LongAdder alerts = new LongAdder();

    RuleCounts(String overUsage) {
      this.overUsage = overUsage;
    }
  }

  private UsageGate(UsageStore store, GeofenceSettings settings, AuditRecorder recorder) {
    this.store = store;
    this.failureMode = settings.usageStoreFailure();
    this.principalPrivacy = settings.principalPrivacy().orElse(null);
    this.ipPrivacy = settings.auditIpPrivacy();
    this.recorder = recorder;
  }

  /**
   * Opens the store the settings name. A Redis store that cannot be reached yet starts degraded and
   * connects in the background.
   *
   * @throws IllegalArgumentException naming {@code usage-store} when the store cannot be made
   */
  static UsageGate start(GeofenceSettings settings, AuditRecorder recorder) {
    UsageStore store;
    try {
      store =
          UsageStore.builder()
              .store(settings.usageStore())
              .failure(StoreFailure.valueOf(settings.usageStoreFailure().name()))
              .commandTimeout(settings.usageStoreTimeout())
              .maxKeys(settings.usageMaxKeys())
              .build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      String message = e.getMessage();
      throw new IllegalArgumentException(
          message.startsWith(UsageStore.SETTING) ? message : UsageStore.SETTING + ": " + message,
          e);
    }
    return new UsageGate(store, settings, recorder);
  }

  /** Whether a decision is counted at all: served, under a rule with a limit or an alert. */
  static boolean counts(Decision d) {
    Monitoring m = d.monitoring();
    return (m.hasLimit() || m.hasAlert()) && d.action() != Action.BLOCK;
  }

  /**
   * Counts one served request of {@code s}'s rule for its principal (or address), and raises the
   * rule's country alert when this request crossed it.
   *
   * @return the verdict of the usage limit; null when the rule has none
   */
  Verdict check(Exchange.Arrival arrival, Screening s) {
    Decision d = s.decision();
    Monitoring m = d.monitoring();
    String who = who(arrival.principal(), s);
    String rule = d.ruleName();
    Verdict verdict = null;
    if (m.hasLimit()) {
      UsageLimit limit = m.usageLimit().get();
      verdict = store.consume(rule + ":" + who, limit.requests(), limit.window());
      if (!verdict.allowed()) {
        limited.increment();
        counts(rule, m).limited.increment();
        if (m.overUsage() == OverUsage.FLAG && verdict.counted() != Counted.UNCOUNTED_BLOCKED) {
          flagged(arrival, s, limit);
        }
      }
    }
    String country = s.origin().country();
    if (m.hasAlert() && country != null && !country.isEmpty()) {
      Duration window = m.alertWindow().get();
      Optional<List<String>> crossed =
          store.seen(rule + ":" + who, country, m.alertCountries(), window);
      if (crossed.isPresent()) {
        alert(
            arrival,
            s,
            "principal seen from "
                + crossed.get().size()
                + " countries ("
                + String.join(", ", crossed.get())
                + ") within "
                + window(window)
                + " under rule "
                + rule,
            new AuditRecord.Usage(
                m.usageLimit().map(UsageLimit::toString).orElse(null),
                crossed.get(),
                window(window)));
      }
    }
    return verdict;
  }

  /**
   * The alert of a {@code flag} rule's limit: written once per crossing, not for every request over
   * it. The crossing is tracked in the store like a country, so a fleet raises one alert, and the
   * next one needs a whole window in which the principal was not over.
   */
  private void flagged(Exchange.Arrival arrival, Screening s, UsageLimit limit) {
    String rule = s.decision().ruleName();
    String who = who(arrival.principal(), s);
    if (store.seen(rule + ":flag:" + who, OVER, 1, limit.window()).isPresent()) {
      alert(
          arrival,
          s,
          "principal over the usage limit "
              + limit
              + " of rule "
              + rule
              + " (over-usage flag: served)",
          new AuditRecord.Usage(limit.toString(), List.of(), window(limit.window())));
    }
  }

  private void alert(
      Exchange.Arrival arrival, Screening s, String reason, AuditRecord.Usage usage) {
    alerts.increment();
    counts(s.decision().ruleName(), s.decision().monitoring()).alerts.increment();
    recorder.recordAlert(arrival, s, reason, usage);
  }

  private RuleCounts counts(String rule, Monitoring m) {
    return byRule.computeIfAbsent(rule, r -> new RuleCounts(m.overUsage().label()));
  }

  /**
   * The caller's key: {@code p:} and the hashed principal, or {@code a:} and the hashed address
   * when there is no principal. A principal already recorded as a keyed hash is used as recorded.
   */
  private String who(Principal principal, Screening s) {
    if (principal.isPresent()) {
      if (principalPrivacy != null && principalPrivacy.hashes()) {
        return "p:" + principal.recorded();
      }
      return "p:" + sha256(principal.raw().getBytes(StandardCharsets.UTF_8));
    }
    InetAddress address = s.caller().address().orElseThrow();
    if (ipPrivacy.hashes()) {
      return "a:" + ipPrivacy.recorded(address);
    }
    if (principalPrivacy != null && principalPrivacy.hashes()) {
      return "a:" + principalPrivacy.recorded(address.getHostAddress());
    }
    return "a:" + sha256(address.getAddress());
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** A window in the policy's form ({@code 1m}, {@code 90s}), as {@link UsageLimit} writes it. */
  static String window(Duration window) {
    String oneInWindow = new UsageLimit(1, window).toString();
    return oneInWindow.substring(oneInWindow.indexOf('/') + 1);
  }

  /** The store's health and what limits and alerts did. */
  GeofenceStatus.Usage status() {
    UsageStats stats = store.stats();
    List<GeofenceStatus.RuleUsage> rules = new ArrayList<>();
    byRule.forEach(
        (rule, c) ->
            rules.add(
                new GeofenceStatus.RuleUsage(rule, c.overUsage, c.limited.sum(), c.alerts.sum())));
    rules.sort(Comparator.comparing(GeofenceStatus.RuleUsage::rule));
    return new GeofenceStatus.Usage(
        stats.kind(),
        failureMode,
        stats.healthy(),
        stats.degradedSince(),
        stats.lastError(),
        limited.sum(),
        alerts.sum(),
        stats.fallbackAnswers(),
        stats.failures(),
        rules);
  }

  @Override
  public void close() {
    store.close();
  }
}
