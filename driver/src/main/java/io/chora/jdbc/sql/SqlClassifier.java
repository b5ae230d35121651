package io.chora.jdbc.sql;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.alter.Alter;
import net.sf.jsqlparser.statement.create.table.CreateTable;
import net.sf.jsqlparser.statement.delete.Delete;
import net.sf.jsqlparser.statement.drop.Drop;
import net.sf.jsqlparser.statement.insert.Insert;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.update.Update;

/**
 * Decides what a statement does. The first keyword settles the common cases without parsing (SELECT
 * costs one short scan); JSqlParser decides WITH statements and DDL, and its answers are cached by
 * SQL text so that no text is parsed twice. Where JSqlParser does not know SQLite's syntax, the
 * keyword rules answer conservatively (as a write).
 */
public final class SqlClassifier {
  private static final int CACHE_LIMIT = 4096;

  /** The classifier of every chora connection, in both modes: one cache of parsed texts. */
  public static final SqlClassifier SHARED = new SqlClassifier();

  private final Map<String, SqlKind> parsed = new ConcurrentHashMap<>();

  public SqlKind classify(String sql) {
    SqlKind kind = byFirstWord(sql);
    return kind != SqlKind.SCRIPT && isScript(sql) ? SqlKind.SCRIPT : kind;
  }

  private SqlKind byFirstWord(String sql) {
    String first = SqlTokens.firstWord(sql);
    return switch (first) {
      case "SELECT", "VALUES", "EXPLAIN" -> SqlKind.READ;
      case "INSERT", "UPDATE", "DELETE", "REPLACE" -> SqlKind.WRITE;
      case "BEGIN" -> SqlKind.BEGIN;
      case "COMMIT", "END" -> SqlKind.COMMIT;
      case "SAVEPOINT" -> SqlKind.SAVEPOINT;
      case "RELEASE" -> SqlKind.RELEASE;
      case "ROLLBACK" -> isRollbackTo(sql) ? SqlKind.ROLLBACK_TO : SqlKind.ROLLBACK;
      case "PRAGMA", "ATTACH", "DETACH", "VACUUM", "ANALYZE", "REINDEX" -> SqlKind.OTHER;
      // no statement (an empty string, a comment): SQLite runs nothing, so neither does chora
      case "" -> SqlTokens.isBlank(sql) ? SqlKind.OTHER : cachedParse(sql, first);
      default -> cachedParse(sql, first);
    };
  }

  /**
   * The statements of a multi-statement string, in order (one for a single statement): what
   * SQLite's {@code sqlite3_exec} runs one after another, as sqlite-jdbc's {@code executeUpdate}
   * does.
   */
  public static List<String> statements(String sql) {
    return SqlTokens.split(sql);
  }

  /**
   * The first statement of {@code sql}, or {@code sql} itself when it holds one (or none): what
   * sqlite-jdbc prepares and runs of a multi-statement string passed to {@code execute}, {@code
   * executeQuery}, {@code prepareStatement} or {@code addBatch}, which ignore the rest.
   */
  public static String firstStatement(String sql) {
    if (sql == null || oneStatement(sql)) {
      return sql;
    }
    List<String> all = SqlTokens.split(sql);
    return all.size() > 1 ? all.get(0) : sql;
  }

