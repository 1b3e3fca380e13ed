package dev.geofence.apicheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiCheckTest {

  private static final String V1 =
      """
      package lib.api;

      public final class Client {
        public static final int LIMIT = 1;

        public String get(String key) {
          return key;
        }

        public void close() {}
      }
      """;

  @TempDir Path dir;

  private Path listing() {
    return dir.resolve("lib/api/geofence-lib.api");
  }

  private Path output() {
    return dir.resolve("lib/target/api/geofence-lib.api");
  }

  /** Compiles a module {@code lib} whose one exported class has {@code source}. */
  private Path compile(String version, String source) throws IOException {
    return Fixture.compile(
        dir.resolve(version),
        Map.of(
            "module-info.java", "module lib { exports lib.api; }", "lib/api/Client.java", source));
  }

  private String check(Path classes, boolean update) throws Exception {
    ApiCheck check =
        ApiCheck.fromArguments(
            new String[] {
              "--name=geofence-lib",
              "--classes=" + classes,
              "--listing=" + listing(),
              "--output=" + output(),
              "--update=" + update,
              "--root=" + dir
            });
    try (URLClassLoader loader = Fixture.loader(classes)) {
      return check.run(loader);
    }
  }

  /** Accepts {@code V1} as the committed API, then checks {@code changed} against it. */
  private String checkChange(String changed) throws Exception {
    check(compile("v1", V1), true);
    return check(compile("v2", changed), false);
  }

  @Test
  void passesSilentlyWhenTheApiMatchesTheListing() throws Exception {
    Path classes = compile("v1", V1);
    check(classes, true);

    assertThat(check(classes, false)).isEmpty();
    assertThat(output()).hasContent(Files.readString(listing()));
  }

  @Test
  void failsOnAnAddedPublicMethod() {
    String changed =
        V1.replace("public void close() {}", "public void close() {}\n public void flush() {}");

    assertThatThrownBy(() -> checkChange(changed))
        .isInstanceOf(ApiChangedException.class)
        .hasMessageStartingWith(
            "geofence-lib: the public API differs from lib/api/geofence-lib.api"
                + " (1 line added, 0 removed):\n")
        .hasMessageContaining("@@ public final class lib.api.Client\n+  public void flush()\n")
        .hasMessageContaining("accept it with: mvn verify -Dgeofence.api.update")
        .hasMessageContaining("That rewrites lib/api/geofence-lib.api; commit it with the change.")
        .hasMessageContaining("The listing just built is lib/target/api/geofence-lib.api");
  }

  @Test
  void failsOnARemovedPublicMethod() {
    String changed = V1.replace("public void close() {}", "");

    assertThatThrownBy(() -> checkChange(changed))
        .isInstanceOf(ApiChangedException.class)
        .hasMessageContaining("(0 lines added, 1 removed)")
        .hasMessageContaining("-  public void close()\n");
  }

  @Test
  void failsOnAChangedSignature() {
    String changed =
        V1.replace("public String get(String key)", "public String get(CharSequence key)")
            .replace("return key;", "return key.toString();");

    assertThatThrownBy(() -> checkChange(changed))
        .isInstanceOf(ApiChangedException.class)
        .hasMessageContaining(
            "-  public java.lang.String get(java.lang.String)\n"
                + "+  public java.lang.String get(java.lang.CharSequence)\n");
  }

  @Test
  void failsOnAChangedConstant() {
    String changed = V1.replace("LIMIT = 1", "LIMIT = 2");

    assertThatThrownBy(() -> checkChange(changed))
        .isInstanceOf(ApiChangedException.class)
        .hasMessageContaining(
            "-  public static final int LIMIT = 1\n+  public static final int LIMIT = 2\n");
  }

  @Test
  void failsOnAMethodMadePackagePrivate() {
    String changed = V1.replace("public void close()", "void close()");

    assertThatThrownBy(() -> checkChange(changed))
        .isInstanceOf(ApiChangedException.class)
        .hasMessageContaining("-  public void close()\n");
  }

  @Test
  void ignoresAChangeOutsideTheApi() throws Exception {
    String changed =
        V1.replace("public void close() {}", "public void close() {}\n void reset() {}");

    assertThat(checkChange(changed)).isEmpty();
  }

  @Test
  void showsABoundedExcerptOfALargeChange() {
    String many =
        IntStream.range(0, 100)
            .mapToObj(i -> "public void m" + i + "() {}")
            .collect(Collectors.joining("\n"));
    String changed = V1.replace("public void close() {}", "public void close() {}\n" + many);

    assertThatThrownBy(() -> checkChange(changed))
        .isInstanceOf(ApiChangedException.class)
        .hasMessageContaining("(100 lines added, 0 removed)")
        .hasMessageContaining("... and 60 more changed lines\n")
        .satisfies(
            e ->
                assertThat(e.getMessage().lines().filter(l -> l.startsWith("+")))
                    .hasSize(ApiCheck.MAX_SHOWN));
  }

  @Test
  void theUpdateFlagRewritesTheListing() throws Exception {
    check(compile("v1", V1), true);
    Path changed = compile("v2", V1.replace("LIMIT = 1", "LIMIT = 2"));

    String said = check(changed, true);

    assertThat(said)
        .isEqualTo(
            "geofence-lib: the API changed (1 line added, 1 removed);"
                + " wrote lib/api/geofence-lib.api. Commit it with the change.");
    assertThat(listing()).content().contains("LIMIT = 2").doesNotContain("LIMIT = 1");
    assertThat(check(changed, false)).isEmpty();
  }

  @Test
  void theUpdateFlagCreatesAMissingListing() throws Exception {
    String said = check(compile("v1", V1), true);

    assertThat(said)
        .isEqualTo("geofence-lib: wrote the API listing lib/api/geofence-lib.api. Commit it.");
    assertThat(listing()).content().contains("public final class lib.api.Client");
  }

  @Test
  void aMissingListingFailsWithTheCommandThatCreatesIt() {
    assertThatThrownBy(() -> check(compile("v1", V1), false))
        .isInstanceOf(ApiChangedException.class)
        .hasMessage(
            "geofence-lib: there is no API listing at lib/api/geofence-lib.api."
                + " Create it with: mvn verify -Dgeofence.api.update"
                + " (the listing just built is lib/target/api/geofence-lib.api), then commit it.");
  }

  @Test
  void readsACommittedListingWithWindowsLineEnds() throws Exception {
    Path classes = compile("v1", V1);
    check(classes, true);
    Files.writeString(listing(), Files.readString(listing()).replace("\n", "\r\n"));

    assertThat(check(classes, false)).isEmpty();
  }

  @Test
  void takesTheUpdateFlagAsMavenGivesIt() {
    String[] base = {"--name=n", "--classes=c", "--listing=l", "--output=o"};

    assertThat(update(base, "--update=false")).isFalse();
    assertThat(update(base, "--update=true")).isTrue();
    // -Dgeofence.api.update= on the command line
    assertThat(update(base, "--update=")).isTrue();
    assertThatThrownBy(() -> update(base, "--update=yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--update is 'yes'; expected true or false");
  }

  @Test
  void rejectsUnknownAndMissingOptions() {
    assertThatThrownBy(() -> ApiCheck.fromArguments(new String[] {"--name=n", "--colour=red"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown option --colour");
    assertThatThrownBy(() -> ApiCheck.fromArguments(new String[] {"--name=n", "--classes=c"}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("option --listing is missing");
  }

  private static boolean update(String[] base, String flag) {
    String[] args = java.util.Arrays.copyOf(base, base.length + 1);
    args[base.length] = flag;
    return ApiCheck.fromArguments(args).updates();
  }
}
