package dev.geofence.filter.internal.usage;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A {@link RedisServer} for a test class: started before the first test, emptied before each test
 * (and started again if a test stopped it), stopped after the last. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
 * ... UsageStore.builder().store(REDIS.uri()) ...
 * }</pre>
 *
 * <p>Skips the class, saying how to install it, when redis-server is not installed, as the tests
 * that need mmdblookup or Chromium do; {@code .ci/run} installs it, so CI always runs them.
 */
public final class RedisServerExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

  private RedisServer server;

  @Override
  public void beforeAll(ExtensionContext context) {
    Assumptions.assumeTrue(RedisServer.installed(), RedisServer.NOT_INSTALLED);
    server = RedisServer.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!server.running()) {
      server.restart();
    }
    server.command("FLUSHALL");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (server != null) {
      server.close();
    }
  }

  /** The running server, to stop, restart or query mid-test. */
  public RedisServer server() {
    return server;
  }

  /** The {@code usage-store} value that points at the server. */
  public String uri() {
    return server.uri();
  }
}
