package dev.geofence.filter;

import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Starts a filter in a JVM of its own, so a test can choose what is on its class path (which SLF4J
 * provider, if any) and how logging is configured. Prints {@code STARTED}, or the message init
 * failed with, and exits 0 either way.
 *
 * <p>Arguments: policy file, country database, then {@code slf4j}, {@code off} (audit-enabled
 * false) or {@code dir=PATH} (audit-directory).
 */
public final class StartFilterMain {

  private StartFilterMain() {}

  public static void main(String[] args) {
    GeofenceSettings.Builder settings =
        GeofenceSettings.builder()
            .policyFile(Path.of(args[0]))
            .geoipDatabase(Path.of(args[1]))
            .policyWatchInterval(java.time.Duration.ZERO)
            .databaseWatchInterval(java.time.Duration.ZERO)
            .noDatabaseMaxAge();
    if (args[2].equals("off")) {
      settings.auditEnabled(false);
    } else if (args[2].startsWith("dir=")) {
      settings.auditDirectory(Path.of(args[2].substring(4)));
    }
    GeofenceFilter filter = new GeofenceFilter(settings.build());
    try {
      filter.init(config());
      System.out.println("STARTED");
      filter.destroy();
    } catch (ServletException e) {
      System.out.println("REFUSED " + e.getMessage());
    }
  }

  private static FilterConfig config() {
    return new FilterConfig() {
      @Override
      public String getFilterName() {
        return "geofence";
      }

      @Override
      public ServletContext getServletContext() {
        return null;
      }

      @Override
      public String getInitParameter(String name) {
        return null;
      }

      @Override
      public Enumeration<String> getInitParameterNames() {
        return Collections.emptyEnumeration();
      }
    };
  }
}
