package io.chora.it.conformance;

import java.util.ArrayList;
import java.util.List;

/** A group's scenarios, in the order they were added. */
final class Scenarios {
  private final String group;
  private final List<Scenario> all = new ArrayList<>();

  Scenarios(String group) {
    this.group = group;
  }

  Scenarios add(String name, Scenario.Body body) {
    all.add(new Scenario(group, name, body));
    return this;
  }

  List<Scenario> list() {
    return all;
  }
}
