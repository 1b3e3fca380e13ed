package dev.geofence.filter;

import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoCacheStats;
import dev.geofence.policy.Action;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a running geo-fence for status pages and health checks. Immutable.
 *
 * @param policyFile the configured policy file
 * @param policyId id of the policy serving now
 * @param policyVersion its version
 * @param policySha256 SHA-256 of its file
 * @param policyLoadedAt when it was loaded
 * @param policyError why the last reload was refused, while the previous policy keeps serving;
 *     empty once a reload succeeds
 * @param policyErrorAt when that reload was refused
 * @param database the country database in use; empty while missing or with a custom look-up
 * @param anonymousDatabase the anonymous-IP database in use, if any
 * @param databaseHealthy the database is open and not stale (true with a custom look-up)
 * @param databaseError why the last database reload was refused, if it was
 * @param cache look-up cache counters
 * @param audit audit counters; empty when there is no audit log (the engine alone)
 * @param counts decisions made since start
 * @param shadow the shadow policy and how often it would have decided otherwise; empty when none is
 *     configured
 * @param usage the usage store and what usage limits and country alerts did; empty for the engine
 *     alone ({@link Geofence}), which counts nothing
 */
public record GeofenceStatus(
    Path policyFile,
    String policyId,
    String policyVersion,
    String policySha256,
    Instant policyLoadedAt,
    Optional<String> policyError,
    Optional<Instant> policyErrorAt,
    Optional<DatabaseInfo> database,
    Optional<DatabaseInfo> anonymousDatabase,
    boolean databaseHealthy,
    Optional<String> databaseError,
    GeoCacheStats cache,
    Optional<AuditStats> audit,
    Counts counts,
    Optional<Shadow> shadow,
    Optional<Usage> usage) {

  /** Rejects nulls. */
  public GeofenceStatus {
    Objects.requireNonNull(policyFile, "policyFile");
    Objects.requireNonNull(policyId, "policyId");
    Objects.requireNonNull(policyVersion, "policyVersion");
    Objects.requireNonNull(policySha256, "policySha256");
    Objects.requireNonNull(policyLoadedAt, "policyLoadedAt");
    Objects.requireNonNull(policyError, "policyError");
    Objects.requireNonNull(policyErrorAt, "policyErrorAt");
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(anonymousDatabase, "anonymousDatabase");
    Objects.requireNonNull(databaseError, "databaseError");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(counts, "counts");
    Objects.requireNonNull(shadow, "shadow");
    Objects.requireNonNull(usage, "usage");
  }

  /**
   * True when the policy and database serve without a pending error and no audit record was lost. A
   * degraded usage store does not count: while Redis is down every instance answers as {@code
   * usage-store-failure} says, and taking them all out of a load balancer would be worse; watch
   * {@link Usage#healthy()} apart.
   */
  public boolean healthy() {
    return policyError.isEmpty()
        && databaseHealthy
        && databaseError.isEmpty()
        && audit.map(a -> a.lost() == 0).orElse(true);
  }

  /**
   * The shadow policy: decided beside the enforced one on every decided request, never enforced. A
   * shadow file that fails to load or reload does not make the geo-fence unhealthy; it changes no
   * answer.
   *
   * @param policyFile the configured shadow policy file
   * @param policyId id of the shadow policy in use; empty while none has loaded
   * @param policyVersion its version
   * @param policySha256 SHA-256 of its file
   * @param loadedAt when it was loaded
   * @param error why the shadow file was last refused (missing, unreadable or invalid); empty once
   *     a load succeeds
   * @param errorAt when it was refused
   * @param decided requests decided by both policies since start
   * @param diverged of those, the ones whose shadow outcome differed from the enforced one
   * @param byAction every request decided by both, by enforced and shadow action
   */
  public record Shadow(
      Path policyFile,
      Optional<String> policyId,
      Optional<String> policyVersion,
      Optional<String> policySha256,
      Optional<Instant> loadedAt,
      Optional<String> error,
      Optional<Instant> errorAt,
      long decided,
      long diverged,
      List<ActionPair> byAction) {
    /** Rejects nulls. */
    public Shadow {
      Objects.requireNonNull(policyFile, "policyFile");
      Objects.requireNonNull(policyId, "policyId");
      Objects.requireNonNull(policyVersion, "policyVersion");
      Objects.requireNonNull(policySha256, "policySha256");
      Objects.requireNonNull(loadedAt, "loadedAt");
      Objects.requireNonNull(error, "error");
      Objects.requireNonNull(errorAt, "errorAt");
      byAction = List.copyOf(byAction);
    }
  }

  /**
   * How many requests the enforced policy decided {@code enforced} and the shadow {@code shadow}.
   */
  public record ActionPair(Action enforced, Action shadow, long requests) {
    /** Rejects nulls. */
    public ActionPair {
      Objects.requireNonNull(enforced, "enforced");
      Objects.requireNonNull(shadow, "shadow");
    }
  }

  /**
   * Requests decided since start, by outcome.
   *
   * @param allowed passed with the requested model
   * @param substituted passed with a smaller model
   * @param blocked refused by the policy
   * @param rejected refused as malformed, ambiguous, too large, unresolvable or with a wrong method
   *     (4xx)
   * @param errors answered 503 because the filter failed
   * @param decisionNanos time spent deciding them all, body reading included, in nanoseconds
   */
  public record Counts(
      long allowed,
      long substituted,
      long blocked,
      long rejected,
      long errors,
      long decisionNanos) {
    /** All zero. */
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0);

    /** Every request counted. */
    public long total() {
      return allowed + substituted + blocked + rejected + errors;
    }
  }

  /**
   * The usage store and what usage limits and country alerts did since start.
   *
   * @param store {@code local} or {@code redis}
   * @param failureMode what limited requests get while a Redis store is unreachable
   * @param healthy whether the store answers from where it should (always true for a local store)
   * @param degradedSince when a Redis store became unreachable; empty while healthy
   * @param lastError the last store failure, without secrets; empty when there was none
   * @param limited requests over a usage limit (refused, substituted or flagged), and requests
   *     refused because the store could not be reached in mode {@code block}
   * @param alerts alert records written (country alerts and flagged limit crossings)
   * @param fallbackAnswers answers given without the shared store (counted locally, allowed or
   *     refused uncounted)
   * @param failures operations on the shared store that failed
   * @param byRule the same counts per rule, for the rules that limited or alerted at least once
   */
  public record Usage(
      String store,
      UsageStoreFailure failureMode,
      boolean healthy,
      Optional<Instant> degradedSince,
      Optional<String> lastError,
      long limited,
      long alerts,
      long fallbackAnswers,
      long failures,
      List<RuleUsage> byRule) {
    /** Rejects nulls; copies the list. */
    public Usage {
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(failureMode, "failureMode");
      Objects.requireNonNull(degradedSince, "degradedSince");
      Objects.requireNonNull(lastError, "lastError");
      byRule = List.copyOf(byRule);
    }
  }

  /**
   * What one rule's usage limit and country alert did since start.
   *
   * @param rule the rule's name
   * @param overUsage what the rule does over its limit: {@code block}, {@code substitute} or {@code
   *     flag}
   * @param limited requests over the limit (and, in store-failure mode block, refused uncounted)
   * @param alerts alert records written for the rule
   */
  public record RuleUsage(String rule, String overUsage, long limited, long alerts) {
    /** Rejects nulls. */
    public RuleUsage {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(overUsage, "overUsage");
    }
  }
}
