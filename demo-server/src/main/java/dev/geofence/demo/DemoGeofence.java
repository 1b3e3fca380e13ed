package dev.geofence.demo;

import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.FileAuditSink;
import dev.geofence.filter.audit.OverflowPolicy;
import dev.geofence.filter.geo.GeoDatabase;
import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * The geofence parts of the demo (policy, GeoIP database, audit trail, filter) and where each came
 * from, for the banner and the status page. Thread-safe; {@link #close()} is idempotent.
 */
final class DemoGeofence implements AutoCloseable {

  static final String POLICY_RESOURCE = "policy.yaml";
  static final String EMBEDDED_POLICY_NAME = "examples/policy.yaml (embedded)";
  static final String EMBEDDED_DATABASE_NAME = "embedded demo database (demo-ranges.csv)";

  private final Optional<Policy> policy;
  private final String policySource;
  private final Optional<GeoDatabase> geo;
  private final String databaseSource;
  private final Optional<AuditLog> audit;
  private final Path auditDirectory;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DemoGeofence(Optional<Policy> policy, String policySource, Optional<GeoDatabase> geo, String databaseSource,
      Optional<AuditLog> audit, Path auditDirectory) {
    this.policy = policy;
    this.policySource = policySource;
    this.geo = geo;
    this.databaseSource = databaseSource;
    this.audit = audit;
    this.auditDirectory = auditDirectory;
  }

  /** Nothing installed: the {@code --no-geofence} baseline. */
  static DemoGeofence none(DemoConfig config) {
    return new DemoGeofence(Optional.empty(), "none (--no-geofence)", Optional.empty(), "none (--no-geofence)",
        Optional.empty(), config.audit());
  }

  /**
   * Loads the policy, opens the databases and the audit trail.
   *
   * @throws PolicyException for a policy with errors
   */
  static DemoGeofence open(DemoConfig config) throws PolicyException {
    Policy policy = config.policy().isPresent() ? Policy.load(config.policy().get()) : embeddedPolicy();
    String policySource = config.policy().map(Path::toString).orElse(EMBEDDED_POLICY_NAME);
    Path database = config.geoip().orElseGet(() -> DemoDatabase.writeTemporary(Instant.now()));
    String databaseSource = config.geoip().map(Path::toString).orElse(EMBEDDED_DATABASE_NAME);
    GeoDatabase.Builder geoBuilder = GeoDatabase.builder().database(database);
    config.anonymousDb().ifPresent(geoBuilder::anonymousDatabase);
    GeoDatabase geo = geoBuilder.build();
    try {
      AuditLog audit = AuditLog.builder()
          .sink(FileAuditSink.builder(config.audit()).durability(Durability.eachRecord()).build())
          // Every request waits for its line, so the line is in the file when curl returns.
          .overflowAll(OverflowPolicy.WAIT)
          .build();
      return new DemoGeofence(Optional.of(policy), policySource, Optional.of(geo), databaseSource, Optional.of(audit),
          config.audit());
    } catch (RuntimeException e) {
      geo.close();
      throw e;
    }
  }

  /** The embedded copy of {@code examples/policy.yaml}, placed in the jar by the build. */
  static Policy embeddedPolicy() throws PolicyException {
    return Policy.parse(embeddedPolicyText(), EMBEDDED_POLICY_NAME);
  }

  static String embeddedPolicyText() {
    try (InputStream in = DemoGeofence.class.getResourceAsStream(POLICY_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("The embedded policy " + POLICY_RESOURCE + " is missing from the demo jar.");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Puts the filter in front of every servlet of the context; nothing without the geofence. */
  void install(ServletContextHandler context) {
    // Wired to the filter once its API is available.
  }

  Optional<Policy> policy() {
    return policy;
  }

  String policySource() {
    return policySource;
  }

  Optional<GeoDatabase> geo() {
    return geo;
  }

  String databaseSource() {
    return databaseSource;
  }

  Optional<AuditLog> audit() {
    return audit;
  }

  Path auditDirectory() {
    return auditDirectory;
  }

  boolean enabled() {
    return policy.isPresent();
  }

  /** Writes what the audit trail has queued, forces and closes it, then closes the databases. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    audit.ifPresent(AuditLog::close);
    geo.ifPresent(GeoDatabase::close);
  }
}
