package io.chora.jdbc.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where the parts of one INSERT (or REPLACE) statement are in its text, so that chora can give the
 * key column a value without re-writing, re-ordering or re-numbering anything the application
 * wrote: the target table, its column list, the source (VALUES rows, a SELECT, DEFAULT VALUES) and
 * the tail (upsert clause, RETURNING). Only offsets are kept; the text is spliced, never deparsed.
 * Statements it does not understand give null.
 */
public final class InsertShape {
  /** What feeds the insert. */
  public enum Source {
    VALUES,
    SELECT,
    DEFAULT_VALUES
  }

  /** A piece of the text: {@code start} inclusive, {@code end} exclusive. */
  public record Span(int start, int end) {
    public String of(String sql) {
      return sql.substring(start, end);
    }
  }

  private final String schema;
  private final String table;
  private final List<String> columns;
  private final int columnsClose;
  private final int targetEnd;
  private final Source source;
  private final Span sourceSpan;
  private final List<Span> rows;
  private final List<List<Span>> rowValues;
  private final int tailStart;
  private final boolean upsert;
  private final List<Integer> plainParameters;
  private final boolean otherParameters;

  private InsertShape(Parser p) {
    this.schema = p.schema;
    this.table = p.table;
    this.columns = p.columns == null ? null : List.copyOf(p.columns);
    this.columnsClose = p.columnsClose;
    this.targetEnd = p.targetEnd;
    this.source = p.source;
    this.sourceSpan = p.sourceSpan;
    this.rows = List.copyOf(p.rows);
    this.rowValues = p.rowValues.stream().map(List::copyOf).toList();
    this.tailStart = p.tailStart;
    this.upsert = p.upsert;
    List<Integer> plain = new ArrayList<>();
    boolean other = false;
    for (SqlLexer.Token t : p.tokens) {
      if (t.type() == SqlLexer.Type.PARAM) {
        if (t.end() - t.start() == 1 && t.punct() == '?') {
          plain.add(t.start());
        } else {
          other = true;
        }
      }
    }
    this.plainParameters = List.copyOf(plain);
    this.otherParameters = other;
  }

  /** The shape of {@code sql}, or null when it is not one INSERT/REPLACE this class can read. */
  public static InsertShape parse(String sql) {
    try {
      return new Parser(sql).parse();
    } catch (IllegalStateException notUnderstood) {
      return null;
    }
  }

  /** The schema prefix ({@code main} in {@code main.t}), or null. */
  public String schema() {
    return schema;
  }

  /** The target table's name, unquoted. */
  public String table() {
    return table;
  }

  /** The column list as written (unquoted), or null when the statement has none. */
  public List<String> columns() {
    return columns;
  }

  /** Offset of the {@code )} that closes the column list; -1 without one. */
  public int columnsClose() {
    return columnsClose;
  }

  /** Offset right after the target (table name and alias, or the column list). */
  public int targetEnd() {
    return targetEnd;
  }

  public Source source() {
    return source;
  }

  /** The source: from VALUES / SELECT / WITH / DEFAULT to where the tail begins. */
  public Span sourceSpan() {
    return sourceSpan;
  }

  /** For VALUES: each row's parenthesised text, parentheses included. */
  public List<Span> rows() {
    return rows;
  }

  /** For VALUES: each row's value expressions. */
  public List<List<Span>> rowValues() {
    return rowValues;
  }

  /** Offset of the upsert clause or RETURNING (or the end of the statement). */
  public int tailStart() {
    return tailStart;
  }

  /** True when an {@code ON CONFLICT} clause follows the source. */
  public boolean hasUpsert() {
    return upsert;
  }

  /** Offsets of the statement's plain {@code ?} parameters, in order. */
  public List<Integer> plainParameters() {
    return plainParameters;
  }

  /** True when the statement also has numbered ({@code ?3}) or named ({@code :x}) parameters. */
  public boolean hasOtherParameters() {
    return otherParameters;
  }

