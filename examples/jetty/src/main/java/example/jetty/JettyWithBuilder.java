package example.jetty;

import dev.geofence.filter.GeofenceFilter;
import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.RefusalFormat;
import dev.geofence.filter.address.TrustedProxies;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/** A Jetty 12 (ee10) model API behind the geo-fence, configured with the settings builder. */
public final class JettyWithBuilder {

  public static Server start(Path policy, Path database, String proxies, int port)
      throws Exception {
    GeofenceSettings settings =
        GeofenceSettings.builder()
            .policyFile(policy)
            .geoipDatabase(database)
            .trustedProxies(TrustedProxies.parse(proxies))
            .refusalFormat(RefusalFormat.ANTHROPIC)
            .build();
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(
        new FilterHolder(new GeofenceFilter(settings)), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new ModelEchoServlet()), "/*");
    Server server = new Server(port);
    server.setHandler(context);
    server.start();
    return server;
  }

  public static void main(String[] args) throws Exception {
    start(
            Path.of("/etc/geofence/policy.yaml"),
            Path.of("/var/lib/GeoIP/GeoLite2-Country.mmdb"),
            "10.0.0.0/8",
            8080)
        .join();
  }

  private JettyWithBuilder() {}
}
