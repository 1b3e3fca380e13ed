package dev.geofence.filter;

import jakarta.servlet.Filter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/** A servlet container running the filter on /* in front of {@link EchoServlet} on /*. */
interface Container extends AutoCloseable {

  /** Starts on a free loopback port; returns the base URI, e.g. {@code http://127.0.0.1:41234}. */
  URI start(Filter filter, Map<String, String> initParams, Path workDir) throws Exception;

  @Override
  void close() throws Exception;
}
