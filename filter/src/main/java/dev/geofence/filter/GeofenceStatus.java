package dev.geofence.filter;

import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.geo.DatabaseInfo;
import dev.geofence.filter.geo.GeoCacheStats;
import java.nio.file.Path;
import java.time.Instant;
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
    Counts counts) {

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
  }

  /**
   * True when the policy and database serve without a pending error and no audit record was lost.
   */
  public boolean healthy() {
    return policyError.isEmpty()
        && databaseHealthy
        && databaseError.isEmpty()
        && audit.map(a -> a.lost() == 0).orElse(true);
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
}
