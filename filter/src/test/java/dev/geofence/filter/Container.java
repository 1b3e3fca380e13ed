package dev.geofence.filter;

import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

/**
 * A servlet container running the filter on /* (for requests and async dispatches) in front of
 * {@link EchoServlet} or a given servlet on /*; both support async, as web.xml declares them with
 * {@code <async-supported>true</async-supported>}.
 */
interface Container extends AutoCloseable {

  /** Starts on a free loopback port; returns the base URI, e.g. {@code http://127.0.0.1:41234}. */
  default URI start(Filter filter, Map<String, String> initParams, Path workDir) throws Exception {
    return start(filter, initParams, workDir, new EchoServlet());
  }

  /** As {@link #start(Filter, Map, Path)}, with {@code servlet} behind the filter. */
  URI start(Filter filter, Map<String, String> initParams, Path workDir, Servlet servlet)
      throws Exception;

  @Override
  void close() throws Exception;
}
