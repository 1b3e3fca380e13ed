package dev.geofence.policy.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Origin;
import dev.geofence.policy.Policy;
import dev.geofence.policy.PolicyDiff;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PolicyMapTest {

  private static final Instant AT = Instant.parse("2026-12-15T00:00:00Z");

  /** A model of each tier of the example, so that expectations come from Policy.evaluate. */
  private static final Map<String, String> MODEL_OF_TIER =
      Map.of(
          "frontier", "claude-opus-4-1",
          "advanced", "claude-sonnet-4-5",
          "standard", "claude-haiku-4");

  private static Path example() {
    return ReportHtml.repoRoot().resolve("examples/policy.yaml");
  }

  private static Policy load(Path file) throws Exception {
    return Policy.load(file);
  }

  /** The example policy with its text edited. */
  private static Policy exampleChanged(java.util.function.UnaryOperator<String> edit)
      throws Exception {
    return Policy.parse(edit.apply(Files.readString(example())), "new.yaml");
  }

  private static String render(Policy policy, Instant at) {
    return PolicyMap.builder().policy(policy).at(at).build().html();
  }

  /** The countries in the example's regions, read from its YAML and expanded by hand. */
  private static Set<String> countriesInRegions(Path file) throws Exception {
    JsonNode regions = new ObjectMapper(new YAMLFactory()).readTree(file.toFile()).get("regions");
    Set<String> countries = new TreeSet<>();
    Deque<String> todo = new ArrayDeque<>();
    regions.fieldNames().forEachRemaining(todo::add);
    Set<String> seen = new TreeSet<>();
    while (!todo.isEmpty()) {
      String region = todo.pop();
      if (!seen.add(region)) {
        continue;
      }
      for (JsonNode member : regions.get(region)) {
        String code = member.asText();
        if (regions.has(code)) {
          todo.push(code);
        } else if (code.length() == 2) {
          countries.add(code);
        }
      }
    }
    return countries;
  }

  @Test
  void everyCountryInTheExamplesRegions_hasAShapeWithItsOutcome_onEveryTierMap() throws Exception {
    Policy policy = load(example());
    ReportHtml html = new ReportHtml(render(policy, AT));
    Set<String> countries = countriesInRegions(example());
    assertThat(countries).contains("CN", "MO", "MT", "LU", "US", "FR", "KP").hasSizeGreaterThan(40);

    for (String tier : policy.tierNames()) {
      String model = MODEL_OF_TIER.get(tier);
      assertThat(policy.tierOf(model)).isEqualTo(tier);
      Map<String, Map<String, String>> shapes = html.shapes(tier);
      for (String code : countries) {
        Decision expected = policy.evaluate(Origin.country(code), model, AT);
        assertThat(shapes).as("%s on the %s map", code, tier).containsKey(code);
        assertThat(shapes.get(code).get("data-outcome"))
            .as("%s on the %s map", code, tier)
            .isEqualTo(expected.action().label());
        assertThat(shapes.get(code).get("data-rule")).isEqualTo(expected.ruleName());
      }
    }
  }

  @Test
  void everyDrawnCountry_hasTheOutcomeOfPolicyEvaluate() throws Exception {
    Policy policy = load(example());
    ReportHtml html = new ReportHtml(render(policy, AT));

    Map<String, Map<String, String>> frontier = html.shapes("frontier");
    assertThat(frontier).hasSizeGreaterThan(220);
    frontier.forEach(
        (code, shape) ->
            assertThat(shape.get("data-outcome"))
                .as(code)
                .isEqualTo(
                    policy
                        .evaluate(Origin.country(code), MODEL_OF_TIER.get("frontier"), AT)
                        .action()
                        .label()));
  }

  @Test
  void eachShapeHasATitleNamingTheCountryTheRuleTheOutcomeAndTheBasis() throws Exception {
    String html = render(load(example()), AT);

    assertThat(html)
        .contains(
            "<title>Cuba (CU), frontier: blocked (rule sanctioned; basis: Comprehensive sanctions"
                + " programmes).</title>")
        .contains(
            "<title>Brazil (BR), frontier: substituted by claude-sonnet-4 (rule"
                + " rest-of-world, the catch-all &quot;*&quot;).</title>")
        .contains(
            "<title>Ukraine (UA), frontier: substituted by claude-sonnet-4 (rule"
                + " rest-of-world, the catch-all &quot;*&quot;). Subdivisions with their own rule: UA-09,"
                + " UA-14, UA-43 (see the table).</title>");
  }

  @Test
  void theLegendHasEachOutcomeOnTheMap_withItsColour() throws Exception {
    ReportHtml html = new ReportHtml(render(load(example()), AT));

    assertThat(html.legend("frontier"))
        .containsEntry("allow", Palette.ALLOW)
        .containsEntry("substitute-claude-sonnet-4-fallback", Palette.tint(Palette.substitute(0)))
        .containsEntry("block", Palette.BLOCK)
        .containsEntry("no-code", Palette.NO_CODE);
    assertThat(html.legend("advanced")).containsKey("allow-fallback");
  }

  @Test
  void besideTheMaps_subdivisionsCallersWithoutACountryAndTheTimeline() throws Exception {
    String html = render(load(example()), AT);

    assertThat(html)
        .contains("<tr data-code=\"UA-43\"><td><span class=\"mono\">UA-43</span> Ukraine</td>")
        .contains("<tr data-code=\"unknown\">")
        .contains("<tr data-code=\"anonymous\">")
        .contains("is refused before any rule (rule <code>unresolvable</code>)")
        .contains("<b>from 2027-01-15</b>")
        .contains(
            "AE frontier substitute(claude-sonnet-4) &#x2192; substitute(claude-haiku-4) (rule"
                + " rest-of-world &#x2192; gulf-cap-2027)")
        .contains("<b>from 2028-01-01</b>")
        .contains("&#x25c6; the maps show 2026-12-15T00:00:00Z")
        .contains(load(example()).sha256());
  }

  @Test
  void theHeaderNamesThePolicyItsVersionDigestAndTheInstant() throws Exception {
    Policy policy = load(example());
    String html = render(policy, AT);

    assertThat(html)
        .contains("<dt>Policy</dt><dd>ai-export-controls</dd>")
        .contains("<dt>Version</dt><dd>2026-11-28.1</dd>")
        .contains("<dt>SHA-256</dt><dd><code>" + policy.sha256() + "</code></dd>")
        .contains("<dt>Evaluated at</dt><dd>2026-12-15T00:00:00Z (UTC)</dd>");
  }

  @Test
  void aDatedRule_colorsItsCountriesOnlyWhileInForce() throws Exception {
    Policy policy = load(example());

    Map<String, String> before = new ReportHtml(render(policy, AT)).shapes("advanced").get("AE");
    Map<String, String> during =
        new ReportHtml(render(policy, Instant.parse("2027-06-01T00:00:00Z")))
            .shapes("advanced")
            .get("AE");

    assertThat(before).containsEntry("data-outcome", "allow").containsEntry("class", "af");
    assertThat(during)
        .containsEntry("data-outcome", "substitute")
        .containsEntry("data-rule", "gulf-cap-2027")
        .containsEntry("class", "s1"); // claude-haiku-4, the second substitute to appear
  }

  @Test
  void theReportRefersToNothingOutsideItself() throws Exception {
    Path dir = Files.createTempDirectory("policy-map");
    Path old = Files.writeString(dir.resolve("old.yaml"), Files.readString(example()));
    String html =
        PolicyMap.builder().policy(load(example())).compareWith(load(old)).at(AT).build().html();

    assertSelfContained(html);
  }

  /** No URL, no script, no stylesheet or font to fetch; only references to its own ids. */
  static void assertSelfContained(String html) {
    String lower = html.toLowerCase(java.util.Locale.ROOT);
    assertThat(lower)
        .doesNotContain("http:")
        .doesNotContain("https:")
        .doesNotContain("//")
        .doesNotContain("<script")
        .doesNotContain("<link")
        .doesNotContain("@import")
        .doesNotContain("@font-face")
        .doesNotContain("<img")
        .doesNotContain("<iframe")
        .doesNotContain("<object")
        .doesNotContain(" src=")
        .doesNotContain("srcset")
        .doesNotContain("xlink:href");
    assertThat(List.of(lower.split("url\\(", -1)).subList(1, lower.split("url\\(", -1).length))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s).startsWith("#"));
    assertThat(List.of(lower.split(" href=\"", -1)).subList(1, lower.split(" href=\"", -1).length))
        .isNotEmpty()
        .allSatisfy(s -> assertThat(s).startsWith("#"));
    // Every id is unique, and every internal reference resolves.
    List<String> idList =
        java.util.regex.Pattern.compile(" id=\"([^\"]+)\"")
            .matcher(html)
            .results()
            .map(m -> m.group(1))
            .toList();
    Set<String> ids = new TreeSet<>(idList);
    assertThat(idList).hasSameSizeAs(ids);
    java.util.regex.Pattern.compile("(?:href=\"#|url\\(#)([^\")]+)")
        .matcher(html)
        .results()
        .forEach(m -> assertThat(ids).as("reference #" + m.group(1)).contains(m.group(1)));
  }

  @Test
  void theReportIsAscii_otherCharactersAsReferences() throws Exception {
    String html = render(load(example()), AT);

    assertThat(html.chars()).allMatch(c -> c < 0x80);
    // Names keep their letters: Côte d'Ivoire, Réunion.
    assertThat(html).contains("C&#xf4;te d&#x2019;Ivoire (CI)").contains("R&#xe9;union (RE)");
  }

  @Test
  void theExampleReport_isUnderTwoMegabytes() throws Exception {
    Path dir = Files.createTempDirectory("policy-map");
    Path old = Files.writeString(dir.resolve("old.yaml"), Files.readString(example()));
    StringWriter out = new StringWriter();
    PolicyMap.builder().policy(load(example())).compareWith(load(old)).build().writeHtml(out);

    assertThat(out.toString().getBytes(StandardCharsets.UTF_8).length).isLessThan(2_000_000);
  }

  @Test
  void aComparison_marksExactlyTheCountriesPolicyDiffLists() throws Exception {
    Policy before = load(example());
    Policy after =
        exampleChanged(
            text ->
                text.replace("version: 2026-11-28.1", "version: 2026-12-10.1")
                    .replace(
                        "arms-embargoed: [CN, MO, RU, BY, VE]",
                        "arms-embargoed: [CN, MO, RU, BY, VE, BR]")
                    .replace("effective-from: 2027-01-15", "effective-from: 2026-12-01"));
    PolicyDiff diff = PolicyDiff.between(before, after, AT);

    ReportHtml html =
        new ReportHtml(PolicyMap.builder().policy(after).compareWith(before).at(AT).build().html());

    assertThat(changed(html.changeShapes())).containsExactly("AE", "BR", "SA");
    assertThat(changed(html.changeShapes()))
        .isEqualTo(
            diff.changes().stream().map(PolicyDiff.Change::code).collect(Collectors.toSet()));
    for (String tier : after.tierNames()) {
      assertThat(changed(html.shapes(tier)))
          .as(tier)
          .isEqualTo(
              diff.changes().stream()
                  .filter(c -> c.tier().equals(tier))
                  .map(PolicyDiff.Change::code)
                  .collect(Collectors.toCollection(TreeSet::new)));
    }
    assertThat(html.changeShapes().get("BR")).containsEntry("data-change", "tighter");
    assertThat(html.html)
        .contains(
            "<td>substitute(claude-sonnet-4)</td>".replace("<td>", "<td class=\"o-substitute\">"))
        .contains("What changes from version 2026-11-28.1 to version 2026-12-10.1");
  }

  @Test
  void aComparisonChangingTheCatchAll_marksEveryCountryNeitherPolicyNames() throws Exception {
    Policy before = load(example());
    Policy after =
        exampleChanged(
            text ->
                text.replace(
                    "    where: \"*\"\n    allow: advanced",
                    "    where: \"*\"\n    allow: standard"));

    ReportHtml html =
        new ReportHtml(PolicyMap.builder().policy(after).compareWith(before).at(AT).build().html());

    Map<String, Map<String, String>> shapes = html.changeShapes();
    Set<String> named = new TreeSet<>(before.namedCodes());
    named.addAll(after.namedCodes());
    // Every country neither policy names (the diff's "*" row), and the named ones the diff lists:
    // AE and SA, decided by the catch-all until their dated rule comes into force.
    PolicyDiff diff = PolicyDiff.between(before, after, AT);
    Set<String> expected =
        shapes.keySet().stream().filter(c -> !named.contains(c)).collect(Collectors.toSet());
    diff.changes().stream()
        .map(PolicyDiff.Change::code)
        .filter(c -> c.length() == 2)
        .forEach(expected::add);
    assertThat(diff.changes()).anyMatch(c -> c.code().equals(PolicyDiff.OTHER_COUNTRIES));
    assertThat(expected).contains("BR", "IN", "MX", "AE", "SA").doesNotContain("US", "CN");
    assertThat(changed(shapes)).isEqualTo(expected);
    assertThat(shapes.get("BR")).containsEntry("data-change", "tighter");
  }

  private static Set<String> changed(Map<String, Map<String, String>> shapes) {
    return shapes.entrySet().stream()
        .filter(e -> "true".equals(e.getValue().get("data-changed")))
        .map(Map.Entry::getKey)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void aRequestNamingNoModel_getsNoMapOfItsOwn_whenItMatchesTheLowestTier() throws Exception {
    String html = render(load(example()), AT);

    assertThat(html)
        .doesNotContain("data-tier=\"(no model)\"")
        .contains("has the outcome of a <b>standard</b> request everywhere");
  }

  @Test
  void tierNamesLikeOtherNames_getMapsAndIdsOfTheirOwn() throws Exception {
    Policy before =
        Policy.parse(
            """
            policy: odd-tiers
            version: "1"
            tiers:
              changes: [big*]
              x.y: [mid*]
              x_y: [small*]
            rules:
              - name: all
                where: "*"
                allow: x.y
                over-limit: block
            """,
            "odd.yaml");

    String html = PolicyMap.builder().policy(before).compareWith(before).at(AT).build().html();

    assertSelfContained(html);
    ReportHtml report = new ReportHtml(html);
    assertThat(report.shapes("changes").get("FR")).containsEntry("data-outcome", "block");
    assertThat(report.shapes("x.y").get("FR")).containsEntry("data-outcome", "allow");
    assertThat(html).contains("id=\"map-x.y\"").contains("id=\"map-x_y\"");
    assertThat(report.changeShapes().get("FR")).doesNotContainKey("data-changed");
  }

  @Test
  void textFromThePolicy_isEscaped() throws Exception {
    Policy policy =
        Policy.parse(
            """
            policy: "<b>id</b>"
            version: "1 & 'two'"
            tiers:
              big: ["big*"]
              small: ["small*"]
            substitutes:
              big: "small&'i"
            rules:
              - name: all
                where: "*"
                allow: small
                over-limit: substitute
                basis: "</title><script>alert(1)</script> \\"quoted\\""
            """,
            "odd.yaml");

    String html = render(policy, AT);

    assertSelfContained(html);
    assertThat(html)
        .doesNotContain("<b>id")
        .doesNotContain("small&'i")
        .contains("substituted by small&amp;&#39;i")
        .contains("&lt;b&gt;id&lt;/b&gt;")
        .contains("1 &amp; &#39;two&#39;")
        .contains("basis: &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;");
  }

  @Test
  void theSameMap_writesTheSameDocumentEveryTime() throws Exception {
    PolicyMap map = PolicyMap.builder().policy(load(example())).at(AT).build();

    assertThat(map.html()).isEqualTo(map.html());
  }

  @Test
  void builder_refusesAMissingPolicy_andRepeatedOptions() throws Exception {
    Policy policy = load(example());

    assertThatThrownBy(() -> PolicyMap.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("No policy to show; call policy(Policy) first.");
    assertThatThrownBy(() -> PolicyMap.builder().policy(policy).policy(policy))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("The policy was already set to Policy[ai-export-controls");
    assertThatThrownBy(() -> PolicyMap.builder().at(AT).at(AT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("The instant was already set to 2026-12-15T00:00:00Z.");
    assertThatThrownBy(() -> PolicyMap.builder().compareWith(policy).compareWith(policy))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("The policy to compare with was already set to Policy[");
    assertThatThrownBy(() -> PolicyMap.builder().policy(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("policy");
  }

  @Test
  void builder_defaultsTheInstantToNow() throws Exception {
    Instant before = Instant.now();
    PolicyMap map = PolicyMap.builder().policy(load(example())).build();

    assertThat(map.at()).isBetween(before, Instant.now());
    assertThat(map.comparedWith()).isEmpty();
  }

  @Test
  void aPolicyWithoutACatchAll_showsUnnamedCountriesAsBlockedByNoRule() throws Exception {
    Policy policy =
        Policy.parse(
            """
            policy: allies-only
            version: "1"
            tiers:
              frontier: ["*"]
            rules:
              - name: allies
                where: [US, GB]
                action: allow
            """,
            "allies-only.yaml");

    ReportHtml html = new ReportHtml(render(policy, AT));

    assertThat(html.shapes("frontier").get("FR"))
        .containsEntry("data-outcome", "block")
        .containsEntry("data-rule", "no-rule")
        .containsEntry("class", "bf");
    assertThat(html.shapes("frontier").get("US")).containsEntry("class", "a");
    assertThat(html.legend("frontier")).containsKey("block-fallback");
    assertThat(html.html)
        .contains("blocked, no rule matches")
        .contains("No rule has effective dates");
  }

  @Test
  void listsTheTinyStatesThePolicyNames_andDrawsACircleForThoseInTheData() throws Exception {
    String html = render(load(example()), AT);

    assertThat(html).contains("<span class=\"mono\">MT</span> Malta (circled)");
    assertThat(new ReportHtml(html).map("frontier"))
        .containsPattern("data-iso=\"MT\"[^>]*><title>[^<]*</title><use href=\"#g-MT\"/><circle ");
  }

  @Test
  void neutralShapes_carryNoCode() {
    World world = World.get();
    List<String> neutral =
        world.shapes().stream().filter(s -> s.iso().isEmpty()).map(World.Shape::name).toList();

    assertThat(neutral).contains("N. Cyprus", "Somaliland", "Siachen Glacier");
  }
}
