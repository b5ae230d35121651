package io.chora.jdbc.sql;

import io.chora.jdbc.sql.SqlLexer.Token;
import io.chora.jdbc.sql.SqlLexer.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds the columns an UPDATE (or an upsert's {@code DO UPDATE}) increments: {@code SET c = c +
 * expr}, {@code c = c - expr} or {@code c = expr + c}, where {@code expr} does not name {@code c}
 * and joins its terms only by arithmetic. Everything else is an absolute write: {@code c = c * 2},
 * {@code c = other + 1}, {@code c = c + c}, {@code c = CASE …}, row values {@code (a, b) = …}.
 * Answers are cached by SQL text, and a text without {@code +} or {@code -} is not lexed at all, so
 * a statement pays one map lookup at most per execution.
 */
public final class CountingUpdates {
  private static final int CACHE_LIMIT = 4096;

  /** The detector of every chora connection: one cache of answered texts. */
  public static final CountingUpdates SHARED = new CountingUpdates();

  /** What a statement increments: the table and the columns, as the statement spells them. */
  public record Counting(String table, List<String> columns) {
    public static final Counting NONE = new Counting("", List.of());

    public boolean any() {
      return !columns.isEmpty();
    }
  }

  /** Words that compare or branch: an expression holding one is not a sum. */
  private static final Set<String> NOT_ARITHMETIC =
      Set.of(
          "AND", "OR", "NOT", "IS", "IN", "LIKE", "GLOB", "MATCH", "REGEXP", "BETWEEN", "CASE",
          "WHEN", "THEN", "ELSE", "END", "COLLATE", "ESCAPE", "ISNULL", "NOTNULL");

  private final Map<String, Counting> answered = new ConcurrentHashMap<>();

  public Counting of(String sql) {
    if (sql == null || (sql.indexOf('+') < 0 && sql.indexOf('-') < 0)) {
      return Counting.NONE;
    }
    Counting known = answered.get(sql);
    if (known != null) {
      return known;
    }
    Counting found = find(sql, SqlLexer.tokens(sql));
    if (answered.size() >= CACHE_LIMIT) {
      answered.clear(); // a crude bound, as the classifier's
    }
    answered.put(sql, found);
    return found;
  }

  private static Counting find(String sql, List<Token> t) {
    if (t.isEmpty()) {
      return Counting.NONE;
    }
    int i;
    String table;
    String alias = null;
    if (t.get(0).isWord("UPDATE")) {
      i = 1;
      if (i < t.size() && t.get(i).isWord("OR")) {
        i += 2;
      }
      i = skipSchema(t, i);
      if (i >= t.size()) {
        return Counting.NONE;
      }
      table = name(sql, t.get(i++));
      if (i < t.size() && t.get(i).isWord("AS")) {
        i++;
      }
      if (i < t.size() && !t.get(i).isWord("SET") && !t.get(i).isWord("INDEXED")) {
        alias = name(sql, t.get(i++));
      }
      while (i < t.size() && !t.get(i).isWord("SET")) {
        i++; // INDEXED BY x, NOT INDEXED
      }
    } else if (t.get(0).isWord("INSERT") || t.get(0).isWord("REPLACE")) {
      int into = indexOfWord(t, "INTO", 0);
      int doUpdate = indexOfDoUpdate(t);
      if (into < 0 || doUpdate < 0) {
        return Counting.NONE;
      }
      i = skipSchema(t, into + 1);
      table = name(sql, t.get(i));
      if (i + 2 < t.size() && t.get(i + 1).isWord("AS")) {
        alias = name(sql, t.get(i + 2));
      }
      i = doUpdate + 2;
    } else {
      return Counting.NONE;
    }
    if (i >= t.size() || !t.get(i).isWord("SET")) {
      return Counting.NONE;
    }
    List<String> columns = new ArrayList<>();
    for (List<Token> assignment : assignments(t, i + 1)) {
      String column = incremented(sql, assignment, table, alias);
      if (column != null) {
        columns.add(column);
      }
    }
    return columns.isEmpty() ? Counting.NONE : new Counting(table, List.copyOf(columns));
  }

  /** The SET list split at top-level commas, up to the clause that ends it. */
  private static List<List<Token>> assignments(List<Token> t, int from) {
    List<List<Token>> parts = new ArrayList<>();
    List<Token> part = new ArrayList<>();
    int depth = 0;
    for (int i = from; i < t.size(); i++) {
      Token k = t.get(i);
      if (depth == 0
          && (k.isWord("FROM")
              || k.isWord("WHERE")
              || k.isWord("RETURNING")
              || k.isWord("ORDER")
              || k.isWord("LIMIT")
              || k.isPunct(';'))) {
        break;
      }
      depth += k.isPunct('(') ? 1 : k.isPunct(')') ? -1 : 0;
      if (depth == 0 && k.isPunct(',')) {
        parts.add(part);
        part = new ArrayList<>();
      } else {
        part.add(k);
      }
    }
    parts.add(part);
    return parts;
  }

