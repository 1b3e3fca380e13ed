package dev.geofence.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListingDiffTest {

  private static final List<String> BEFORE =
      List.of(
          "module m",
          "",
          "public record m.A",
          "  public boolean equals(java.lang.Object)",
          "  public int size()",
          "",
          "public record m.B",
          "  public boolean equals(java.lang.Object)",
          "  public int size()",
          "");

  @Test
  void isEmptyForTheSameLines() {
    ListingDiff diff = ListingDiff.between(BEFORE, BEFORE);

    assertThat(diff.isEmpty()).isTrue();
    assertThat(diff.excerpt(10)).isEmpty();
  }

  @Test
  void matchesALineThatRepeatsUnderManyTypesInItsPlace() {
    List<String> after =
        List.of(
            "module m",
            "",
            "public record m.A",
            "  public boolean equals(java.lang.Object)",
            "  public int size()",
            "",
            "public record m.B",
            "  public boolean equals(java.lang.Object)",
            "  public long size()",
            "");

    ListingDiff diff = ListingDiff.between(BEFORE, after);

    assertThat(diff.excerpt(10))
        .isEqualTo(
            "@@ -9 +9 @@ public record m.B\n"
                + "-  public int size()\n"
                + "+  public long size()\n");
    assertThat(diff.summary()).isEqualTo("1 line added, 1 removed");
  }

  @Test
  void namesTheTypeAboveAnInsertionAndCountsAnEmptyRangeFromTheLineBefore() {
    List<String> after =
        List.of(
            "module m",
            "",
            "public record m.A",
            "  public boolean equals(java.lang.Object)",
            "  public int size()",
            "  public int weight()",
            "",
            "public record m.B",
            "  public boolean equals(java.lang.Object)",
            "");

    ListingDiff diff = ListingDiff.between(BEFORE, after);

    assertThat(diff.excerpt(10))
        .isEqualTo(
            "@@ -5,0 +6 @@ public record m.A\n"
                + "+  public int weight()\n"
                + "@@ -9 +9,0 @@ public record m.B\n"
                + "-  public int size()\n");
    assertThat(diff.summary()).isEqualTo("1 line added, 1 removed");
  }

  @Test
  void showsAWholeNewTypeUnderTheTypeBeforeIt() {
    List<String> after = new java.util.ArrayList<>(BEFORE.subList(0, 6));
    after.addAll(List.of("public final class m.AB", "  public void run()", ""));
    after.addAll(BEFORE.subList(6, BEFORE.size()));

    ListingDiff diff = ListingDiff.between(BEFORE, after);

    assertThat(diff.excerpt(10))
        .isEqualTo(
            "@@ -6,0 +7,3 @@ public record m.A\n"
                + "+public final class m.AB\n"
                + "+  public void run()\n"
                + "+\n");
  }

  @Test
  void stopsAfterTheLimitAndSaysHowManyMoreLinesChanged() {
    ListingDiff diff = ListingDiff.between(List.of(), BEFORE);

    assertThat(diff.excerpt(3))
        .isEqualTo(
            "@@ -0,0 +1,10 @@\n+module m\n+\n+public record m.A\n... and 7 more changed lines\n");
  }
}
