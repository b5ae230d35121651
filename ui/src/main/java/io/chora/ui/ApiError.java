package io.chora.ui;

/**
 * A request the API refuses, with the HTTP status and a short machine-readable code; it becomes a
 * JSON body {@code {"error": code, "message": message}}.
 */
final class ApiError extends RuntimeException {
  private final int status;
  private final String code;

  ApiError(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "bad_request", message);
  }

  static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }
}
