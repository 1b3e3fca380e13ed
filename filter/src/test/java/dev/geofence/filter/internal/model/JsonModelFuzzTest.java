package dev.geofence.filter.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.geofence.filter.internal.body.CapturedBody;
import dev.geofence.filter.internal.response.Checked;
import java.util.Arrays;
import java.util.Optional;

/**
 * Any bytes as a JSON request body: the reader answers with the model, no model, or a refusal, and
 * never throws. Where it finds the model, substituting it keeps every other byte of the body, and
 * reading the rewritten body finds exactly the substitute, at the span the rewriter says.
 */
class JsonModelFuzzTest {

  private static final JsonModelReader READER = JsonModelReader.defaults();
  // Substitutes come from the policy, so they follow the model id grammar (ModelIds); a few that
  // JSON must escape are added to test the rewriter beyond it.
  private static final String[] SUBSTITUTES = {
    "small-1",
    "anthropic/claude-sonnet-4",
    "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
    "x".repeat(256),
    "a\"b\\c",
    "tab\tnul\u0000",
    "mod\u00e8le-\u6a21\u578b"
  };

  @FuzzTest
  void rewritingTheModelKeepsEveryOtherByte(byte[] body) {
    Checked<Optional<FoundModel>> read = READER.read(body, body.length, "model");

    if (read.isRefused() || read.value().isEmpty()) {
      return;
    }
    ModelLocation.Body at = (ModelLocation.Body) read.value().get().location();
    String substitute = SUBSTITUTES[Math.floorMod(Arrays.hashCode(body), SUBSTITUTES.length)];
    CapturedBody rewritten = ModelRewriter.body(CapturedBody.of(body.clone()), at, substitute);
    byte[] out = rewritten.toByteArray();

    int tail = body.length - at.end();
    assertThat(Arrays.copyOfRange(out, 0, at.start()))
        .isEqualTo(Arrays.copyOfRange(body, 0, at.start()));
    assertThat(Arrays.copyOfRange(out, out.length - tail, out.length))
        .isEqualTo(Arrays.copyOfRange(body, at.end(), body.length));
    Checked<Optional<FoundModel>> again = READER.read(out, out.length, "model");
    assertThat(again.isRefused()).as("the rewritten body is refused: %s", again).isFalse();
    FoundModel found = again.value().orElseThrow();
    assertThat(found.value()).isEqualTo(substitute);
    ModelLocation.Body where = (ModelLocation.Body) found.location();
    assertThat(where.start()).isEqualTo(at.start());
    assertThat(where.end()).isEqualTo(out.length - tail);
  }
}
