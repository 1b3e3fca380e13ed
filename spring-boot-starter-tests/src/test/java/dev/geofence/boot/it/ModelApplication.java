package dev.geofence.boot.it;

import dev.geofence.filter.Screening;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A model API as the tests' application: {@code POST /v1/messages} answers with what reached it,
 * the geo-fence's action, the address the application sees and the body as received.
 */
@SpringBootApplication
@RestController
class ModelApplication {

  @PostMapping(path = "/v1/messages", produces = "application/json")
  String messages(HttpServletRequest request, @RequestBody String body) {
    String action = Screening.of(request).map(s -> s.action().label()).orElse("none");
    return "{\"geofence\":\""
        + action
        + "\",\"remote\":\""
        + request.getRemoteAddr()
        + "\",\"received\":"
        + body
        + "}";
  }
}
