package shm.personality.rtx;

/** Where the ported code runs; the documented size rules of a re-create differ between the two. */
public enum CallerContext {
    /** A real-time (RTSS / wRTOS) process: a smaller size shrinks the object, a larger one fails. */
    RTSS_PROCESS,
    /** A Windows process using RTAPI: any other size fails. */
    WINDOWS_PROCESS
}
