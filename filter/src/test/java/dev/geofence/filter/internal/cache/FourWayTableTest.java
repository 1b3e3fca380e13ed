package dev.geofence.filter.internal.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FourWayTableTest {

  /** The entry {@code wanted} under hash {@code h}, found as the request path's tables find one. */
  private static String find(FourWayTable<String> table, int h, String wanted) {
    for (int i = 0; i < FourWayTable.PROBES; i++) {
      int slot = table.probe(h, i);
      if (slot < 0) {
        break;
      }
      String e = table.candidate(slot, h);
      if (wanted.equals(e)) {
        return e;
      }
    }
    return null;
  }

  /** Hashes whose first set is the same in {@code table}. */
  private static List<Integer> hashesOfOneSet(FourWayTable<String> table, int count) {
    List<Integer> found = new ArrayList<>();
    int set = table.probe(0, 0) & -FourWayTable.WAYS;
    for (int h = 0; found.size() < count; h++) {
      if ((table.probe(h, 0) & -FourWayTable.WAYS) == set) {
        found.add(h);
      }
    }
    return found;
  }

  /** Beyond four, an entry goes to its second set: it does not evict one of the first four. */
  @ParameterizedTest
  @ValueSource(ints = {1, 4, 5, 7})
  void entriesThatShareASetAreAllKept(int count) {
    FourWayTable<String> table = new FourWayTable<>(1024);
    List<Integer> hashes = hashesOfOneSet(table, count);
    hashes.forEach(h -> table.put(h, "e" + h));

    assertThat(hashes).allSatisfy(h -> assertThat(find(table, h, "e" + h)).isEqualTo("e" + h));
  }

  @Test
  void aLookUpWhoseFirstSetHasAFreeSlotEndsThere() {
    FourWayTable<String> table = new FourWayTable<>(1024);
    int h = hashesOfOneSet(table, 1).get(0);

    assertThat(table.probe(h, FourWayTable.WAYS)).isEqualTo(-1);
    hashesOfOneSet(table, 4).forEach(k -> table.put(k, "e" + k));
    assertThat(table.probe(h, FourWayTable.WAYS)).isNotNegative();
  }

  @Test
  void aWorkingSetOfAThirdOfTheSlotsIsKeptWhole() {
    // With one set per hash, about one key in a hundred of such a working set lost its slot to
    // another key of an overfull set, again on every pass.
    FourWayTable<String> table = new FourWayTable<>(65_536);
    int[] hashes = new SplittableRandom(7).ints(20_000).distinct().toArray();
    for (int pass = 0; pass < 3; pass++) {
      for (int h : hashes) {
        if (find(table, h, "e" + h) == null) {
          table.put(h, "e" + h);
        }
      }
    }

    assertThat(IntStream.of(hashes).filter(h -> find(table, h, "e" + h) == null).count()).isZero();
  }

  @Test
  void aNewEntryOfAFullTableReplacesExactlyOneOther() {
    FourWayTable<String> table = new FourWayTable<>(8);
    List<Integer> hashes = IntStream.range(0, 100).boxed().toList();
    hashes.forEach(h -> table.put(h, "e" + h));

    assertThat(hashes.stream().filter(h -> find(table, h, "e" + h) != null).count())
        .isEqualTo(table.size());
    assertThat(find(table, 99, "e99")).isEqualTo("e99");
  }

  @Test
  void aSlotIsOnlyACandidateForItsOwnHash() {
    FourWayTable<String> table = new FourWayTable<>(64);
    List<Integer> hashes = hashesOfOneSet(table, 2);
    table.put(hashes.get(0), "first");

    for (int i = 0; i < FourWayTable.WAYS; i++) {
      assertThat(table.candidate(table.probe(hashes.get(1), i), hashes.get(1))).isNull();
    }
  }

  @Test
  void replaceOverwritesTheSlotItNamesAndKeepsTheOthers() {
    FourWayTable<String> table = new FourWayTable<>(64);
    List<Integer> hashes = hashesOfOneSet(table, 4);
    hashes.forEach(h -> table.put(h, "e" + h));
    int h = hashes.get(2);
    int i = 0;
    while (!("e" + h).equals(table.candidate(table.probe(h, i), h))) {
      i++;
    }

    table.replace(table.probe(h, i), h, "newer");

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
