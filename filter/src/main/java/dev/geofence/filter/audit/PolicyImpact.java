package dev.geofence.filter.audit;

import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a policy change does to real traffic, one row per country, subdivision, requested tier and
 * change of outcome, from audit trails. Made two ways that agree on the same traffic:
 *
 * <ul>
 *   <li>{@link #replay}: each decided request a trail recorded (country, subdivision, registered
 *       and represented country, anonymizer flags, requested model or tier) is decided again by an
 *       old and a new policy, before anything is deployed;
 *   <li>{@link #shadow}: the records a shadow policy marked with {@code geofence.shadow}, where it
 *       would have decided otherwise than the policy enforced.
 * </ul>
 *
 * <p>Rows whose outcome does not change are not listed. A trail written with {@code
 * audit-scope=notable} holds no plain allowed requests, so a replay cannot see changes to them.
 * Requests refused before any rule (a malformed request, a wrong method) and failures are not
 * counted. Immutable.
 *
 * @param rows the changes, by country, subdivision, tier, then outcomes
 * @param requests the decided requests read
 */
public record PolicyImpact(List<Row> rows, long requests) {

  /** The label of a request that named no model, in the tier column. */
  public static final String NO_MODEL = "(no model)";

  /** The label of a request whose caller had no country, in the country column. */
  public static final String UNKNOWN = "(unknown)";

  /**
   * One change of outcome.
   *
   * @param country ISO 3166-1 code of the caller's country, or {@link #UNKNOWN}
   * @param subdivision ISO 3166-2 code of its subdivision, or empty
   * @param tier the requested tier under the enforced (old) policy, or {@link #NO_MODEL}
   * @param from the outcome now (enforced, or under the old policy): {@code allow}, {@code block}
   *     or {@code substitute(MODEL)}
   * @param to the outcome with the change (shadow, or under the new policy)
   * @param requests how many requests it concerns
   * @param callers how many distinct callers, by recorded address or its HMAC
   * @param firstSeen the earliest of those requests
   * @param lastSeen the latest of those requests
   */
  public record Row(
      String country,
      String subdivision,
      String tier,
      String from,
      String to,
      long requests,
      long callers,
      Instant firstSeen,
      Instant lastSeen) {
    public Row {
      Objects.requireNonNull(country, "country");
      Objects.requireNonNull(subdivision, "subdivision");
      Objects.requireNonNull(tier, "tier");
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      Objects.requireNonNull(firstSeen, "firstSeen");
      Objects.requireNonNull(lastSeen, "lastSeen");
    }
  }

  public PolicyImpact {
    rows = List.copyOf(rows);
  }

  /**
   * Decides each recorded request again by {@code before} and {@code after}.
   *
   * @param at the instant to decide every request at (to see a change on its effective date); empty
   *     to decide each at the time it was recorded
   * @throws IOException when a file cannot be read
   */
  public static PolicyImpact replay(
      Policy before, Policy after, List<Path> files, Optional<Instant> at) throws IOException {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    Objects.requireNonNull(at, "at");
    Tally tally = new Tally();
    read(
        files,
        r -> {
          Instant when = at.orElse(r.timestamp());
          Decision old = decide(before, r, when);
          Decision now = decide(after, r, when);
          tally.count(r, old.requestedTier().orElse(NO_MODEL), old.outcome(), now.outcome());
        });
    return tally.impact();
  }

  /**
   * Reads what a shadow policy would have changed, as the trail recorded it.
   *
   * @throws IOException when a file cannot be read
   */
  public static PolicyImpact shadow(List<Path> files) throws IOException {
    Tally tally = new Tally();
    read(
        files,
        r ->
            tally.count(
                r,
                r.requestedTier().isEmpty() ? NO_MODEL : r.requestedTier(),
                r.outcome(),
                r.shadowOutcome().orElse(r.outcome())));
    return tally.impact();
  }

  /** Decides a recorded request as the filter decided it. */
  static Decision decide(Policy policy, RecordedRequest r, Instant at) {
    String model = r.requestedModel().isEmpty() ? null : r.requestedModel();
    if (r.unresolvable()) {
      return policy.refuseUnresolvable(model);
    }
    Origin origin =
        new Origin(
            r.country(),
            r.registeredCountry(),
            r.representedCountry(),
            r.subdivision().isEmpty() ? List.of() : List.of(r.subdivision()),
            r.anonymous());
    if ((model == null && !r.requestedTier().isEmpty()) || (model != null && !r.modelReadable())) {
      // A model the filter could not read (or the trail cut short) was decided as the highest tier.
      return policy.evaluateTier(origin, policy.highestTier(), at);
    }
    return policy.evaluate(origin, model, at);
  }

  private interface Reader {
    void accept(RecordedRequest r);
  }

  private static void read(List<Path> files, Reader reader) throws IOException {
    Objects.requireNonNull(files, "files");
    for (Path file : files) {
      AuditFiles.readLines(
          file,
          (bytes, number, terminated) -> {
            if (terminated) {
              RecordedRequest.parse(bytes).ifPresent(reader::accept);
            }
          });
    }
  }

  /** Rows being counted. Not thread-safe; one per report. */
  private static final class Tally {
    private record Key(String country, String subdivision, String tier, String from, String to) {}

    private static final class Counts {
      long requests;
      final Set<String> callers = new HashSet<>();
      Instant first;
      Instant last;
    }

    private final Map<Key, Counts> rows =
        new TreeMap<>(
            Comparator.comparing(Key::country)
                .thenComparing(Key::subdivision)
                .thenComparing(Key::tier)
                .thenComparing(Key::from)
                .thenComparing(Key::to));
    private long requests;

    void count(RecordedRequest r, String tier, String from, String to) {
      requests++;
      if (from.equals(to)) {
        return;
      }
      Key key =
          new Key(r.country().isEmpty() ? UNKNOWN : r.country(), r.subdivision(), tier, from, to);
      Counts c = rows.computeIfAbsent(key, k -> new Counts());
      c.requests++;
      if (!r.caller().isEmpty()) {
        c.callers.add(r.caller());
      }
      c.first = c.first == null || r.timestamp().isBefore(c.first) ? r.timestamp() : c.first;
      c.last = c.last == null || r.timestamp().isAfter(c.last) ? r.timestamp() : c.last;
    }

    PolicyImpact impact() {
      List<Row> list = new ArrayList<>();
      rows.forEach(
          (k, c) ->
              list.add(
                  new Row(
                      k.country(),
                      k.subdivision(),
                      k.tier(),
                      k.from(),
                      k.to(),
                      c.requests,
                      c.callers.size(),
                      c.first,
                      c.last)));
      return new PolicyImpact(list, requests);
    }
  }
}
