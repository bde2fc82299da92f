import { ApiError } from "../http/errors";
import { header, type HttpMiddleware, type HttpRequest } from "./context";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Parses a JSON request body into `context.body`: 413 over 1 MiB, 415 for another media type, 400 for broken JSON. */
export function jsonBody(): HttpMiddleware {
  return {
    before: (request: HttpRequest) => {
      const { event } = request;
      if (event.httpMethod !== "POST") return;
      const raw = event.body ?? "";
      const bytes = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
      if (bytes.length > MAX_BODY_BYTES) {
        throw new ApiError(
          413,
          "PAYLOAD_TOO_LARGE",
          `the body is ${bytes.length} bytes; the limit is ${MAX_BODY_BYTES}`,
        );
      }
      const contentType = header(event, "content-type") ?? "";
      if (!/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType)) {
        throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json", [
          { field: "Content-Type", message: contentType ? `got ${contentType}` : "missing" },
        ]);
      }
      try {
        request.context.body = JSON.parse(bytes.toString("utf8"));
      } catch (error) {
        throw new ApiError(400, "MALFORMED_JSON", "the body is not valid JSON", [
          { field: "body", message: (error as Error).message },
        ]);
      }
    },
  };
}
