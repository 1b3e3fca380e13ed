package dev.geofence.filter.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FourWayTableTest {

  private static String find(FourWayTable<String> table, int h, String wanted) {
    int set = table.set(h);
    for (int way = 0; way < FourWayTable.WAYS; way++) {
      String e = table.candidate(set, way, h);
      if (wanted.equals(e)) {
        return e;
      }
    }
    return null;
  }

  /** Hashes that fall in the same set of {@code table}. */
  private static List<Integer> hashesOfOneSet(FourWayTable<String> table, int count) {
    List<Integer> found = new ArrayList<>();
    int set = table.set(0);
    for (int h = 0; found.size() < count; h++) {
      if (table.set(h) == set) {
        found.add(h);
      }
    }
    return found;
  }

  @Test
  void fourEntriesOfOneSetAreAllKept() {
    FourWayTable<String> table = new FourWayTable<>(64);
    List<Integer> hashes = hashesOfOneSet(table, 4);
    hashes.forEach(h -> table.put(h, "e" + h));

    assertThat(hashes).allSatisfy(h -> assertThat(find(table, h, "e" + h)).isEqualTo("e" + h));
  }

  @Test
  void aFifthEntryOfAFullSetReplacesExactlyOneOfTheFour() {
    FourWayTable<String> table = new FourWayTable<>(64);
    List<Integer> hashes = hashesOfOneSet(table, 5);
    hashes.forEach(h -> table.put(h, "e" + h));

    long kept = hashes.stream().filter(h -> find(table, h, "e" + h) != null).count();
    assertThat(find(table, hashes.get(4), "e" + hashes.get(4))).isNotNull();
    assertThat(kept).isEqualTo(FourWayTable.WAYS);
  }

  @Test
  void aSlotIsOnlyACandidateForItsOwnHash() {
    FourWayTable<String> table = new FourWayTable<>(64);
    List<Integer> hashes = hashesOfOneSet(table, 2);
    table.put(hashes.get(0), "first");
    int set = table.set(hashes.get(1));

    for (int way = 0; way < FourWayTable.WAYS; way++) {
      assertThat(table.candidate(set, way, hashes.get(1))).isNull();
    }
  }

  @Test
  void replaceOverwritesTheWayItNamesAndKeepsTheOthers() {
    FourWayTable<String> table = new FourWayTable<>(64);
    List<Integer> hashes = hashesOfOneSet(table, 4);
    hashes.forEach(h -> table.put(h, "e" + h));
    int h = hashes.get(2);
    int set = table.set(h);
    int way = 0;
    while (!("e" + h).equals(table.candidate(set, way, h))) {
      way++;
    }

    table.replace(set, way, h, "newer");

    assertThat(find(table, h, "newer")).isEqualTo("newer");
    assertThat(find(table, h, "e" + h)).isNull();
    for (int other : List.of(hashes.get(0), hashes.get(1), hashes.get(3))) {
      assertThat(find(table, other, "e" + other)).isEqualTo("e" + other);
    }
  }

  @Test
  void theSizeIsAPowerOfTwoOfAtLeastTwoSets() {
    assertThat(new FourWayTable<String>(1).size()).isEqualTo(8);
    assertThat(new FourWayTable<String>(65_536).size()).isEqualTo(65_536);
    assertThat(new FourWayTable<String>(100_000).size()).isEqualTo(131_072);
    assertThat(new FourWayTable<String>(Long.MAX_VALUE).size()).isEqualTo(1 << 20);
  }
}
