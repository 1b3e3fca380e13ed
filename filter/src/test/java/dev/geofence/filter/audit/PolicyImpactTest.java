package dev.geofence.filter.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.policy.Policy;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyImpactTest {

  @TempDir Path dir;

  private static final String OLD =
      """
      policy: p
      version: 1
      tiers:
        top: [opus*]
        low: [haiku*]
      substitutes:
        top: haiku-4
      rules:
        - name: blocked
          where: [IR]
          action: block
        - name: capped
          where: [BR, UA-43]
          allow: low
          over-limit: substitute
        - name: rest
          where: "*"
          allow: top
      anonymous:
        action: block
      """;

  /** BR moves from capped to blocked; Crimea too; anonymous callers are allowed. */
  private static final String NEW =
      OLD.replace("version: 1", "version: 2")
          .replace("where: [IR]", "where: [IR, BR, UA-43]")
          .replace("anonymous:\n  action: block", "anonymous:\n  allow: low");

  private static final Instant T = Instant.parse("2026-12-01T10:00:00Z");

  private Path trail(List<AuditRecord> records) throws Exception {
    StringBuilder text = new StringBuilder();
    for (AuditRecord r : records) {
      text.append(r.toJson(IpPrivacy.full())).append('\n');
    }
    // Lines a trail also holds that are not decisions: cut short, or refused before any rule.
    text.append("{\"@timestamp\":\"2026-12-01T10:00:00Z\",\"event\":{\"action\":\"block\"}}\n");
    text.append("not json\n");
    return Files.writeString(dir.resolve("trail.jsonl"), text, StandardCharsets.UTF_8);
  }

  private static AuditRecord.Builder request(
      String ip, String country, String model, AuditAction action, String rule, int seconds)
      throws Exception {
    return AuditRecord.builder()
        .timestamp(T.plusSeconds(seconds))
        .action(action)
        .ruleName(rule)
        .sourceIp(InetAddress.getByName(ip))
        .country(country)
        .requestedModel(model);
  }

  @Test
  void replay_listsOnlyTheChanges_withRequestsCallersAndWhenSeen() throws Exception {
    List<AuditRecord> records = new ArrayList<>();
    records.add(
        request("1.1.1.1", "BR", "opus-4", AuditAction.SUBSTITUTE, "capped", 0)
            .effectiveModel("haiku-4")
            .build());
    records.add(
        request("1.1.1.2", "BR", "opus-4", AuditAction.SUBSTITUTE, "capped", 5)
            .effectiveModel("haiku-4")
            .build());
    records.add(
        request("1.1.1.2", "BR", "opus-4", AuditAction.SUBSTITUTE, "capped", 9)
            .effectiveModel("haiku-4")
            .build());
    records.add(request("2.2.2.2", "US", "opus-4", AuditAction.ALLOW, "rest", 1).build());
    records.add(
        request("3.3.3.3", "UA", "haiku-4", AuditAction.ALLOW, "capped", 2)
            .regionIsoCode("UA-43")
            .build());
    records.add(
        request("4.4.4.4", "US", "haiku-4", AuditAction.BLOCK, "anonymous", 3)
            .anonymizerFlags(Set.of("vpn"))
            .build());

    PolicyImpact impact =
        PolicyImpact.replay(
            Policy.parse(OLD, "old.yaml"),
            Policy.parse(NEW, "new.yaml"),
            List.of(trail(records)),
            Optional.empty());

    assertThat(impact.requests()).isEqualTo(6);
    assertThat(impact.rows())
        .containsExactly(
            new PolicyImpact.Row(
                "BR", "", "top", "substitute(haiku-4)", "block", 3, 2, T, T.plusSeconds(9)),
            new PolicyImpact.Row(
                "UA", "UA-43", "low", "allow", "block", 1, 1, T.plusSeconds(2), T.plusSeconds(2)),
            new PolicyImpact.Row(
                "US", "", "low", "block", "allow", 1, 1, T.plusSeconds(3), T.plusSeconds(3)));
  }

  @Test
  void replay_decidesARuleOnTheRepresentedCountryFromTheRecordedOne() throws Exception {
    // A base in Germany that represents the United States; the new policy blocks callers who
    // represent the US, wherever they are.
    String byRepresented =
        OLD.replace("policy: p\n", "policy: p\ncountry-source: [location, represented]\n");
    Path trail =
        trail(
            List.of(
                request("5.5.5.5", "DE", "opus-4", AuditAction.ALLOW, "rest", 0)
                    .representedCountry("US")
                    .build(),
                request("6.6.6.6", "DE", "opus-4", AuditAction.ALLOW, "rest", 1).build()));

    PolicyImpact impact =
        PolicyImpact.replay(
            Policy.parse(byRepresented, "old.yaml"),
            Policy.parse(
                byRepresented
                    .replace("version: 1", "version: 2")
                    .replace("where: [IR]", "where: [IR, US]"),
                "new.yaml"),
            List.of(trail),
            Optional.empty());

    assertThat(impact.requests()).isEqualTo(2);
    assertThat(impact.rows())
        .containsExactly(new PolicyImpact.Row("DE", "", "top", "allow", "block", 1, 1, T, T));
  }

  @Test
  void replay_atADate_decidesEveryRequestOnThatDate() throws Exception {
    String dated =
        OLD.replace("where: [IR]\n", "where: [IR, US]\n    effective-from: 2027-01-15\n");
    Path trail =
        trail(List.of(request("2.2.2.2", "US", "opus-4", AuditAction.ALLOW, "rest", 0).build()));
    Policy old = Policy.parse(OLD, "old.yaml");
    Policy next = Policy.parse(dated, "new.yaml");

    assertThat(PolicyImpact.replay(old, next, List.of(trail), Optional.empty()).rows()).isEmpty();
    assertThat(
            PolicyImpact.replay(
                    old, next, List.of(trail), Optional.of(Instant.parse("2027-01-15T00:00:00Z")))
                .rows())
        .extracting(PolicyImpact.Row::country, PolicyImpact.Row::from, PolicyImpact.Row::to)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("US", "allow", "block"));
  }
}
