package dev.geofence.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.internal.model.FoundModel;
import dev.geofence.filter.internal.response.Checked;
import dev.geofence.policy.Action;
import dev.geofence.policy.Decision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The benchmarks measure the paths they claim to: not an error path, not a short cut. */
class BenchmarkFixturesTest {

  private final ClientAddressBenchmark address = new ClientAddressBenchmark();

  @Test
  void everyAddressBenchmarkFindsTheCallerBehindTheProxies() {
    List<ClientAddress> callers =
        List.of(address.peerOnly(), address.xForwardedForThreeHops(), address.forwardedThreeHops());

    assertThat(callers)
        .allSatisfy(
            caller ->
                assertThat(caller.address())
                    .hasValueSatisfying(
                        a -> assertThat(a.getHostAddress()).isEqualTo("198.51.100.23")));
    assertThat(callers)
        .extracting(ClientAddress::source)
        .map(Enum::name)
        .containsExactly("PEER", "HEADER", "HEADER");
  }

  @Test
  void lookupBenchmarksFindACountryForEveryCaller(@TempDir Path data) throws IOException {
    System.setProperty(CountryData.DIRECTORY_PROPERTY, data.toString());
    CountryLookupBenchmark lookup = new CountryLookupBenchmark();
    lookup.networks = 2000;
    try {
      lookup.open();
      for (int i = 0; i < 1000; i++) {
        assertThat(lookup.lookupForTest(i).country()).isPresent();
      }
    } finally {
      lookup.close();
      System.clearProperty(CountryData.DIRECTORY_PROPERTY);
    }
  }

  @ParameterizedTest(name = "limit={0}, audit={1}")
  @CsvSource({"none,notable", "local,notable", "none,memory"})
  void filterBenchmarkCallersAreAllowedSubstitutedAndBlocked(
      String limit, String audit, @TempDir Path data) throws Exception {
    System.setProperty(CountryData.DIRECTORY_PROPERTY, data.toString());
    FilterBenchmark filter = new FilterBenchmark();
    filter.networks = 2000;
    filter.body = "1KB";
    filter.audit = audit;
    filter.limit = limit;
    try {
      filter.start();

      FilterBenchmark.Exchange allowed = filter.exchangeForTest(Action.ALLOW);
      assertThat(allowed.response().getStatus()).isEqualTo(200);
      assertThat(body(allowed.forwarded())).contains(PolicyBenchmark.OPUS);
      FilterBenchmark.Exchange substituted = filter.exchangeForTest(Action.SUBSTITUTE);
      assertThat(body(substituted.forwarded())).contains("\"model\":\"claude-sonnet-4\"");
      FilterBenchmark.Exchange blocked = filter.exchangeForTest(Action.BLOCK);
      assertThat(blocked.forwarded()).isNull();
      assertThat(blocked.response().getStatus()).isEqualTo(451);
      assertThat(blocked.response().written()).isPositive();
    } finally {
      filter.stop();
      System.clearProperty(CountryData.DIRECTORY_PROPERTY);
    }
  }

  private static String body(jakarta.servlet.ServletRequest request) throws IOException {
    assertThat(request).as("the request reached the application").isNotNull();
    return new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void policyBenchmarksAllowSubstituteAndBlock() {
    assertThat(new PolicyBenchmark().decisionsForTest())
        .extracting(Decision::action)
        .containsExactly(Action.ALLOW, Action.SUBSTITUTE, Action.BLOCK);
  }

  @ParameterizedTest
  @CsvSource({"1KB,first", "1KB,last", "64KB,first", "64KB,last", "4MB,first", "4MB,last"})
  void bodiesHaveTheirSizeAndModelAndSubstituteIt(String size, String position) {
    ModelBodyBenchmark body = new ModelBodyBenchmark();
    body.size = size;
    body.position = position;
    body.build();

    assertThat(body.bodyForTest()).hasSize(RequestBodies.bytes(size));
    Checked<Optional<FoundModel>> found = body.extract();
    assertThat(found.value())
        .hasValueSatisfying(m -> assertThat(m.value()).isEqualTo(ModelBodyBenchmark.MODEL));
    String rewritten = body.substitute().toString(StandardCharsets.UTF_8);
    assertThat(rewritten)
        .contains("\"model\":\"" + ModelBodyBenchmark.SUBSTITUTE + "\"")
        .doesNotContain(ModelBodyBenchmark.MODEL);
    assertThat(rewritten.startsWith("{\"model\"")).isEqualTo(position.equals("first"));
  }
}
