package dev.geofence.policy.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The report in a real browser: headless Chromium renders it to PNG, and the colour inside
 * countries of the first (frontier) map is checked against the legend. Skipped where Chromium is
 * not installed; {@code .ci/run} installs it.
 */
class PolicyMapBrowserTest {

  private static final Instant AT = Instant.parse("2026-12-15T00:00:00Z");
  private static final int WIDTH = 1600;
  private static final int HEIGHT = 1400;
  private static final int SEA = 0xe6eef5;

  @TempDir static Path dir;

  private static BufferedImage screenshot;
  private static Policy policy;
  private static Map<String, String> legend;

  private static Optional<Path> chromium() {
    for (String dirName : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : new String[] {"chromium", "chromium-browser"}) {
        Path candidate = Path.of(dirName, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  /** Renders the example policy and takes one screenshot, shared by the checks below. */
  private static synchronized BufferedImage screenshot() throws Exception {
    if (screenshot != null) {
      return screenshot;
    }
    Optional<Path> chromium = chromium();
    assumeTrue(
        chromium.isPresent(),
        "Chromium is not installed (apt-get install chromium); the browser check is skipped.");
    policy = Policy.load(ReportHtml.repoRoot().resolve("examples/policy.yaml"));
    String html = PolicyMap.builder().policy(policy).at(AT).build().html();
    legend = new ReportHtml(html).legend("frontier");
    Path report = Files.writeString(dir.resolve("report.html"), html);
    Path png = dir.resolve("report.png");
    Path log = dir.resolve("chromium.log");
    Process process =
        new ProcessBuilder(
                chromium.get().toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("profile"),
                "--screenshot=" + png,
                "--window-size=" + WIDTH + "," + HEIGHT,
                report.toUri().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("Chromium did not finish within 120 s: " + Files.readString(log));
    }
    assertThat(png).as("screenshot; chromium said: %s", Files.readString(log)).exists();
    screenshot = ImageIO.read(png.toFile());
    return screenshot;
  }

  /** Where the first map's globe lies in the screenshot, found by its sea colour. */
  private record Frame(int left, int top, double scale) {
    int x(EqualEarth projection, double lon, double lat) {
      return (int) Math.round(left + projection.x(lon, lat) * scale);
    }

    int y(EqualEarth projection, double lat) {
      return (int) Math.round(top + projection.y(lat) * scale);
    }
  }

  private static Frame frame(BufferedImage image) {
    int top = -1;
    int left = Integer.MAX_VALUE;
    int right = -1;
    for (int y = 0; y < image.getHeight(); y++) {
      boolean sea = false;
      for (int x = 0; x < image.getWidth(); x++) {
        if ((image.getRGB(x, y) & 0xffffff) == SEA) {
          sea = true;
          left = Math.min(left, x);
          right = Math.max(right, x);
        }
      }
      if (sea && top < 0) {
        top = y;
      } else if (!sea && top >= 0) {
        break; // below the first map
      }
    }
    assertThat(top).as("the first map's sea in the screenshot").isNotNegative();
    // The sea spans the globe's full width at the equator and its top at the North Pole's line.
    double scale = (right - left + 1) / World.WIDTH;
    return new Frame(left, top, scale);
  }

  @ParameterizedTest(name = "{0} at {1},{2}")
  @CsvSource({
    "US, -98, 39",
    "CA, -105, 56",
    "BR, -52, -10",
    "RU, 90, 62",
    "CN, 103, 35",
    "AU, 134, -25",
    "IN, 79, 22",
    "DZ, 3, 28",
    "FR, 2.5, 46.8",
    "AE, 54.5, 23.8"
  })
  void aCountryIsPaintedInItsLegendColour(String code, double lon, double lat) throws Exception {
    BufferedImage image = screenshot();
    Frame frame = frame(image);
    EqualEarth projection = World.get().projection();
    int px = frame.x(projection, lon, lat);
    int py = frame.y(projection, lat);
    Decision d = policy.evaluate(Origin.country(code), "claude-opus-4-1", AT);
    String key =
        switch (d.action()) {
          case ALLOW -> "allow";
          case BLOCK -> "block";
          case SUBSTITUTE -> "substitute-" + d.effectiveModel().orElseThrow();
        };
    if (!policy.namedCodes().contains(code) || d.ruleName().equals("rest-of-world")) {
      key += "-fallback";
    }
    assertThat(legend).containsKey(key);
    int expected = Integer.parseInt(legend.get(key).substring(1), 16);

    // Count, in a small square around the point, the pixels close to each legend colour: the
    // expected one must be the most common (hatching leaves white stripes over blocked areas).
    List<Integer> colours = new ArrayList<>();
    legend.values().forEach(c -> colours.add(Integer.parseInt(c.substring(1), 16)));
    int[] counts = new int[colours.size()];
    int total = 0;
    for (int y = py - 4; y <= py + 4; y++) {
      for (int x = px - 4; x <= px + 4; x++) {
        int rgb = image.getRGB(x, y) & 0xffffff;
        total++;
        for (int i = 0; i < colours.size(); i++) {
          if (close(rgb, colours.get(i))) {
            counts[i]++;
          }
        }
      }
    }
    int index = colours.indexOf(expected);
    assertThat(counts[index])
        .as(
            "pixels of %s (%s) around %d,%d for %s; counts per legend colour %s",
            key, legend.get(key), px, py, code, java.util.Arrays.toString(counts))
        .isGreaterThanOrEqualTo(total * 35 / 100);
    for (int i = 0; i < counts.length; i++) {
      if (i != index) {
        assertThat(counts[i]).as("another legend colour at %s", code).isLessThan(counts[index]);
      }
    }
  }

  private static boolean close(int a, int b) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)) > 10) {
        return false;
      }
    }
    return true;
  }

  @Test
  void theFirstMapFillsMostOfItsColumn() throws Exception {
    Frame frame = frame(screenshot());

    // Two columns at this width: the maps take the wider one.
    assertThat(World.WIDTH * frame.scale()).isBetween(WIDTH * 0.45, WIDTH * 0.7);
  }
}
