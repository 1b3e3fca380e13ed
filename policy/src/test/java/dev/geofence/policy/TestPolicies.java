package dev.geofence.policy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Policies and origins shared by the evaluation tests. */
final class TestPolicies {

  private TestPolicies() {}

  /** Exercises every evaluation rule: subdivisions, dates, substitute chains, sources, sections. */
  static final String EVAL =
      """
      policy: eval
      version: "7"
      country-source: [location, registered]
      tiers:
        frontier: [opus*, claude-opus-4*]
        advanced: [sonnet*]
        standard: [haiku*]
        basic: [mini*]
      unlisted-models: advanced
      substitutes:
        frontier: sonnet-4
        advanced: haiku-4
      regions:
        sanctioned: [IR, UA-43]
      rules:
        - name: sanctioned
          where: sanctioned
          action: block
          basis: "Sanctions list 12"
        - name: ukraine
          where: UA
          allow: frontier
        - name: open
          where: [CH]
          action: allow
        - name: cap-block
          where: [IN]
          allow: standard
        - name: cap-sub
          where: [BR]
          allow: standard
          over-limit: substitute
        - name: cap-basic
          where: [MX]
          allow: basic
          over-limit: substitute
        - name: gulf
          where: [AE]
          allow: standard
          over-limit: substitute
          effective-from: 2027-01-15
          effective-until: 2027-12-31
        - name: rest
          where: "*"
          allow: advanced
          over-limit: substitute
          monitor: true
      unknown:
        allow: standard
        over-limit: block
      anonymous:
        action: block
        basis: "VPN policy"
      """;

  static Policy eval() {
    return parse(EVAL);
  }

  static Policy example() {
    try {
      return Policy.load(Path.of("../examples/policy.yaml"));
    } catch (PolicyException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  static Policy parse(String yaml) {
    try {
      return Policy.parse(yaml, "test.yaml");
    } catch (PolicyException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  /**
   * An origin from a compact spec: {@code US}, {@code UA-43}, {@code unknown}, or space-separated
   * {@code loc=US reg=IR rep=DE sub=UA-43 anon}.
   */
  static Origin origin(String spec) {
    if (spec.equals("unknown")) {
      return Origin.unknown();
    }
    if (!spec.contains("=") && !spec.contains(" ") && !spec.equals("anon")) {
      return spec.length() > 2 ? Origin.subdivision(spec) : Origin.country(spec);
    }
    String loc = null;
    String reg = null;
    String rep = null;
    List<String> subs = new ArrayList<>();
    boolean anon = false;
    for (String part : spec.split(" ")) {
      if (part.equals("anon")) {
        anon = true;
      } else if (part.startsWith("loc=")) {
        loc = part.substring(4);
      } else if (part.startsWith("reg=")) {
        reg = part.substring(4);
      } else if (part.startsWith("rep=")) {
        rep = part.substring(4);
      } else if (part.startsWith("sub=")) {
        subs.add(part.substring(4));
      } else {
        throw new IllegalArgumentException("bad origin spec part '" + part + "'");
      }
    }
    return new Origin(loc, reg, rep, subs, anon);
  }
}
