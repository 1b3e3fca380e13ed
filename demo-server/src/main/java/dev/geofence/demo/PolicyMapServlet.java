package dev.geofence.demo;

import dev.geofence.policy.Policy;
import dev.geofence.policy.map.PolicyMap;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.Writer;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code GET /geofence/policy}: the policy in force as a world map ({@link PolicyMap}), one
 * self-contained HTML page for whoever reviews it, evaluated at the time of the request. When a
 * comparison policy is given (a shadow policy, later), the page also shows what would change from
 * the policy in force to it. Both are read per request, so a reloaded policy shows at once.
 * Thread-safe.
 */
final class PolicyMapServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient Supplier<Optional<Policy>> inForce;
  private final transient Supplier<Optional<Policy>> comparison;
  private final transient Clock clock;

  /**
   * @param inForce the policy serving now; empty without the geofence
   * @param comparison a policy to show the change to, such as a shadow policy; empty for none
   */
  PolicyMapServlet(
      Supplier<Optional<Policy>> inForce, Supplier<Optional<Policy>> comparison, Clock clock) {
    this.inForce = inForce;
    this.comparison = comparison;
    this.clock = clock;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Optional<Policy> policy = inForce.get();
    response.setHeader("Cache-Control", "no-store");
    if (policy.isEmpty()) {
      response.setStatus(404);
      response.setContentType("text/plain; charset=utf-8");
      response.getWriter().println("The geofence is off (--no-geofence): no policy is in force.");
      return;
    }
    Optional<Policy> proposed = comparison.get();
    PolicyMap.Builder map = PolicyMap.builder().at(clock.instant());
    if (proposed.isPresent()) {
      // "What changes if the proposed policy replaces the one in force", as policy diff shows it.
      map.policy(proposed.get()).compareWith(policy.get());
    } else {
      map.policy(policy.get());
    }
    response.setContentType("text/html; charset=utf-8");
    Writer out = response.getWriter();
    map.build().writeHtml(out);
  }
}
