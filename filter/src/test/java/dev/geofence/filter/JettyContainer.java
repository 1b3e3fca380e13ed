package dev.geofence.filter;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Jetty 12 ee10 on port 0. With a null filter, the filter is created from init-params, as web.xml
 * does.
 */
final class JettyContainer implements Container {
  /** Room for a forwarding header padded with 1,000 entries, as the bypass tests send. */
  static final int MAX_HEADER_BYTES = 64 * 1024;

  private Server server;
  private ServletContextHandler context;
  private Filter before;

  /** Runs {@code filter} ahead of the geo-fence, as an application's authentication does. */
  JettyContainer before(Filter filter) {
    this.before = filter;
    return this;
  }

  @Override
  public URI start(Filter filter, Map<String, String> initParams, Path workDir, Servlet servlet)
      throws Exception {
    server = new Server();
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(MAX_HEADER_BYTES);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    context = new ServletContextHandler();
    context.setContextPath("/");
    if (before != null) {
      context.addFilter(new FilterHolder(before), "/*", EnumSet.of(DispatcherType.REQUEST));
    }
    FilterHolder holder =
        filter == null ? new FilterHolder(GeofenceFilter.class) : new FilterHolder(filter);
    holder.setInitParameters(initParams);
    holder.setAsyncSupported(true);
    context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    ServletHolder servletHolder = new ServletHolder(servlet);
    servletHolder.setAsyncSupported(true);
    context.addServlet(servletHolder, "/*");
    server.setHandler(context);
    server.start();
    return URI.create("http://127.0.0.1:" + connector.getLocalPort());
  }

  /** The filter instance in the context attribute. */
  Object contextAttribute(String name) {
    return context.getServletContext().getAttribute(name);
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.stop();
    }
  }
}
