package shm.personality.rtx;

/** Which API family a call belongs to: Rt* (user mode) or Rtk* (kernel drivers); a handle answers only its own. */
enum ApiFamily {
    /** The Rt* calls (RTAPI, user mode). */
    RT,
    /** The Rtk* calls (kernel drivers). */
    RTK
}
