// A request whose client hung up before its body was read (issue #16, "truthful errors"): Node
// reports it as ECONNRESET on the client's socket, the same code a database outage carries, so it is
// given its own type where it happens instead of being guessed from the code afterwards.

/** Thrown by the body readers when the client's request stream fails (aborted, reset). */
export class ClientAbortedError extends Error {
  constructor(cause: unknown) {
    super("the client closed the request before its body was read", { cause });
    this.name = "ClientAbortedError";
  }
}
