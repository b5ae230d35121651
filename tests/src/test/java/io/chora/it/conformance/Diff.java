package io.chora.it.conformance;

import java.util.ArrayList;
import java.util.List;

/** A line diff of two observation lists (longest common subsequence), readable in a failure. */
final class Diff {
  private Diff() {}

  /** The lines only {@code a} has ("- ") and only {@code b} has ("+ "), in order. */
  static List<String> of(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>();
    for (String line : aligned(a, b)) {
      if (!line.startsWith("  ")) {
        out.add(line);
      }
    }
    return out;
  }

  /** Both lists aligned: common lines " ", lines of {@code a} only "- ", of {@code b} only "+ ". */
  static List<String> aligned(List<String> a, List<String> b) {
    int n = a.size();
    int m = b.size();
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a.get(i).equals(b.get(j))) {
        out.add("  " + a.get(i++));
        j++;
      } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        out.add("+ " + b.get(j++));
      } else {
        out.add("- " + a.get(i++));
      }
    }
    return out;
  }

  /** The aligned lists with a few lines of context around each difference. */
  static String readable(List<String> a, List<String> b) {
    List<String> all = aligned(a, b);
    StringBuilder s = new StringBuilder("--- jdbc:sqlite:   +++ jdbc:chora:\n");
    int last = -1;
    for (int k = 0; k < all.size(); k++) {
      boolean near = false;
      for (int d = -3; d <= 3 && !near; d++) {
        int at = k + d;
        near = at >= 0 && at < all.size() && !all.get(at).startsWith("  ");
      }
      if (near) {
        if (last >= 0 && k > last + 1) {
          s.append("  ...\n");
        }
        s.append(all.get(k)).append('\n');
        last = k;
      }
    }
    return s.toString();
  }
}
