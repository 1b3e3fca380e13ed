package example.boot;

import dev.geofence.filter.Screening;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A model API behind the geo-fence: the starter registers the filter from three properties in
 * application.properties, and {@code POST /v1/messages} answers with the decision and the body as
 * it arrived, so a substitution shows.
 */
@SpringBootApplication
@RestController
public class ModelApplication {

  public static void main(String[] args) {
    SpringApplication.run(ModelApplication.class, args);
  }

  @PostMapping(path = "/v1/messages", produces = "application/json")
  String messages(HttpServletRequest request, @RequestBody String body) {
    String action = Screening.of(request).map(s -> s.action().label()).orElse("none");
    return "{\"geofence\":\"" + action + "\",\"received\":" + body + "}";
  }
}
