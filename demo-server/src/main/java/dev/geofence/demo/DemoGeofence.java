package dev.geofence.demo;

import dev.geofence.filter.GeofenceFilter;
import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.PrincipalSource;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.FileAuditSink;
import dev.geofence.filter.audit.OverflowPolicy;
import dev.geofence.filter.audit.PrincipalPrivacy;
import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyException;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * The geofence of the demo: the filter, configured from the demo's options, and the audit log it
 * writes to (owned here, so that it is closed only after Jetty has finished every request). Knows
 * where the policy and database came from, for the banner and the status page. Thread-safe; {@link
 * #close()} is idempotent.
 */
final class DemoGeofence implements AutoCloseable {

  static final String POLICY_RESOURCE = "policy.yaml";
  static final String EMBEDDED_POLICY_NAME = "examples/policy.yaml, embedded";
  static final String EMBEDDED_DATABASE_NAME = "embedded demo database, built from demo-ranges.csv";

  private final Optional<GeofenceFilter> filter;
  private final String policySource;
  private final String databaseSource;
  private final Optional<AuditLog> audit;
  private final Path auditDirectory;
  private final List<Path> temporaryFiles;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DemoGeofence(
      Optional<GeofenceFilter> filter,
      String policySource,
      String databaseSource,
      Optional<AuditLog> audit,
      Path auditDirectory,
      List<Path> temporaryFiles) {
    this.filter = filter;
    this.policySource = policySource;
    this.databaseSource = databaseSource;
    this.audit = audit;
    this.auditDirectory = auditDirectory;
    this.temporaryFiles = List.copyOf(temporaryFiles);
  }

  /** Nothing installed: the {@code --no-geofence} baseline. */
  static DemoGeofence none(DemoConfig config) {
    return new DemoGeofence(
        Optional.empty(),
        "none (--no-geofence)",
        "none (--no-geofence)",
        Optional.empty(),
        config.audit(),
        List.of());
  }

  /**
   * Checks the policy, writes the embedded files it needs, opens the audit trail and configures the
   * filter, which starts (opening the databases) when the server starts.
   *
   * @throws PolicyException for a policy with errors, so they can be listed one per line
   */
  static DemoGeofence open(DemoConfig config) throws PolicyException {
    // The embedded policy and database become files (the filter reads and watches files), deleted
    // when the demo closes, or at the latest when the JVM exits.
    List<Path> temporaryFiles = new ArrayList<>();
    try {
      return open(config, temporaryFiles);
    } catch (PolicyException | RuntimeException e) {
      deleteAll(temporaryFiles);
      throw e;
    }
  }

  private static DemoGeofence open(DemoConfig config, List<Path> temporaryFiles)
      throws PolicyException {
    Path policyFile = config.policy().orElse(null);
    if (policyFile == null) {
      policyFile = writeEmbeddedPolicy();
      temporaryFiles.add(policyFile);
    }
    // Loaded here once only to report every error by line; the filter loads the file again itself.
    Policy.load(policyFile);
    Path database = config.geoip().orElse(null);
    if (database == null) {
      database = DemoDatabase.writeTemporary(Instant.now());
      temporaryFiles.add(database);
    }
    AuditLog.Builder auditBuilder = AuditLog.builder();
    FileAuditSink.Builder trail = FileAuditSink.builder(config.audit());
    config.auditSigningKey().ifPresent(trail::signingKey);
    if (config.auditSyncInterval().isEmpty()) {
      auditBuilder
          .sink(trail.durability(Durability.eachRecord()).build())
          // Every request waits for its line: when curl returns, the line is on disk for tail -f.
          .overflowAll(OverflowPolicy.WAIT);
    } else {
      // The library's defaults: blocks and substitutions wait for their line, allowed requests do
      // not.
      auditBuilder.sink(
          trail.durability(Durability.every(config.auditSyncInterval().get())).build());
    }
    AuditLog audit = auditBuilder.build();
    try {
      GeofenceSettings.Builder settings =
          GeofenceSettings.builder()
              .policyFile(policyFile)
              .geoipDatabase(database)
              .trustedProxies(config.trustedProxies())
              .usageStore(config.usageStore())
              .usageStoreFailure(config.usageStoreFailure())
              .auditLog(audit);
      config.anonymousDb().ifPresent(settings::anonymousDatabase);
      config.shadowPolicy().ifPresent(settings::shadowPolicyFile);
      if (config.principalHeader().isPresent()) {
        // In full, for the demo only: a deployment keeps hmac, the default, so that a trail never
        // holds API keys.
        settings
            .principalSource(PrincipalSource.header(config.principalHeader().get()))
            .principalPrivacy(PrincipalPrivacy.full());
      }
      return new DemoGeofence(
          Optional.of(new GeofenceFilter(settings.build())),
          config.policy().map(Path::toString).orElse(EMBEDDED_POLICY_NAME),
          config.geoip().map(Path::toString).orElse(EMBEDDED_DATABASE_NAME),
          Optional.of(audit),
          config.audit(),
          temporaryFiles);
    } catch (RuntimeException e) {
      audit.close();
      throw e;
    }
  }

  /**
   * The embedded policy as a temporary file, since the filter reads (and watches) a policy file.
   */
  private static Path writeEmbeddedPolicy() {
    try {
      Path file = Files.createTempFile("geofence-demo-policy-", ".yaml");
      file.toFile().deleteOnExit();
      return Files.writeString(file, embeddedPolicyText());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Could not write the embedded demo policy to a temporary file: " + e.getMessage(), e);
    }
  }

  /** The embedded copy of {@code examples/policy.yaml}, placed in the jar by the build. */
  static Policy embeddedPolicy() throws PolicyException {
    return Policy.parse(embeddedPolicyText(), EMBEDDED_POLICY_NAME);
  }

  static String embeddedPolicyText() {
    try (InputStream in = DemoGeofence.class.getResourceAsStream(POLICY_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "The embedded policy " + POLICY_RESOURCE + " is missing from the demo jar.");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Puts the filter in front of the model API ({@code /v1/*}); nothing without the geofence. The
   * status page stays outside it, so that an operator is never geo-fenced out of it.
   */
  void install(ServletContextHandler context) {
    filter.ifPresent(
        f -> {
          FilterHolder holder = new FilterHolder(f);
          holder.setName("geofence");
          // Streamed answers are asynchronous; a filter without async support would refuse them.
          holder.setAsyncSupported(true);
          context.addFilter(holder, "/v1/*", EnumSet.of(DispatcherType.REQUEST));
        });
  }

  /** The running filter's state; empty without the geofence. */
  Optional<GeofenceStatus> status() {
    return filter.map(GeofenceFilter::status);
  }

  /** The policy the filter serves now; empty without the geofence. */
  Optional<Policy> policy() {
    return filter.map(GeofenceFilter::policy);
  }

  String policySource() {
    return policySource;
  }

  String databaseSource() {
    return databaseSource;
  }

  Path auditDirectory() {
    return auditDirectory;
  }

  boolean enabled() {
    return filter.isPresent();
  }

  /**
   * Stops the filter (Jetty has normally done so already), then writes what the audit trail has
   * queued, forces it to disk and closes it.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    filter.ifPresent(GeofenceFilter::destroy);
    audit.ifPresent(AuditLog::close);
    deleteAll(temporaryFiles);
  }

  /** The embedded policy and database written for this demo, deleted by {@link #close()}. */
  List<Path> temporaryFiles() {
    return temporaryFiles;
  }

  private static void deleteAll(List<Path> files) {
    for (Path file : files) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // Left to deleteOnExit; a temporary file is no reason to fail a shutdown.
      }
    }
  }
}