  /** True when {@code value} is a literal that cannot be NULL (a number or a string). */
  public static boolean isNonNullLiteral(String value) {
    String v = value.strip();
    if (v.isEmpty()) {
      return false;
    }
    char c = v.charAt(0);
    if (c == '\'') {
      return v.endsWith("'") && v.length() >= 2;
    }
    if (c == '-' || c == '+') {
      v = v.substring(1).strip();
    }
    if (v.isEmpty()) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char d = v.charAt(i);
      if (!(Character.isDigit(d)
          || d == '.'
          || d == 'e'
          || d == 'E'
          || d == 'x'
          || d == 'X'
          || (d >= 'a' && d <= 'f')
          || (d >= 'A' && d <= 'F'))) {
        return false;
      }
    }
    return Character.isDigit(v.charAt(0)) || v.charAt(0) == '.';
  }

  /** Reads the statement token by token; any surprise throws and the shape is null. */
  private static final class Parser {
    private final String sql;
    final List<SqlLexer.Token> tokens;
    private int i;
    String schema;
    String table;
    List<String> columns;
    int columnsClose = -1;
    int targetEnd;
    Source source;
    Span sourceSpan;
    final List<Span> rows = new ArrayList<>();
    final List<List<Span>> rowValues = new ArrayList<>();
    int tailStart;
    boolean upsert;

    Parser(String sql) {
      this.sql = sql;
      this.tokens = SqlLexer.tokens(sql);
    }

    InsertShape parse() {
      if (isWord("WITH")) {
        skipToTopLevelWord("INSERT", "REPLACE");
      }
      if (isWord("REPLACE")) {
        i++;
      } else {
        expectWord("INSERT");
        if (isWord("OR")) {
          i += 2;
        }
      }
      expectWord("INTO");
      table = identifier();
      if (isPunct('.')) {
        i++;
        schema = table;
        table = identifier();
      }
      targetEnd = tok(-1).end();
      if (isWord("AS")) {
        i++;
        identifier();
        targetEnd = tok(-1).end();
      }
      if (isPunct('(')) {
        readColumns();
      }
      int sourceStart = tok(0).start();
      if (isWord("DEFAULT")) {
        i++;
        expectWord("VALUES");
        source = Source.DEFAULT_VALUES;
      } else if (isWord("VALUES")) {
        i++;
        source = Source.VALUES;
        readRows();
      } else if (isWord("SELECT") || isWord("WITH")) {
        source = Source.SELECT;
        skipToTail();
      } else {
        throw new IllegalStateException("no source");
      }
      tailStart = i < tokens.size() ? tok(0).start() : sql.length();
      sourceSpan = new Span(sourceStart, i > 0 ? tok(-1).end() : sourceStart);
      upsert = isWord("ON");
      if (!upsert && i < tokens.size() && !isWord("RETURNING") && !isPunct(';')) {
        throw new IllegalStateException("unexpected tail");
      }
      return new InsertShape(this);
    }

    private void readColumns() {
      i++; // (
      columns = new ArrayList<>();
      while (true) {
        columns.add(identifier());
        if (isPunct(',')) {
          i++;
        } else if (isPunct(')')) {
          columnsClose = tok(0).start();
          i++;
          targetEnd = tok(-1).end();
          return;
        } else {
          throw new IllegalStateException("column list");
        }
      }
    }

    private void readRows() {
      while (true) {
        if (!isPunct('(')) {
          throw new IllegalStateException("row");
        }
        int open = i++;
        List<Span> values = new ArrayList<>();
        int valueStart = tok(0).start();
        int depth = 0;
        while (true) {
          SqlLexer.Token t = tok(0);
          if (t.isPunct('(')) {
            depth++;
          } else if (t.isPunct(')')) {
            if (depth == 0) {
              values.add(new Span(valueStart, tok(-1).end()));
              break;
            }
            depth--;
          } else if (t.isPunct(',') && depth == 0) {
            values.add(new Span(valueStart, tok(-1).end()));
            valueStart = tok(1).start();
          }
          i++;
        }
        rows.add(new Span(tokens.get(open).start(), tok(0).end()));
        rowValues.add(values);
        i++; // )
        if (isPunct(',')) {
          i++;
        } else {
          return;
        }
      }
    }

    /** A SELECT source runs until a top-level ON CONFLICT, RETURNING, ';' or the end. */
    private void skipToTail() {
      int depth = 0;
      for (; i < tokens.size(); i++) {
        SqlLexer.Token t = tok(0);
        if (t.isPunct('(')) {
          depth++;
        } else if (t.isPunct(')')) {
          depth--;
        } else if (depth == 0
            && (t.isPunct(';')
                || t.isWord("RETURNING")
                || (t.isWord("ON") && i + 1 < tokens.size() && tok(1).isWord("CONFLICT")))) {
          return;
        }
      }
    }

    private void skipToTopLevelWord(String a, String b) {
      int depth = 0;
      for (; i < tokens.size(); i++) {
        SqlLexer.Token t = tok(0);
        if (t.isPunct('(')) {
          depth++;
        } else if (t.isPunct(')')) {
          depth--;
        } else if (depth == 0 && (t.isWord(a) || t.isWord(b))) {
          return;
        }
      }
      throw new IllegalStateException("no INSERT after WITH");
    }

    private String identifier() {
      SqlLexer.Token t = tok(0);
      i++;
      return switch (t.type()) {
        case WORD -> t.text(sql);
        case QUOTED -> t.unquoted(sql);
        case STRING -> t.unquoted(sql); // SQLite takes 'name' as an identifier here too
        default -> throw new IllegalStateException("identifier");
      };
    }

    private SqlLexer.Token tok(int offset) {
      int at = i + offset;
      if (at < 0 || at >= tokens.size()) {
        throw new IllegalStateException("end of statement");
      }
      return tokens.get(at);
    }

    private boolean isWord(String word) {
      return i < tokens.size() && tokens.get(i).isWord(word);
    }

    private boolean isPunct(char c) {
      return i < tokens.size() && tokens.get(i).isPunct(c);
    }

    private void expectWord(String word) {
      if (!isWord(word)) {
        throw new IllegalStateException("expected " + word.toLowerCase(Locale.ROOT));
      }
      i++;
    }
  }
}
