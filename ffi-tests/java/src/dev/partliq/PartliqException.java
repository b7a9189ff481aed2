package dev.partliq;

/**
 * A partliq status other than OK, thrown by the idiomatic wrappers
 * ({@link Batches}); {@link #status} is the C status code and the message
 * is partliq_status_str's text for it.
 */
public final class PartliqException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  PartliqException(int status) {
    super(Partliq.LIB.partliq_status_str(status) + " (status " + status + ")");
    this.status = status;
  }

  /** The partliq_status code. */
  public int status() {
    return status;
  }

  /** Throws for any status but OK (0). */
  static void check(int status) {
    if (status != 0) {
      throw new PartliqException(status);
    }
  }
}