  /** The column {@code c} when the assignment is {@code c = c ± expr} or {@code c = expr + c}. */
  private static String incremented(String sql, List<Token> a, String table, String alias) {
    if (a.size() < 5 || !isName(a.get(0)) || !a.get(1).isPunct('=')) {
      return null;
    }
    String column = name(sql, a.get(0));
    List<Token> value = unwrapped(a.subList(2, a.size()));
    int head = columnAt(sql, value, 0, column, table, alias);
    if (head > 0 && head < value.size() - 1) { // c + expr, c - expr
      Token op = value.get(head);
      return (op.isPunct('+') || op.isPunct('-'))
              && isSumTerm(sql, value.subList(head + 1, value.size()), column, table, alias)
          ? column
          : null;
    }
    for (int length : new int[] {1, 3}) { // expr + c, expr + t.c: every arithmetic binds tighter
      int at = value.size() - length;
      if (at >= 2
          && columnAt(sql, value, at, column, table, alias) == value.size()
          && value.get(at - 1).isPunct('+')
          && isSumTerm(sql, value.subList(0, at - 1), column, table, alias)) {
        return column;
      }
    }
    return null;
  }

  /**
   * The expression without parentheses around all of it: Hibernate writes {@code hits=(hits+1)} for
   * JPQL's {@code set i.hits = i.hits + 1}.
   */
  private static List<Token> unwrapped(List<Token> value) {
    while (value.size() >= 2
        && value.get(0).isPunct('(')
        && value.get(value.size() - 1).isPunct(')')) {
      int depth = 0;
      for (int i = 0; i < value.size() - 1; i++) {
        depth += value.get(i).isPunct('(') ? 1 : value.get(i).isPunct(')') ? -1 : 0;
        if (depth == 0) {
          return value; // (a) + (b): the first parenthesis closes early
        }
      }
      value = value.subList(1, value.size() - 1);
    }
    return value;
  }

  /**
   * The index after {@code column} (bare, or qualified by the table or its alias) when it starts at
   * {@code at}; -1 otherwise.
   */
  private static int columnAt(
      String sql, List<Token> v, int at, String column, String table, String alias) {
    if (at >= v.size() || !isName(v.get(at))) {
      return -1;
    }
    if (at + 2 < v.size() && v.get(at + 1).isPunct('.')) {
      String q = name(sql, v.get(at));
      boolean ours = q.equalsIgnoreCase(table) || (alias != null && q.equalsIgnoreCase(alias));
      return ours && isName(v.get(at + 2)) && name(sql, v.get(at + 2)).equalsIgnoreCase(column)
          ? at + 3
          : -1;
    }
    return name(sql, v.get(at)).equalsIgnoreCase(column) ? at + 1 : -1;
  }

  /**
   * Whether tokens are an arithmetic term that does not name {@code column}: no comparison or
   * branch (nor a bitwise or concatenating operator, which bind looser or make text) at the top
   * level, and the column nowhere (not even in a subquery or call).
   */
  private static boolean isSumTerm(
      String sql, List<Token> tokens, String column, String table, String alias) {
    int depth = 0;
    for (int i = 0; i < tokens.size(); i++) {
      Token k = tokens.get(i);
      boolean qualified = i > 0 && tokens.get(i - 1).isPunct('.');
      if (!qualified && columnAt(sql, tokens, i, column, table, alias) > i) {
        return false; // excluded.n or other.n name other rows' values: those are fine
      }
      depth += k.isPunct('(') ? 1 : k.isPunct(')') ? -1 : 0;
      if (depth > 0) {
        continue;
      }
      if (k.type() == Type.WORD && NOT_ARITHMETIC.contains(k.word())) {
        return false;
      }
      if (k.type() == Type.PUNCT && "=<>!&~|".indexOf(k.punct()) >= 0) {
        return false;
      }
    }
    return depth == 0;
  }

  private static boolean isName(Token k) {
    return k.type() == Type.WORD || (k.type() == Type.QUOTED && k.punct() != '\'');
  }

  private static String name(String sql, Token k) {
    return k.type() == Type.QUOTED ? k.unquoted(sql) : k.text(sql);
  }

  private static int skipSchema(List<Token> t, int i) {
    return i + 2 < t.size() && t.get(i + 1).isPunct('.') ? i + 2 : i;
  }

  private static int indexOfWord(List<Token> t, String word, int from) {
    for (int i = from; i < t.size(); i++) {
      if (t.get(i).isWord(word)) {
        return i;
      }
    }
    return -1;
  }

  /** The index of DO in {@code DO UPDATE}, or -1. */
  private static int indexOfDoUpdate(List<Token> t) {
    for (int i = 0; i + 1 < t.size(); i++) {
      if (t.get(i).isWord("DO") && t.get(i + 1).isWord("UPDATE")) {
        return i;
      }
    }
    return -1;
  }
}
