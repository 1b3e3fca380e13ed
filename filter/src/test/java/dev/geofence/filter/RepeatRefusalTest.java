package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.audit.AuditRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repeat caller's block is answered and recorded from what was made for its screening the first
 * time: the same body and the same sentence, and never another screening's, whether the other
 * screening is another caller's or the same caller's under a reloaded policy.
 */
class RepeatRefusalTest {

  private static final String BIG = "{\"model\":\"big-1\"}";

  @TempDir Path dir;
  JettyFixture jetty;

  @AfterEach
  void stop() throws Exception {
    jetty.close();
  }

  @Test
  void aRepeatBlockAnswersTheSameBodyAndRecordsTheSameReason() throws Exception {
    jetty = new JettyFixture(dir, b -> b);

    HttpResponse<String> first = Http.post(jetty.base, "/v1/messages", Fixtures.IR, BIG);
    AuditRecord firstRecord = jetty.audit.last();
    HttpResponse<String> second = Http.post(jetty.base, "/v1/messages", Fixtures.IR, BIG);
    AuditRecord secondRecord = jetty.audit.last();

    assertThat(second.statusCode()).isEqualTo(first.statusCode()).isEqualTo(451);
    assertThat(second.body()).isEqualTo(first.body()).contains("version 1");
    assertThat(second.headers().firstValue("Content-Length"))
        .isEqualTo(first.headers().firstValue("Content-Length"));
    assertThat(secondRecord.requestId()).isNotEqualTo(firstRecord.requestId());
    assertThat(secondRecord.reason())
        .isEqualTo(firstRecord.reason())
        .isEqualTo("blocked by rule sanctioned (rule): IR");
    assertThat(secondRecord.addressSource())
        .isEqualTo(firstRecord.addressSource())
        .isEqualTo("x-forwarded-for");
  }

  @Test
  void anotherCallerBetweenTwoRepeatsGetsItsOwnRefusalAndReason() throws Exception {
    jetty = new JettyFixture(dir, b -> b);

    HttpResponse<String> sanctioned = Http.post(jetty.base, "/v1/messages", Fixtures.IR, BIG);
    String sanctionedReason = jetty.audit.last().reason();
    HttpResponse<String> anonymous = Http.post(jetty.base, "/v1/messages", Fixtures.VPN, BIG);
    AuditRecord anonymousRecord = jetty.audit.last();
    HttpResponse<String> again = Http.post(jetty.base, "/v1/messages", Fixtures.IR, BIG);

    assertThat(anonymous.body())
        .contains("through an anonymizing network")
        .isNotEqualTo(sanctioned.body());
    assertThat(anonymousRecord.reason()).isNotEqualTo(sanctionedReason).contains("anonymous");
    assertThat(anonymousRecord.anonymizerFlags())
        .containsExactlyInAnyOrder("anonymous", "anonymous_vpn");
    assertThat(again.body()).isEqualTo(sanctioned.body());
    assertThat(jetty.audit.last().reason()).isEqualTo(sanctionedReason);
    assertThat(jetty.audit.last().anonymizerFlags()).isEmpty();
  }

  @Test
  void aReloadedPolicyBlocksWithItsOwnVersionNotTheMemoOfTheLastOne() throws Exception {
    jetty = new JettyFixture(dir, b -> b.policyWatchInterval(Duration.ofMillis(20)));
    HttpResponse<String> before = Http.post(jetty.base, "/v1/messages", Fixtures.IR, BIG);
    HttpResponse<String> substituted = Http.post(jetty.base, "/v1/messages", Fixtures.BR, BIG);
    assertThat(before.body()).contains("version 1");
    assertThat(substituted.statusCode()).isEqualTo(200);
    assertThat(jetty.audit.last().reason()).startsWith("substituted big-1 with mid-1 by rule rest");

    Fixtures.write(jetty.files.policy(), Fixtures.POLICY_V2);
    Await.until("the reload to version 2", () -> jetty.filter.policy().version().equals("2"));
    HttpResponse<String> after = Http.post(jetty.base, "/v1/messages", Fixtures.IR, BIG);
    AuditRecord afterRecord = jetty.audit.last();
    HttpResponse<String> blocked = Http.post(jetty.base, "/v1/messages", Fixtures.BR, BIG);

    assertThat(after.body())
        .isEqualTo(before.body().replace("version 1", "version 2").replace(":\"1\"", ":\"2\""));
    assertThat(afterRecord.policyVersion()).isEqualTo("2");
    assertThat(blocked.statusCode()).isEqualTo(451);
    assertThat(blocked.body()).contains("Requests from BR").contains("version 2");
    assertThat(jetty.audit.last().reason()).startsWith("blocked by rule rest");
  }
}
