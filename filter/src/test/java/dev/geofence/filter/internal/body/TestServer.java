package dev.geofence.filter.internal.body;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.net.URI;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty 12 server on a free loopback port with one filter and some servlets, for tests. */
public final class TestServer implements AutoCloseable {
  private final Server server;
  private final int port;

  private TestServer(Server server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a server; the filter (if any) sees REQUEST dispatches of every path. */
  public static TestServer start(Filter filter, Map<String, HttpServlet> servlets)
      throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler("/");
    if (filter != null) {
      FilterHolder holder = new FilterHolder(filter);
      holder.setAsyncSupported(true);
      context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    servlets.forEach(
        (mapping, servlet) -> {
          ServletHolder holder = new ServletHolder(servlet);
          holder.setAsyncSupported(true);
          context.addServlet(holder, mapping);
        });
    server.setHandler(context);
    server.start();
    return new TestServer(server, connector.getLocalPort());
  }

  /** The URI of a path on this server. */
  public URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  /** The port. */
  public int port() {
    return port;
  }

  @Override
  public void close() throws IOException {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IOException("Jetty did not stop cleanly", e);
    }
  }
}
