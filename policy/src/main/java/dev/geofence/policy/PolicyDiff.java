package dev.geofence.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What changes for callers between two policies at one instant: for every country and subdivision
 * either policy names, {@code "*"} for every other country, {@code unknown} and {@code anonymous},
 * and for every tier and for a request naming no model, the outcome under each policy and the
 * monitoring of the rule that serves it; only rows where either differs are kept. Immutable.
 */
public final class PolicyDiff {

  /** The row for a request that names no model. */
  public static final String NO_MODEL = "(no model)";

  /** The code row for every country neither policy names. */
  public static final String OTHER_COUNTRIES = "*";

  /**
   * One changed outcome.
   *
   * @param code a country or subdivision code, {@code *}, {@code unknown} or {@code anonymous}
   * @param tier a tier name or {@link #NO_MODEL}
   * @param before the outcome under the old policy: allow, block, substitute(MODEL), or {@code n/a}
   *     when the old policy has no such tier
   * @param after the outcome under the new policy, likewise
   * @param ruleBefore the deciding rule under the old policy (empty text for n/a)
   * @param ruleAfter the deciding rule under the new policy
   * @param monitoringBefore the deciding rule's {@code monitor} under the old policy when it serves
   *     the request; {@link Monitoring#OFF} for block and n/a, where nothing is served to count
   * @param monitoringAfter likewise under the new policy
   */
  public record Change(
      String code,
      String tier,
      String before,
      String after,
      String ruleBefore,
      String ruleAfter,
      Monitoring monitoringBefore,
      Monitoring monitoringAfter) {
    public Change {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(before, "before");
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(ruleBefore, "ruleBefore");
      Objects.requireNonNull(ruleAfter, "ruleAfter");
      Objects.requireNonNull(monitoringBefore, "monitoringBefore");
      Objects.requireNonNull(monitoringAfter, "monitoringAfter");
    }

    /**
     * Whether the request is served under both policies and its usage limit, over-usage or country
     * alert changes, such as a limit of 5/1m becoming 10/1m. A change to or from block is told by
     * the outcome alone; {@code monitor: true} against {@code false} (the audit alone) is not a
     * change here, as before limits existed.
     */
    public boolean monitoringChanged() {
      return served(before) && served(after) && !sameLimits(monitoringBefore, monitoringAfter);
    }

    static boolean sameLimits(Monitoring a, Monitoring b) {
      return a.usageLimit().equals(b.usageLimit())
          && a.overUsage() == b.overUsage()
          && a.alertCountries() == b.alertCountries()
          && a.alertWindow().equals(b.alertWindow());
    }

    private static boolean served(String outcome) {
      return !outcome.equals("block") && !outcome.equals("n/a");
    }

    /**
     * {@code monitor: 5/1m block -> 10/1m block} when the monitoring changes (in {@link
     * Monitoring#summary()} form), else empty text.
     */
    public String monitoringChange() {
      return monitoringChanged()
          ? "monitor: " + monitoringBefore.summary() + " -> " + monitoringAfter.summary()
          : "";
    }
  }

  private final Instant at;
  private final List<Change> changes;
  private final List<String> settingChanges;

  private PolicyDiff(Instant at, List<Change> changes, List<String> settingChanges) {
    this.at = at;
    this.changes = List.copyOf(changes);
    this.settingChanges = List.copyOf(settingChanges);
  }

  /** Compares {@code before} and {@code after} as of {@code at}. */
  public static PolicyDiff between(Policy before, Policy after, Instant at) {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(at, "at");
    Set<String> countries = new TreeSet<>();
    Set<String> subdivisions = new TreeSet<>();
    for (Policy p : List.of(before, after)) {
      for (RuleDef rule : p.model().rules()) {
        countries.addAll(rule.where().countries());
        subdivisions.addAll(rule.where().subdivisions());
      }
    }
    Set<String> codes = new TreeSet<>(countries);
    codes.addAll(subdivisions);
    Set<String> tiers = new LinkedHashSet<>(before.tierNames());
    tiers.addAll(after.tierNames());
    tiers.add(NO_MODEL);
    String other = Countries.someCountryOtherThan(countries);

    List<Change> changes = new ArrayList<>();
    List<String> rows = new ArrayList<>(codes);
    rows.addAll(List.of(OTHER_COUNTRIES, "unknown", "anonymous"));
    for (String code : rows) {
      Origin origin = originFor(code, other);
      for (String tier : tiers) {
        Outcome was = outcome(before, origin, tier, at);
        Outcome now = outcome(after, origin, tier, at);
        if (!was.text.equals(now.text) || !Change.sameLimits(was.monitoring, now.monitoring)) {
          changes.add(
              new Change(
                  code,
                  tier,
                  was.text,
                  now.text,
                  was.rule,
                  now.rule,
                  was.monitoring,
                  now.monitoring));
        }
      }
    }
    List<String> settings = new ArrayList<>();
    if (!before.countrySources().equals(after.countrySources())) {
      settings.add(
          "country-source: "
              + labels(before.countrySources())
              + " -> "
              + labels(after.countrySources()));
    }
    return new PolicyDiff(at, changes, settings);
  }

  private record Outcome(String text, String rule, Monitoring monitoring) {}

  private static Outcome outcome(Policy policy, Origin origin, String tier, Instant at) {
    int slot = tier.equals(NO_MODEL) ? policy.tierNames().size() : policy.tierNames().indexOf(tier);
    if (slot < 0) {
      return new Outcome("n/a", "", Monitoring.OFF);
    }
    Decision d = policy.evaluateSlot(origin, slot, at);
    return new Outcome(d.outcome(), d.ruleName(), d.isBlocked() ? Monitoring.OFF : d.monitoring());
  }

  private static Origin originFor(String code, String otherCountry) {
    switch (code) {
      case OTHER_COUNTRIES:
        return everywhere(otherCountry);
      case "unknown":
        return Origin.unknown();
      case "anonymous":
        return everywhere(otherCountry).withAnonymous(true);
      default:
        return code.length() > 2
            ? everywhere(Countries.countryOf(code)).withSubdivisions(List.of(code))
            : everywhere(code);
    }
  }

  // Location, registered and represented country all alike, whichever ones the policy tests.
  private static Origin everywhere(String country) {
    return new Origin(country, country, country, List.of(), false);
  }

  private static String labels(List<CountrySource> sources) {
    return sources.stream().map(CountrySource::label).collect(Collectors.joining(", ", "[", "]"));
  }

  /** The instant both policies were evaluated at. */
  public Instant at() {
    return at;
  }

  /**
   * Changed outcomes, grouped by code (codes sorted, then *, unknown, anonymous), tiers highest
   * first.
   */
  public List<Change> changes() {
    return changes;
  }

  /** Changes to settings that the rows cannot show, such as {@code country-source}. */
  public List<String> settingChanges() {
    return settingChanges;
  }

  public boolean isEmpty() {
    return changes.isEmpty() && settingChanges.isEmpty();
  }
}
