/**
 * Errors about a request to the plugin's routes. Each knows its HTTP status and, where one
 * field is at fault, its name; the API edge turns them into `{ type, message, field }` answers.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly field?: string
  ) {
    super(message)
    this.name = new.target.name
  }
}

/** 400: the body or query is not what the route accepts. */
export class InvalidRequestError extends ApiError {
  constructor(field: string, message: string) {
    super(400, "invalid_data", message, field)
  }
}

/** 404: nothing of that id (or that the caller may see). */
export class NotFoundError extends ApiError {
  constructor(message: string) {
    super(404, "not_found", message)
  }
}

/** 409: the request conflicts with what is stored. */
export class ConflictError extends ApiError {
  constructor(message: string, field?: string) {
    super(409, "conflict", message, field)
  }
}

/** 401: the route needs a signed-in customer or admin. */
export class UnauthorizedError extends ApiError {
  constructor(message: string) {
    super(401, "unauthorized", message)
  }
}

/** 503: the plugin's options are invalid, so it is switched off. */
export class NotConfiguredError extends ApiError {
  constructor(message: string) {
    super(503, "not_configured", message)
  }
}

/** 403: a state change signed in with the session cookie, from an origin the store does not allow (CSRF). */
export class ForbiddenOriginError extends ApiError {
  constructor(message: string) {
    super(403, "forbidden", message, "origin")
  }
}

/** 408: the body did not arrive in time (a client trickling it to hold the connection). */
export class RequestTimeoutError extends ApiError {
  constructor() {
    super(408, "request_timeout", "the body did not arrive in time", "body")
  }
}

/** 413: the body is over the routes' limit. */
export class PayloadTooLargeError extends ApiError {
  constructor() {
    super(413, "payload_too_large", "body is too large", "body")
  }
}

/** 415: a body that is not UTF-8 `application/json`, or sent in an encoding the routes do not read. */
export class UnsupportedMediaTypeError extends ApiError {
  constructor(message: string, field = "content-type") {
    super(415, "unsupported_media_type", message, field)
  }
}
