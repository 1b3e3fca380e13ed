package dev.geofence.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code GET /v1/models} in the shape of Anthropic's API, listing only the models the caller may
 * use according to the geofence decision the filter left on the request; without the filter ({@code
 * --no-geofence}) every model is listed. Stateless and thread-safe.
 */
final class ModelsServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient ObjectMapper json;

  ModelsServlet(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    Predicate<String> permitted = Permissions.of(request);
    List<DemoModels.Model> models =
        DemoModels.ALL.stream().filter(m -> permitted.test(m.id())).toList();
    ObjectNode page = json.createObjectNode();
    ArrayNode data = page.putArray("data");
    for (DemoModels.Model model : models) {
      data.addObject()
          .put("type", "model")
          .put("id", model.id())
          .put("display_name", model.displayName())
          .put("created_at", model.createdAt());
    }
    page.put("has_more", false);
    if (models.isEmpty()) {
      page.putNull("first_id");
      page.putNull("last_id");
    } else {
      page.put("first_id", models.get(0).id());
      page.put("last_id", models.get(models.size() - 1).id());
    }
    JsonResponses.write(json, response, 200, page);
  }
}
