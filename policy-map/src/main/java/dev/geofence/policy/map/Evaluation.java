package dev.geofence.policy.map;

import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyDiff;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * One policy's outcomes at one instant, for the report: every decision comes from {@link
 * Policy#evaluateModelOfTier} (or {@link Policy#evaluate} with no model), for an origin built the
 * way {@code policy diff} builds it, so that the map, the tables and the diff agree. Immutable.
 *
 * <p>A column is a tier name or {@link PolicyDiff#NO_MODEL}, a request that names no model.
 */
final class Evaluation {

  /** Every ISO 3166-1 alpha-2 code the policy accepts: the JDK's list and XK (Kosovo). */
  static final Set<String> COUNTRIES = countries();

  private final Policy policy;
  private final Instant at;
  private final List<String> namedCodes;
  private final Set<String> named;
  private final String otherCountry;
  private final Optional<String> fallbackRule;
  private final List<String> columns;
  private final boolean noModelMap;

  Evaluation(Policy policy, Instant at) {
    this.policy = policy;
    this.at = at;
    this.namedCodes = policy.namedCodes();
    this.named = Set.copyOf(namedCodes);
    this.otherCountry = someCountryOtherThan(named);
    this.fallbackRule =
        otherCountry.isEmpty()
            ? Optional.empty()
            : Optional.of(decide(country(otherCountry), policy.highestTier(), at).ruleName());
    List<String> all = new ArrayList<>(policy.tierNames());
    all.add(PolicyDiff.NO_MODEL);
    this.columns = List.copyOf(all);
    this.noModelMap = distinguishesNoModel();
  }

  private static Set<String> countries() {
    Set<String> codes = new TreeSet<>(Set.of(Locale.getISOCountries()));
    codes.add("XK");
    return java.util.Collections.unmodifiableSet(codes);
  }

  /** The first code, in order, that the policy does not name; empty when it names them all. */
  private static String someCountryOtherThan(Set<String> named) {
    return COUNTRIES.stream().filter(c -> !named.contains(c)).findFirst().orElse("");
  }

  Policy policy() {
    return policy;
  }

  Instant at() {
    return at;
  }

  /** Tier names, highest first, then {@link PolicyDiff#NO_MODEL}. */
  List<String> columns() {
    return columns;
  }

  /** The columns that get a map: every tier, and no model when it differs anywhere. */
  List<String> mapColumns() {
    return noModelMap ? columns : columns.subList(0, columns.size() - 1);
  }

  boolean hasNoModelMap() {
    return noModelMap;
  }

  /** The lowest tier: the one a request naming no model is compared with. */
  String lowestTier() {
    return columns.get(columns.size() - 2);
  }

  /** Whether the rules name this code (a country or a subdivision), directly or in a region. */
  boolean isNamed(String code) {
    return named.contains(code);
  }

  /** The codes the rules name, sorted. */
  List<String> namedCodes() {
    return namedCodes;
  }

  /** A country the policy does not name, standing for all of them; empty if there is none. */
  Optional<String> otherCountry() {
    return otherCountry.isEmpty() ? Optional.empty() : Optional.of(otherCountry);
  }

  /** The rule that decides every country the policy does not name ({@code no-rule} if none). */
  Optional<String> fallbackRule() {
    return fallbackRule;
  }

  Decision country(String code, String column) {
    return decide(country(code), column, at);
  }

  /**
   * Whether a country's outcome comes from the fallback: the policy does not name it, or the rule
   * that decides it is the one that decides every country it does not name (a {@code "*"} rule, or
   * none), as happens to a country named only by a rule not in force.
   */
  boolean isFallback(String code, Decision decision) {
    return !named.contains(code)
        || decision.reason() == Decision.Reason.NO_RULE_MATCHED
        || fallbackRule.filter(decision.ruleName()::equals).isPresent();
  }

  /** A caller located in a country, registered and represented there too, as policy diff asks. */
  static Origin country(String code) {
    return new Origin(code, code, code, List.of(), false);
  }

  /** A caller in a subdivision (such as UA-43) of its country. */
  static Origin subdivision(String code) {
    return country(code.substring(0, 2)).withSubdivisions(List.of(code));
  }

  /** An anonymous caller: the anonymous flag on a country the policy does not name. */
  Origin anonymous() {
    return country(otherCountry.isEmpty() ? "ZZ" : otherCountry).withAnonymous(true);
  }

  /**
   * The instants at which a rule of the policy comes into or goes out of force, in order: the only
   * instants at which an outcome can change. Walked with {@link Policy#unchangedUntil}.
   */
  List<Instant> dateBoundaries() {
    List<Instant> boundaries = new ArrayList<>();
    long next = policy.unchangedUntil(Instant.MIN);
    while (next != Long.MAX_VALUE) {
      Instant boundary = Instant.ofEpochSecond(next);
      boundaries.add(boundary);
      next = policy.unchangedUntil(boundary);
    }
    return boundaries;
  }

  /** The decision for an origin in a column, at the report's instant. */
  Decision decide(Origin origin, String column) {
    return decide(origin, column, at);
  }

  Decision decide(Origin origin, String column, Instant when) {
    return column.equals(PolicyDiff.NO_MODEL)
        ? policy.evaluate(origin, null, when)
        : policy.evaluateModelOfTier(origin, column, when);
  }

  /**
   * A request that names no model is blocked wherever a rule blocks and allowed elsewhere, so it
   * mostly has the lowest tier's outcome; it gets a map of its own only where that is not so for
   * some country, subdivision or caller without a country.
   */
  private boolean distinguishesNoModel() {
    String lowest = lowestTier();
    List<Origin> origins = new ArrayList<>();
    COUNTRIES.forEach(c -> origins.add(country(c)));
    named.stream().filter(c -> c.length() > 2).forEach(c -> origins.add(subdivision(c)));
    origins.add(Origin.unknown());
    origins.add(anonymous());
    for (Origin origin : origins) {
      String a = decide(origin, lowest, at).outcome();
      String b = decide(origin, PolicyDiff.NO_MODEL, at).outcome();
      if (!a.equals(b)) {
        return true;
      }
    }
    return false;
  }
}
