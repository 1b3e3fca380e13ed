package dev.geofence.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo: an embedded Jetty 12 server with a small model API ({@code POST /v1/messages}, {@code
 * GET /v1/models}) behind the geofence filter, {@code GET /geofence/status} and the policy as a
 * world map, {@code GET /geofence/policy}.
 *
 * <p>{@link #start(DemoConfig)} returns a running server; {@link #close()} (or SIGTERM, through
 * Jetty's shutdown hook) lets requests in flight finish, then closes the geofence so the audit
 * trail is flushed and forced. Thread-safe.
 */
public final class DemoServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(DemoServer.class);

  /** How long in-flight requests get to finish on shutdown. */
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

  private final Server server;
  private final DemoGeofence geofence;
  private final DemoConfig config;

  private DemoServer(Server server, DemoGeofence geofence, DemoConfig config) {
    this.server = server;
    this.geofence = geofence;
    this.config = config;
  }

  /** Runs the demo from the command line; see {@link DemoCommand} for the options. */
  public static void main(String[] args) {
    int exit = DemoCommand.commandLine().execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /**
   * Starts a server.
   *
   * @throws Exception if the policy, a database or the audit directory is refused, or the port is
   *     taken
   */
  static DemoServer start(DemoConfig config) throws Exception {
    Objects.requireNonNull(config, "config");
    DemoGeofence geofence =
        config.geofence() ? DemoGeofence.open(config) : DemoGeofence.none(config);
    Server server = new Server();
    try {
      ServerConnector connector = new ServerConnector(server);
      // An address literal, validated by DemoConfig, so nothing is resolved.
      connector.setHost(config.host());
      connector.setPort(config.port());
      server.addConnector(connector);

      ObjectMapper json = new ObjectMapper();
      ServletContextHandler context = new ServletContextHandler();
      context.setContextPath("/");
      geofence.install(context);
      ServletHolder messages = new ServletHolder("messages", new MessagesServlet(json));
      messages.setAsyncSupported(true); // streamed answers
      context.addServlet(messages, "/v1/messages");
      context.addServlet(
          new ServletHolder("batches", new BatchesServlet(json)), "/v1/messages/batches");
      context.addServlet(new ServletHolder("models", new ModelsServlet(json)), "/v1/models");
      context.addServlet(
          new ServletHolder("status", new StatusServlet(json, geofence)), "/geofence/status");
      // No shadow policy yet: when there is one, its supplier replaces Optional::empty here.
      context.addServlet(
          new ServletHolder(
              "policy-map",
              new PolicyMapServlet(geofence::policy, Optional::empty, Clock.systemUTC())),
          "/geofence/policy");

      // GracefulHandler makes stop() wait for requests in flight, up to the stop timeout.
      server.setHandler(new GracefulHandler(context));
      server.setStopTimeout(STOP_TIMEOUT.toMillis());
      server.setStopAtShutdown(true);
      AtomicBoolean closed = new AtomicBoolean();
      server.addEventListener(
          new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
              // Jetty has finished the requests it will finish; only now is the audit trail
              // complete.
              if (closed.compareAndSet(false, true)) {
                geofence.close();
              }
            }
          });
      server.start();
    } catch (Exception | Error e) {
      server.stop();
      geofence.close();
      throw e;
    }
    return new DemoServer(server, geofence, config);
  }

  /** The port the server listens on (the chosen one when configured with 0). */
  int port() {
    return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
  }

  /** The base URI, e.g. {@code http://127.0.0.1:8080}. */
  URI uri() {
    String host = config.host();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    } else if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    }
    return URI.create("http://" + host + ":" + port());
  }

  DemoConfig config() {
    return config;
  }

  DemoGeofence geofence() {
    return geofence;
  }

  /** Waits until the server has stopped. */
  void join() throws InterruptedException {
    server.join();
  }

  /**
   * Stops accepting, lets requests in flight finish, then flushes and closes the audit trail.
   * Idempotent.
   */
  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("The demo server did not stop cleanly: {}", e.toString());
    }
  }
}
