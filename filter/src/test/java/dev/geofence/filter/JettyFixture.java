package dev.geofence.filter;

import dev.geofence.filter.Fixtures.CapturingSink;
import dev.geofence.filter.Fixtures.Files3;
import dev.geofence.filter.audit.AuditLog;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Starts Jetty with the filter configured from the test files plus a per-test change of the
 * settings.
 */
final class JettyFixture implements AutoCloseable {
  final Files3 files;
  final CapturingSink audit = new CapturingSink();
  final JettyContainer container = new JettyContainer();
  final GeofenceFilter filter;
  final URI base;

  JettyFixture(Path dir, UnaryOperator<GeofenceSettings.Builder> change) throws Exception {
    this(dir, change, true);
  }

  /** With {@code capture} false, the audit log is the one the settings build. */
  JettyFixture(Path dir, UnaryOperator<GeofenceSettings.Builder> change, boolean capture)
      throws Exception {
    this.files = Fixtures.files(dir);
    GeofenceSettings.Builder settings = Fixtures.settings(files).routes(FilterContractTest.ROUTES);
    if (capture) {
      settings.auditLog(AuditLog.builder().sink(audit).build());
    }
    this.filter = new GeofenceFilter(change.apply(settings).build());
    this.base = container.start(filter, Map.of(), dir);
  }

  @Override
  public void close() throws Exception {
    container.close(); // idempotent
  }
}
