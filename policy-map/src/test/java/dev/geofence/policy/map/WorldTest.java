package dev.geofence.policy.map;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorldTest {

  private final World world = World.get();
  private final Map<String, World.Shape> byCode =
      world.shapes().stream()
          .filter(s -> s.iso().isPresent())
          .collect(Collectors.toMap(s -> s.iso().get(), Function.identity()));

  @Test
  void drawsEveryCountryOnce_byItsAlpha2Code() {
    assertThat(byCode).hasSizeGreaterThan(230);
    assertThat(byCode.get("FR").name()).isEqualTo("France");
    assertThat(byCode.get("US").area()).isGreaterThan(byCode.get("FR").area());
    assertThat(Evaluation.COUNTRIES).containsAll(byCode.keySet());
  }

  @Test
  void kosovo_isDrawnAsXk() {
    assertThat(byCode).containsKey("XK");
    assertThat(byCode.get("XK").name()).isEqualTo("Kosovo");
  }

  @Test
  void placesWithoutACode_areNeutral() {
    assertThat(world.shapes().stream().filter(s -> s.iso().isEmpty()).map(World.Shape::name))
        .containsExactlyInAnyOrder("N. Cyprus", "Siachen Glacier", "Somaliland");
  }

  @Test
  void overseasTerritories_areSplitFromTheCountryNaturalEarthDrawsThemIn() {
    assertThat(byCode).containsKeys("GF", "GP", "MQ", "RE", "YT", "BQ", "SJ", "CX");
    // France without French Guiana: its marker is in Europe, and French Guiana's in South America.
    EqualEarth p = world.projection();
    assertThat(byCode.get("GF").x())
        .isCloseTo(p.x(-53, 4), org.assertj.core.api.Assertions.within(20.0));
    assertThat(byCode.get("FR").x())
        .isCloseTo(p.x(2.5, 46.5), org.assertj.core.api.Assertions.within(40.0));
    assertThat(byCode.get("SJ").y()).isLessThan(p.y(74));
  }

  @Test
  void russiaAndFiji_crossTheAntimeridian_andStayOnTheMap() {
    for (String code : new String[] {"RU", "FJ", "AQ", "US"}) {
      World.Shape shape = byCode.get(code);
      assertThat(shape.path()).as(code).isNotEmpty();
    }
    // Antarctica is closed through the pole: a large area along the bottom edge.
    assertThat(byCode.get("AQ").area()).isGreaterThan(byCode.get("AU").area());
  }

  @Test
  void tinyStates_haveAMarkerPoint_evenWhenTooSmallToDraw() {
    World.Shape monaco = byCode.get("MC");
    assertThat(monaco).isNotNull();
    EqualEarth p = world.projection();
    assertThat(monaco.x()).isCloseTo(p.x(7.4, 43.7), org.assertj.core.api.Assertions.within(5.0));
    assertThat(monaco.area()).isLessThan(World.TINY);
  }

  @Test
  void readsTheNumericCodeTable() throws Exception {
    Map<String, String> codes =
        World.readCodes(
            new ByteArrayInputStream(
                "# comment\n004,AF\n\n250,FR\n".getBytes(StandardCharsets.UTF_8)));

    assertThat(codes).containsExactlyInAnyOrderEntriesOf(Map.of("004", "AF", "250", "FR"));
    assertThat(World.name("XK")).isEqualTo("Kosovo");
    assertThat(World.name("DE")).isEqualTo("Germany");
  }

  @Test
  void topoJson_decodesDeltaArcs_reversedArcs_andMissingIds() throws Exception {
    String topology =
        """
        {"type":"Topology","transform":{"scale":[0.5,0.25],"translate":[-10,20]},
         "objects":{"land":{"type":"GeometryCollection","geometries":[]},
          "countries":{"type":"GeometryCollection","geometries":[
           {"type":"Polygon","arcs":[[0,-2]],"id":"250","properties":{"name":"A"}},
           {"type":"MultiPolygon","arcs":[[[1]]],"properties":{"name":"B"}}]}},
         "arcs":[[[0,0],[2,0],[0,4]],[[0,0],[2,4],[-2,-4]]],"bbox":[0,0,1,1]}
        """;

    var features =
        TopoJson.read(
            new ByteArrayInputStream(topology.getBytes(StandardCharsets.UTF_8)), "countries");

    assertThat(features).hasSize(2);
    assertThat(features.get(0).id()).isEqualTo(Optional.of("250"));
    assertThat(features.get(1).id()).isEmpty();
    assertThat(features.get(1).name()).isEqualTo("B");
    // Arc 0: (0,0) (2,0) (2,4) → (-10,20) (-9,20) (-9,21); arc 1 reversed, first point dropped.
    assertThat(features.get(0).polygons().get(0).get(0))
        .containsExactly(-10, 20, -9, 20, -9, 21, -9, 21, -10, 20);
  }
}
