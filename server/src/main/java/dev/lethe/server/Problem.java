package dev.lethe.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * An error answer as RFC 9457 problem details ({@code application/problem+json}): a type URI under
 * {@value #TYPES}, a title per status, and a detail that says what to fix (never a value the
 * request carried).
 */
public final class Problem extends RuntimeException {

    static final String TYPES = "https://lethe.dev/problems/";
    static final String CONTENT_TYPE = "application/problem+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final String type;

    public Problem(int status, String type, String detail) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
    }

    public int status() {
        return status;
    }

    public static Problem badRequest(String detail) {
        return new Problem(400, "bad-request", detail);
    }

    public static Problem unauthorized(String detail) {
        return new Problem(401, "unauthorized", detail);
    }

    public static Problem forbidden(String detail) {
        return new Problem(403, "forbidden", detail);
    }

    public static Problem notFound(String detail) {
        return new Problem(404, "not-found", detail);
    }

    static void write(Context ctx, int status, String type, String detail) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", TYPES + type);
        n.put("title", title(status));
        n.put("status", status);
        n.put("detail", detail);
        ctx.status(status).contentType(CONTENT_TYPE).result(n.toString());
    }

    void write(Context ctx) {
        write(ctx, status, type, getMessage());
    }

    private static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 415 -> "Unsupported Media Type";
            case 429 -> "Too Many Requests";
            case 501 -> "Not Implemented";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