  /**
   * Whether {@code sql} certainly holds one statement without tokenizing it: no {@code ;}, or a
   * single one followed by blanks only (wherever it is, nothing can follow it). sqlite-jdbc's own
   * {@code SELECT last_insert_rowid();} after each INSERT is such a text, on the per-row path.
   */
  private static boolean oneStatement(String sql) {
    int semi = sql.indexOf(';');
    if (semi < 0) {
      return true;
    }
    for (int i = semi + 1; i < sql.length(); i++) {
      if (!Character.isWhitespace(sql.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The kinds of each statement of a multi-statement string, in order. */
  public List<SqlKind> classifyScript(String sql) {
    return SqlTokens.split(sql).stream().map(this::classify).toList();
  }

  private SqlKind cachedParse(String sql, String first) {
    SqlKind known = parsed.get(sql);
    if (known != null) {
      return known;
    }
    SqlKind kind = isScript(sql) ? SqlKind.SCRIPT : parse(sql, first);

    if (parsed.size() >= CACHE_LIMIT) {
      parsed.clear(); // a crude bound: texts worth caching come back and are parsed once more
    }
    parsed.put(sql, kind);
    return kind;
  }

  private static SqlKind parse(String sql, String first) {
    try {
      Statement statement = CCJSqlParserUtil.newParser(sql).Statement();
      SqlKind kind = kindOf(statement);
      if (kind != null) {
        return kind;
      }
    } catch (Exception | Error e) {
      // JSqlParser does not know every SQLite form (WITHOUT ROWID, STRICT, ...): use keywords
    }
    return byKeywords(sql, first);
  }

  private static SqlKind kindOf(Statement s) {
    if (s instanceof Select) {
      return SqlKind.READ;
    }
    if (s instanceof Insert || s instanceof Update || s instanceof Delete) {
      return SqlKind.WRITE;
    }
    if (s instanceof CreateTable create) {
      return isTemporaryOrVirtual(create.getCreateOptionsStrings())
          ? SqlKind.OTHER_DDL
          : SqlKind.TABLE_DDL;
    }
    if (s instanceof Alter) {
      return SqlKind.TABLE_DDL;
    }
    if (s instanceof Drop drop) {
      return changesKeys(drop.getType()) ? SqlKind.TABLE_DDL : SqlKind.OTHER_DDL;
    }
    return null;
  }

  private static boolean isTemporaryOrVirtual(List<String> options) {
    return options != null
        && options.stream()
            .anyMatch(
                o ->
                    o.equalsIgnoreCase("TEMP")
                        || o.equalsIgnoreCase("TEMPORARY")
                        || o.equalsIgnoreCase("VIRTUAL"));
  }

  /** The rules when JSqlParser cannot tell: anything unknown may write. */
  static SqlKind byKeywords(String sql, String first) {
    SqlTokens tokens = new SqlTokens(sql);
    tokens.nextWord();
    String second = tokens.nextWord();
    return switch (first) {
      case "CREATE" -> {
        if (second.equals("TEMP") || second.equals("TEMPORARY") || second.equals("VIRTUAL")) {
          yield SqlKind.OTHER_DDL;
        }
        // a UNIQUE index is a new way for REPLACE to delete rows: the triggers must know it
        yield second.equals("TABLE") || second.equals("UNIQUE")
            ? SqlKind.TABLE_DDL
            : SqlKind.OTHER_DDL;
      }
      case "ALTER" -> SqlKind.TABLE_DDL;
      case "DROP" -> changesKeys(second) ? SqlKind.TABLE_DDL : SqlKind.OTHER_DDL;
      default -> SqlKind.WRITE;
    };
  }

  /** Dropping a table, or an index that may have been UNIQUE, changes what triggers watch. */
  private static boolean changesKeys(String droppedType) {
    return "TABLE".equalsIgnoreCase(droppedType) || "INDEX".equalsIgnoreCase(droppedType);
  }

  /**
   * For {@code ALTER TABLE t DROP [COLUMN] c}, the table {@code t}; otherwise null. SQLite refuses
   * to drop a column that a trigger names, so capture's triggers on {@code t} must go first.
   */
  public String columnDroppedFrom(String sql) {
    Altered altered = altered(sql);
    return altered != null && altered.rest().nextWord().equals("DROP") ? altered.table() : null;
  }

  /** {@code ALTER TABLE table ADD [COLUMN] column ...}. */
  public record ColumnAdd(String table, String column) {}

  /** For {@code ALTER TABLE t ADD [COLUMN] c ...}, what is added; otherwise null. */
  public ColumnAdd columnAdded(String sql) {
    Altered altered = altered(sql);
    if (altered == null || !altered.rest().nextWord().equals("ADD")) {
      return null;
    }
    String column = columnName(altered.rest());
    return column.isEmpty() ? null : new ColumnAdd(altered.table(), column);
  }

  /** {@code ALTER TABLE table RENAME [COLUMN] from TO to}. */
  public record ColumnRename(String table, String from, String to) {}

  /**
   * For {@code ALTER TABLE t RENAME [COLUMN] a TO b}, what was renamed; otherwise (a table rename
   * too) null. Java mode maps older replicas' writes under the old name to the new one.
   */
  public ColumnRename columnRenamed(String sql) {
    Altered altered = altered(sql);
    if (altered == null || !altered.rest().nextWord().equals("RENAME")) {
      return null;
    }
    SqlTokens tokens = altered.rest();
    String from = columnName(tokens);
    if (from.isEmpty() || from.equalsIgnoreCase("TO") || !tokens.nextWord().equals("TO")) {
      return null; // RENAME TO: the table
    }
    String to = tokens.nextIdentifier();
    return to.isEmpty() ? null : new ColumnRename(altered.table(), from, to);
  }

  /**
   * For {@code ALTER TABLE t ...}, the table {@code t}; otherwise null. Native mode tells cr-sqlite
   * before and after a synced table changes.
   */
  public String alteredTable(String sql) {
    Altered altered = altered(sql);
    return altered == null ? null : altered.table();
  }

  /** {@code ALTER TABLE table} and the tokens after it. */
  private record Altered(String table, SqlTokens rest) {}

  private static Altered altered(String sql) {
    if (sql == null) {
      return null;
    }
    SqlTokens tokens = new SqlTokens(sql);
    if (!tokens.nextWord().equals("ALTER") || !tokens.nextWord().equals("TABLE")) {
      return null;
    }
    String table = tokens.nextIdentifier();
    return table.isEmpty() ? null : new Altered(table, tokens);
  }

  /** A column's name after ADD or RENAME, past the optional COLUMN keyword. */
  private static String columnName(SqlTokens tokens) {
    String name = tokens.nextIdentifier();
    return name.equalsIgnoreCase("COLUMN") ? tokens.nextIdentifier() : name;
  }

  private static boolean isRollbackTo(String sql) {
    SqlTokens tokens = new SqlTokens(sql);
    tokens.nextWord();
    String next = tokens.nextWord();
    if (next.equals("TRANSACTION")) {
      next = tokens.nextWord();
    }
    return next.equals("TO");
  }

  /** True when text follows a top-level semicolon. Cheap: most SQL has no ';' at all. */
  private static boolean isScript(String sql) {
    return sql.indexOf(';') >= 0 && SqlTokens.split(sql).size() > 1;
  }
}
