package example.tomcat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.MmdbWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's {@code web.xml}, deployed as written on embedded Tomcat with the example policy.
 * Only its two file paths and the trusted proxy are pointed at the test's files and loopback, where
 * the test plays the proxy.
 */
class TomcatWebXmlTest {

  @TempDir Path dir;
  private Tomcat tomcat;

  @AfterEach
  void stop() throws Exception {
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
  }

  @Test
  void blockedCappedAndAlliedCallersGetWhatThePolicySays() throws Exception {
    Path policy = Files.copy(Path.of("../policy.yaml"), dir.resolve("policy.yaml"));
    Path database = dir.resolve("test.mmdb");
    MmdbWriter.builder()
        .databaseType("GeoIP2-Country")
        .build()
        .insert("203.0.113.0/24", GeoIp2Records.country("IR"))
        .insert("192.0.2.0/24", GeoIp2Records.country("BR"))
        .insert("198.51.100.0/24", GeoIp2Records.country("US"))
        .write(database);
    String webXml = Files.readString(Path.of("src/main/webapp/WEB-INF/web.xml"));
    Path webapp = Files.createDirectories(dir.resolve("webapp/WEB-INF"));
    Files.writeString(
        webapp.resolve("web.xml"),
        webXml
            .replace("/etc/geofence/policy.yaml", policy.toString())
            .replace("/var/lib/GeoIP/GeoLite2-Country.mmdb", database.toString())
            .replace("10.0.0.0/8", "127.0.0.1"));

    tomcat = new Tomcat();
    tomcat.setBaseDir(dir.resolve("tomcat").toString());
    tomcat.setPort(0);
    tomcat.getConnector().setProperty("address", "127.0.0.1");
    tomcat.addWebapp("", dir.resolve("webapp").toString());
    tomcat.start();
    URI base = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort());

    HttpResponse<String> blocked = post(base, "203.0.113.7", "claude-haiku-4");
    HttpResponse<String> capped = post(base, "192.0.2.7", "claude-opus-4");
    HttpResponse<String> ally = post(base, "198.51.100.7", "claude-opus-4");

    assertThat(blocked.statusCode()).isEqualTo(451);
    assertThat(blocked.body()).contains("sanctioned");
    assertThat(capped.body())
        .isEqualTo("{\"geofence\":\"substitute\",\"received\":{\"model\":\"claude-sonnet-4\"}}");
    assertThat(ally.body())
        .isEqualTo("{\"geofence\":\"allow\",\"received\":{\"model\":\"claude-opus-4\"}}");
  }

  private static HttpResponse<String> post(URI base, String caller, String model) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(base.resolve("/v1/messages"))
                .header("X-Forwarded-For", caller)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
