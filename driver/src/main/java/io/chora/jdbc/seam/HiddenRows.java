package io.chora.jdbc.seam;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.Predicate;

/**
 * A metadata result set without the rows whose {@code TABLE_NAME} is hidden: {@code next()} steps
 * over them, every other call goes to sqlite-jdbc's result set. A proxy, because a result set has
 * some 190 methods and metadata is read rarely (never on a statement's path). sqlite-jdbc's
 * metadata result sets are forward-only, so only {@code getRow()} could tell rows were left out.
 */
final class HiddenRows implements InvocationHandler {
  private final ResultSet rows;
  private final int column;
  private final Predicate<String> hidden;

  private HiddenRows(ResultSet rows, int column, Predicate<String> hidden) {
    this.rows = rows;
    this.column = column;
    this.hidden = hidden;
  }

  static ResultSet of(ResultSet rows, Predicate<String> hidden) throws SQLException {
    return (ResultSet)
        Proxy.newProxyInstance(
            ResultSet.class.getClassLoader(),
            new Class<?>[] {ResultSet.class},
            new HiddenRows(rows, rows.findColumn("TABLE_NAME"), hidden));
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getName().equals("next") && method.getParameterCount() == 0) {
      while (rows.next()) {
        if (!hidden.test(rows.getString(column))) {
          return true;
        }
      }
      return false;
    }
    try {
      return method.invoke(rows, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
