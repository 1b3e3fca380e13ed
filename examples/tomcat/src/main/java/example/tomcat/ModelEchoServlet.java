package example.tomcat;

import dev.geofence.filter.Screening;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for a model API: answers with the request body it received (after the geo-fence, which
 * may have substituted the model) and the geo-fence's decision.
 */
public final class ModelEchoServlet extends HttpServlet {

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String action = Screening.of(request).map(s -> s.action().label()).orElse("none");
    response.setContentType("application/json");
    response
        .getWriter()
        .write(
            "{\"geofence\":\""
                + action
                + "\",\"received\":"
                + (body.isEmpty() ? "null" : body)
                + "}");
  }
}
